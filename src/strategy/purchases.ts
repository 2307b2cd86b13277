/**
 * A purchase commitment as a linked issue: the buyer undertakes to buy more of
 * the seller's goods in named sectors (the US pressing Japan on farm products).
 * Buyers buy more of a good only at a lower price, so a commitment the market
 * would not make is an implicit import subsidy that the buyer pays: a wedge
 * below the buyer's tariff on the seller in those sectors, added to whatever
 * tariff the talks set. Its size per unit of the issue is fixed once, on the
 * data's baseline flows: in partial equilibrium (the buyer's spending on the
 * sector and other sources' prices fixed) one unit raises the seller's sales
 * to the buyer by the stated value. The model then prices it in general
 * equilibrium, for every economy, with the tariff gradients it already has.
 */
import { economyIndex, goodsSectors, type World } from '../data/world.js';
import { InputError } from '../errors.js';
import { PURCHASE_WEDGE_TOL } from '../numeric/tolerances.js';

export interface PurchaseCommitment {
  buyer: string;
  seller: string;
  /** Goods sectors the purchases are in; the value is split over them by the baseline flows. */
  sectors: readonly string[];
  /** Extra purchases per unit of the issue, in the data's currency a year, at the seller's prices. */
  value: number;
}

/**
 * The change in the buyer's tariff on the seller (per sector) that one unit of the commitment makes, given the
 * tariffs in force (`tariffs`, [i][j][s]): cells and changes per unit, all negative.
 */
export function purchaseWedges(world: World, tariffs: Float64Array, c: PurchaseCommitment, what: string): { cells: number[]; values: number[] } {
  const i = economyIndex(world, c.seller, `${what} seller`);
  const n = economyIndex(world, c.buyer, `${what} buyer`);
  if (i === n) throw new InputError(`${what}: ${c.buyer} cannot commit to buy from itself`);
  if (!(Number.isFinite(c.value) && c.value > 0)) throw new InputError(`${what}: value must be a positive amount (${world.meta.currency ?? 'the data\'s currency'} a year), found ${c.value}`);
  if (c.sectors.length === 0) throw new InputError(`${what}: name at least one goods sector`);
  const { N, S, Z, t, eps } = world;
  const goods = goodsSectors(world);
  const ss = c.sectors.map((name) => {
    const s = world.sectors.indexOf(name);
    if (!goods.includes(s)) throw new InputError(`${what}: "${name}" is not a goods sector of ${world.meta.name} (${goods.map((g) => world.sectors[g]).join(', ')})`);
    return s;
  });
  const flow = (s: number) => Z[(i * N + n) * S + s];
  const total = ss.reduce((a, s) => a + flow(s), 0);
  if (!(total > 0)) throw new InputError(`${what}: ${c.buyer} buys nothing from ${c.seller} in ${c.sectors.join(', ')} in the data, so no price makes it buy more`);
  const cells: number[] = [];
  const values: number[] = [];
  for (const s of ss) {
    if (flow(s) === 0) continue;
    let spending = 0;
    for (let k = 0; k < N; k++) spending += Z[(k * N + n) * S + s] * (1 + t[(k * N + n) * S + s]);
    const cell = (i * N + n) * S + s;
    const tauhat = priceForSales(flow(s), (flow(s) * (1 + t[cell])) / spending, 1 + t[cell], spending, eps[s], flow(s) + (c.value * flow(s)) / total);
    cells.push(cell);
    values.push((1 + tariffs[cell]) * (tauhat - 1));
  }
  return { cells, values };
}

/**
 * The factor on the buyer's price of the seller's goods (< 1) at which the seller's sales reach `target`, with the
 * buyer's spending on the sector fixed: sales(p) = spending lam p^-eps / (lam p^-eps + 1 - lam) / ((1 + t) p),
 * which falls strictly in p (its log-derivative is -(1 + eps (1 - lam'))), so bisection on ln p finds it.
 */
function priceForSales(sales0: number, lam: number, onePlusT: number, spending: number, eps: number, target: number): number {
  const sales = (lnp: number) => {
    const d = lam * Math.exp(-eps * lnp);
    return (spending * d) / (d + 1 - lam) / (onePlusT * Math.exp(lnp));
  };
  // sales(0) = sales0; halve the price until the target is passed (the seller's whole market at most doubles each time).
  let hi = 0;
  let lo = -Math.LN2;
  while (sales(lo) < target) {
    hi = lo;
    lo *= 2;
    if (lo < -50) throw new InputError(`a purchase of ${target - sales0} is out of reach at any price`);
  }
  while (hi - lo > PURCHASE_WEDGE_TOL) {
    const mid = (lo + hi) / 2;
    if (sales(mid) < target) hi = mid;
    else lo = mid;
  }
  return Math.exp((lo + hi) / 2);
}
