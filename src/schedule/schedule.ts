/**
 * The tariff in force on any day, from a data set's baseline tariffs and its
 * dated measures. Stacking rules, as US law had them in spring 2025:
 *
 * - Each authority (fentanyl, s232, s301, reciprocal, retaliation, other) has
 *   at most one rate per flow: the latest `set` in force (ordered by effective
 *   date, then announcement, then specificity: a row naming sectors or
 *   exporters beats a blanket row that starts with it), capped by any `pause`
 *   in force, and 0 while an `exempt` is in force. The rate applies to
 *   `share` of the flow (e.g. the non-USMCA share).
 * - Authorities add up on top of the baseline (MFN and Section 301 duties in
 *   the data set's tariffs file): China's fentanyl duty stacks on everything,
 *   exempt electronics included.
 * - Section 232 goods pay no reciprocal duty: the two exclude each other.
 * - A product-scoped measure reaches a one-sector flow through the data set's
 *   sector shares: the flow's rate is the share-weighted mean of its sectors'.
 *
 * Dates: a measure applies from `effective` (inclusive) to `until`
 * (exclusive). By default the law as eventually written applies, retroactive
 * changes included; `asKnown` ignores measures announced after the date and
 * takes each dated parameter's value known on it.
 */
import { InputError } from '../errors.js';
import { ALL_SECTORS, type FlowSource } from '../data/tables.js';
import { fileRef } from '../data/datasets.js';
import type { LoadedManifest } from '../data/manifest.js';
import { goodsSectors, ijs, type World } from '../data/world.js';
import { AUTHORITIES, isIsoDate, parametersKnownOn, readMeasures, withParameterValues, readParameters, readSectorShares, specificity, type Authority, type Measure, type Parameter, type SectorShares } from './measures.js';

export interface Schedule {
  measures: readonly Measure[];
  parameters: ReadonlyMap<string, Parameter>;
  shares?: SectorShares;
}

export interface MeasureRate {
  /** Measure id, or "baseline" for the data set's pre-episode tariff. */
  name: string;
  rate: number;
}

export interface TariffCell {
  importer: string;
  exporter: string;
  /** A sector of the shares, or ALL for the whole (trade-weighted) flow. */
  sector: string;
  /** Total applied rate, baseline included (1.45 = 145%). */
  rate: number;
  measures: MeasureRate[];
}

export interface TariffsAt {
  date: string;
  asKnown: boolean;
  /** Every ordered pair of different economies: its sectors (if split) and ALL. */
  cells: TariffCell[];
  /** The world's tariff array at that date ([i][j][s], trade-weighted ALL for one-sector worlds). */
  t: Float64Array;
  /** Measures in force that day. */
  inForce: Measure[];
  /** Ids of measures in force that set no rate because a later one replaced them (e.g. 10% then 20%). */
  superseded: string[];
}

/** An empty schedule: the world's baseline tariffs on every day. */
export const NO_MEASURES: Schedule = { measures: [], parameters: new Map() };

/** The measures, parameters and sector shares a manifest names. */
export function scheduleFromManifest(loaded: LoadedManifest, world: World): Schedule {
  const { manifest: m, dir } = loaded;
  const ref = (r: NonNullable<typeof m.measures>): FlowSource => fileRef(dir, r);
  const parameters = m.parameters ? readParameters(ref(m.parameters)) : new Map<string, Parameter>();
  const shares = m.sector_shares ? readSectorShares(ref(m.sector_shares), world.codes) : undefined;
  const sectors = world.S > 1 ? world.sectors : shares?.sectors ?? [];
  const measures = m.measures ? readMeasures(ref(m.measures), world.codes, sectors, parameters) : [];
  return { measures, parameters, shares };
}

function active(m: Measure, date: string, asKnown: boolean): boolean {
  return m.effective <= date && (m.until === undefined || date < m.until) && (!asKnown || m.announced <= date);
}

