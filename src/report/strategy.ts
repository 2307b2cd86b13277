/** Strategy results as terminal text (the JSON of `parley negotiate` and friends is run/results.ts). */
import type { EconomyRecord } from '../model/results.js';
import type { Percentiles } from '../strategy/uncertainty.js';
import type { BestResponseResult, CoalitionsResult, NegotiationResult, UncertaintySummary, WarResult } from '../run/results.js';
import { money, PAYOFF_UNITS, percent, signed, textTable } from './format.js';

const pct = percent;

function economiesText(rows: readonly EconomyRecord[]): string {
  const sorted = [...rows].sort((a, b) => b.welfare_pct - a.welfare_pct);
  return textTable(sorted, [
    { header: 'economy', value: (r) => r.code, right: false },
    { header: 'welfare %', value: (r) => signed(r.welfare_pct, 3) },
    { header: 'EV', value: (r) => money(r.ev) },
    { header: 'tariff revenue', value: (r) => `${money(r.tariff_revenue_before)} -> ${money(r.tariff_revenue_after)}` },
    { header: 'exports %', value: (r) => signed(r.exports_pct, 2) },
    { header: 'imports %', value: (r) => signed(r.imports_pct, 2) },
  ]);
}

export function bestResponseText(r: BestResponseResult): string {
  const out = [`Best response of ${r.player} (${r.instrument} tariffs): ${r.converged ? 'converged' : 'NOT CONVERGED'} in ${r.iterations} steps`];
  out.push(`objective ${signed(r.utility_before, 3)} -> ${signed(r.utility_after, 3)} (welfare % when welfare is all it values)`);
  if (r.at_bound.length) out.push(`at a bound: ${r.at_bound.join(', ')}`);
  if (r.undetermined.length) out.push(`payoff flat in ${r.undetermined.join(', ')}: these rates are one point of a plateau, not determined by the payoff`);
  out.push('', textTable(r.tariffs, [
    { header: 'on exporter', value: (t) => t.exporter, right: false },
    { header: 'sector', value: (t) => t.sector, right: false },
    { header: 'tariff', value: (t) => pct(t.rate) },
  ]));
  out.push('', 'What it does to every economy:', economiesText(r.economies));
  return out.join('\n');
}

export function warText(r: WarResult): string {
  const out = [`Trade war: ${r.converged ? 'converged' : 'NOT CONVERGED'} after ${r.rounds} rounds of best responses (last largest move ${r.path.at(-1)?.max_change.toExponential(1)})`];
  const players = Object.keys(r.path.at(-1)?.mean_tariff ?? {});
  out.push('', textTable(players, [
    { header: 'player', value: (p) => p, right: false },
    { header: 'mean war tariff', value: (p) => pct(r.path.at(-1)!.mean_tariff[p]) },
    { header: 'welfare %', value: (p) => signed(r.economies.find((e) => e.code === p)?.welfare_pct ?? NaN, 3) },
  ]));
  if (r.undetermined.length) out.push('', `payoffs flat in ${r.undetermined.length} tariff(s) (one point of a plateau, not determined): ${r.undetermined.slice(0, 12).join('; ')}${r.undetermined.length > 12 ? '; ...' : ''}`);
  out.push('', 'Every economy at the war equilibrium:', economiesText(r.economies));
  return out.join('\n');
}