function coversPair(m: Measure, importer: string, exporter: string): boolean {
  return m.importer === importer && (m.exporters === '*' || m.exporters.includes(exporter)) && !m.except.includes(exporter);
}

function byPrecedence(a: Measure, b: Measure): number {
  if (a.effective !== b.effective) return a.effective < b.effective ? -1 : 1;
  if (a.announced !== b.announced) return a.announced < b.announced ? -1 : 1;
  return specificity(a) - specificity(b) || (a.line ?? 0) - (b.line ?? 0);
}

/**
 * Additional duties of one flow and sector, after the stacking rules. A measure's `covers` is the part of the
 * cell's goods it is about: a `set` taxes that part (at rate x share), an `exempt` frees it (the 11 April
 * electronics list is part of its sector), and Section 232 displaces the reciprocal duty on it.
 */
function duties(ms: readonly Measure[], sector: string): MeasureRate[] {
  const out = new Map<Authority, MeasureRate>();
  const covered = new Map<Authority, number>();
  for (const authority of AUTHORITIES) {
    let set: Measure | undefined;
    let cap: Measure | undefined;
    let exempt = 0;
    for (const m of ms) {
      if (m.authority !== authority || !(m.sectors === '*' || m.sectors.includes(sector))) continue;
      if (m.action === 'exempt') exempt = Math.max(exempt, m.covers);
      else if (m.action === 'pause') cap = !cap || m.rate < cap.rate ? m : cap;
      else set = m; // ms is in precedence order: the last set wins
    }
    if (!set || exempt >= 1) continue;
    const capped = cap !== undefined && cap.rate < set.rate;
    const rate = (capped ? cap!.rate : set.rate) * set.share * set.covers * (1 - exempt);
    if (rate > 0) {
      out.set(authority, { name: capped ? cap!.id : set.id, rate });
      covered.set(authority, set.covers);
    }
  }
  // Section 232 goods pay no reciprocal duty (EO 14257 sec. 3(b)): on the part of the cell 232 covers.
  const s232 = covered.get('s232');
  const reciprocal = out.get('reciprocal');
  if (s232 !== undefined && reciprocal) {
    if (s232 >= 1) out.delete('reciprocal');
    else out.set('reciprocal', { ...reciprocal, rate: reciprocal.rate * (1 - s232) });
  }
  return [...out.values()];
}

/** The tariff matrix in force on `date`. */
export function tariffsAt(world: World, schedule: Schedule, date: string, opts: { asKnown?: boolean } = {}): TariffsAt {
  if (!isIsoDate(date)) throw new InputError(`expected a date YYYY-MM-DD, found "${date}"`);
  const asKnown = opts.asKnown ?? false;
  const { N, S } = world;
  // As known that day, a measure naming a dated parameter takes the parameter's value known then (its own if none yet).
  const known = asKnown ? parametersKnownOn(schedule.parameters, date) : undefined;
  const inForce = schedule.measures.filter((m) => active(m, date, asKnown)).map((m) => (known ? withParameterValues(m, (param) => known.get(param)?.value) : m)).sort(byPrecedence);
  const t = new Float64Array(world.t);
  const cells: TariffCell[] = [];
  const goods = new Set(goodsSectors(world));
  for (let j = 0; j < N; j++) {
    const importer = world.codes[j];
    for (let i = 0; i < N; i++) {
      if (i === j) continue;
      const exporter = world.codes[i];
      const ms = inForce.filter((m) => coversPair(m, importer, exporter));
      if (S > 1) {
        // Sectors of the world itself: each cell gets its own rate (no measure reaches a service), ALL is flow-weighted over goods.
        const parts = world.sectors.map((sector, s) => cellRate(importer, exporter, sector, world.t[ijs(N, S, i, j, s)], goods.has(s) ? ms : []));
        parts.forEach((c, s) => (t[ijs(N, S, i, j, s)] = c.rate));
        const w = world.sectors.map((_, s) => (goods.has(s) ? world.Z[ijs(N, S, i, j, s)] : 0));
        cells.push(...parts, weighted(importer, exporter, parts, w));
        continue;
      }
      const base = world.t[ijs(N, S, i, j, 0)];
      const split = schedule.shares?.shares.get(`${importer}|${exporter}`);
      if (!split) {
        const scoped = ms.find((m) => m.sectors !== '*');
        if (scoped) throw new InputError(`measure "${scoped.id}" names sectors, but the data set has no sector shares for ${exporter}->${importer}`);
        const c = cellRate(importer, exporter, ALL_SECTORS, base, ms);
        t[ijs(N, S, i, j, 0)] = c.rate;
        cells.push(c);
        continue;
      }
      const parts = schedule.shares!.sectors.map((sector) => cellRate(importer, exporter, sector, base, ms));
      const all = weighted(importer, exporter, parts, Array.from(split));
      t[ijs(N, S, i, j, 0)] = all.rate;
      cells.push(...parts, all);
    }
  }
  const used = new Set(cells.flatMap((c) => c.measures.map((m) => m.name)));
  const superseded = inForce.filter((m) => m.action === 'set' && !used.has(m.id) && !bindingElsewhere(m, inForce)).map((m) => m.id);
  return { date, asKnown, cells, t, inForce, superseded };
}