export function negotiationText(r: NegotiationResult & { uncertainty?: UncertaintySummary }): string {
  const currency = r.currency;
  const [a, b] = r.parties;
  const out: string[] = [];
  if (!r.converged) out.push(`NOT CONVERGED: the bargaining search stopped with a projected gradient above its tolerance; the terms below are where it stopped, not a solution.`);
  if (!r.agreement.reached) {
    out.push(`No agreement: no terms give ${r.parties.join(' and ')} more than disagreement (${r.disagreement.kind}).`);
    return out.join('\n');
  }
  out.push(`Negotiation ${r.parties.join(' - ')}: bargaining weights ${r.parties.map((p) => `${p} ${r.theta[p].toFixed(2)}`).join(', ')}; disagreement = ${r.disagreement.kind}`);
  out.push('', 'Agreed tariffs:');
  out.push(textTable(r.agreement.tariffs, [
    { header: 'importer', value: (t) => t.importer, right: false },
    { header: 'exporter', value: (t) => t.exporter, right: false },
    { header: 'sector', value: (t) => t.sector, right: false },
    { header: 'now', value: (t) => pct(t.before) },
    { header: 'deal', value: (t) => pct(t.rate) },
    ...(r.uncertainty ? [{ header: '90% band', value: (t: NegotiationResult['agreement']['tariffs'][number] & Partial<Percentiles>) => (t.p5 === undefined ? '' : `${pct(t.p5)} - ${pct(t.p95!)}`) }] : []),
  ]));
  const issues = Object.entries(r.agreement.issues);
  if (issues.length) out.push('', `Linked issues: ${issues.map(([k, v]) => `${k} = ${v.toFixed(3)}`).join(', ')}`);
  out.push('', textTable(r.parties, [
    { header: 'party', value: (p) => p, right: false },
    { header: 'payoff if talks fail', value: (p) => signed(r.disagreement.utility[p], 3) },
    { header: 'payoff with the deal', value: (p) => signed(r.utility[p], 3) },
    { header: 'payoff gain', value: (p) => signed(r.gains[p], 3) },
    { header: `welfare gain in money (${currency})`, value: (p) => money(r.ev[p]) },
  ]));
  out.push(PAYOFF_UNITS);
  if (r.levers.length) {
    out.push('', 'What each lever is worth to its owner (deal with it minus deal without it):');
    out.push(textTable(r.levers, [
      { header: 'lever', value: (l) => l.name, right: false },
      { header: 'owner', value: (l) => l.owner, right: false },
      { header: 'tariff on owner: with -> without', value: (l) => `${pct(l.tariff_with)} -> ${l.without.reached ? pct(l.tariff_without) : 'no deal'}` },
      { header: 'tariff points', value: (l) => signed(l.tariff_points, 2) },
      { header: `welfare in money (${currency})`, value: (l) => money(l.ev) },
      { header: 'payoff points', value: (l) => signed(l.utility, 4) },
    ]));
  }
  if (r.patience_sweep.length) {
    out.push('', 'Patience: the deal as one party discounts the future faster or slower (others fixed):');
    out.push(textTable(r.patience_sweep, [
      { header: 'party', value: (x) => x.party, right: false },
      { header: 'discount rate', value: (x) => x.discount_rate.toFixed(3) },
      { header: 'its weight', value: (x) => x.theta[x.party].toFixed(2) },
      // The variables' rows (a deal by sector also has ALL summaries, which the sweep does not recompute).
      ...r.agreement.tariffs.filter((t) => r.patience_sweep[0].tariffs.some((u) => u.importer === t.importer && u.exporter === t.exporter && u.sector === t.sector)).map((t) => ({
        header: `${t.importer} on ${t.exporter}${t.sector === 'ALL' ? '' : ` ${t.sector}`}`,
        value: (x: (typeof r.patience_sweep)[number]) => pct(x.tariffs.find((u) => u.importer === t.importer && u.exporter === t.exporter && u.sector === t.sector)!.rate),
      })),
      ...r.parties.map((p) => ({ header: `gain ${p}`, value: (x: (typeof r.patience_sweep)[number]) => signed(x.gains[p], 3) })),
    ]));
  }
  if (r.frontier.length) out.push('', `Pareto frontier (${a}, ${b}) payoffs: ${r.frontier.map(([x, y]) => `(${x.toFixed(3)}, ${y.toFixed(3)})`).join(' ')}`);
  if (r.uncertainty) out.push('', `Uncertainty: ${r.uncertainty.draws} Monte Carlo draws (seed ${r.uncertainty.seed}), ${r.uncertainty.failures.length} failed; bands are 5th-95th percentiles.`);
  return out.join('\n');
}

export function coalitionsText(r: CoalitionsResult): string {
  const out = [`Coalitions facing ${r.counterpart}: members ${r.members.join(', ')}`];
  for (const s of r.structures) {
    out.push('', `${s.blocs.map((b) => `[${b.join('+')}]`).join(' ')}: ${s.stable ? 'stable' : `unstable (${s.would_leave.join(', ')} would leave)`}`);
    out.push(textTable([r.counterpart, ...r.members], [
      { header: 'economy', value: (c) => c, right: false },
      { header: 'payoff', value: (c) => signed(s.utility[c], 3) },
      { header: 'gain from its bloc', value: (c) => (c in s.gain_from_joining ? signed(s.gain_from_joining[c], 3) : '') },
    ]));
  }
  return out.join('\n');
}