/** A set that a pause caps still matters: it comes back when the pause ends. */
function bindingElsewhere(m: Measure, inForce: readonly Measure[]): boolean {
  return inForce.some((p) => p.action === 'pause' && p.authority === m.authority && p.importer === m.importer && p.rate < m.rate && (p.exporters === '*' ? !p.except.some((e) => m.exporters !== '*' && m.exporters.includes(e)) : m.exporters !== '*' && m.exporters.some((e) => (p.exporters as readonly string[]).includes(e))));
}

function cellRate(importer: string, exporter: string, sector: string, base: number, ms: readonly Measure[]): TariffCell {
  const measures = [{ name: 'baseline', rate: base }, ...duties(ms, sector)];
  return { importer, exporter, sector, rate: measures.reduce((a, m) => a + m.rate, 0), measures };
}

/** The ALL row of a split flow: rates and each measure's contribution weighted by the sector weights. */
function weighted(importer: string, exporter: string, parts: TariffCell[], w: number[]): TariffCell {
  const total = w.reduce((a, b) => a + b, 0);
  const share = (k: number) => (total > 0 ? w[k] / total : 1 / w.length);
  const byName = new Map<string, number>();
  let rate = 0;
  parts.forEach((c, k) => {
    rate += share(k) * c.rate;
    for (const m of c.measures) byName.set(m.name, (byName.get(m.name) ?? 0) + share(k) * m.rate);
  });
  return { importer, exporter, sector: ALL_SECTORS, rate, measures: [...byName].map(([name, r]) => ({ name, rate: r })) };
}

/**
 * The measures announced by `date`, each in force from then on (an announced rate counts before its effective
 * date; nothing announced later, pauses included, applies): what a government had chosen on that day, as its
 * objectives are calibrated from (strategy/calibrate.ts).
 */
export function announcedBy(schedule: Schedule, date: string): Schedule {
  if (!isIsoDate(date)) throw new InputError(`expected a date YYYY-MM-DD, found "${date}"`);
  const measures = schedule.measures.filter((m) => m.announced <= date && (m.until === undefined || date < m.until)).map((m) => (m.effective > date ? { ...m, effective: date } : m));
  return { ...schedule, measures };
}

/**
 * A copy of `world` with the tariffs in force on `date` on its baseline flows. Not an equilibrium under
 * those tariffs: for a counterfactual from that day use run/dated.ts `worldOnDate`, which solves the
 * baseline forward to them.
 */
export function withTariffsOn(world: World, schedule: Schedule, date: string, opts: { asKnown?: boolean } = {}): World {
  return { ...world, t: tariffsAt(world, schedule, date, opts).t };
}

