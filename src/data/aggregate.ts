/**
 * Aggregate a World's economies into groups (EU members into EU, chosen ASEAN
 * members into ASEAN) and its sectors into coarser ones.
 *
 * - Flows add up. Trade among a group's members becomes the group's domestic flow.
 * - Tariffs are trade-weighted with the flows before tariffs (the simple mean
 *   where the aggregated flow is zero); tariffs inside a group vanish.
 * - A merged sector's elasticity is the world-flow-weighted mean of its parts'
 *   (an approximation: Armington sectors do not aggregate exactly); so are the
 *   data set's other elasticity sets.
 * - Input-output shares aggregate as values: value added and each input's cost
 *   add up over members and merged sectors and are divided by the merged gross
 *   output; final-demand shares are derived again from the merged flows.
 */
import { InputError } from '../errors.js';
import { createWorld, type IoStructure, type World } from './world.js';
import { withFinalDemand } from './io.js';

export interface AggregationSpec {
  /** New economy code -> member codes. Economies not listed stay as they are. */
  economies?: Record<string, readonly string[]>;
  /** New sector code -> member sector codes. Sectors not listed stay as they are. */
  sectors?: Record<string, readonly string[]>;
  /** Order of the resulting economies (every one of them, once). */
  order?: readonly string[];
  /** Names of resulting economies, by code. */
  names?: readonly { code: string; name: string }[];
}

interface Mapping {
  codes: string[];
  names: string[];
  /** old index -> new index */
  to: Int32Array;
}

function buildMapping(old: readonly string[], oldNames: readonly string[], groups: Record<string, readonly string[]> | undefined, what: string): Mapping {
  const groupOf = new Map<string, string>();
  for (const [group, members] of Object.entries(groups ?? {})) {
    if (members.length === 0) throw new InputError(`${what} group ${group} has no members`);
    for (const m of members) {
      if (!old.includes(m)) throw new InputError(`${what} group ${group}: unknown member "${m}"`);
      const prev = groupOf.get(m);
      if (prev) throw new InputError(`${what} "${m}" is in two groups (${prev} and ${group})`);
      groupOf.set(m, group);
    }
  }
  const codes: string[] = [];
  const names: string[] = [];
  const to = new Int32Array(old.length);
  old.forEach((code, k) => {
    const target = groupOf.get(code) ?? code;
    let idx = codes.indexOf(target);
    if (idx < 0) {
      if (!groupOf.has(code) && groups && target in groups) throw new InputError(`${what} group name ${target} is also an existing ${what} code outside the group`);
      idx = codes.push(target) - 1;
      names.push(groupOf.has(code) ? target : oldNames[k]);
    }
    to[k] = idx;
  });
  return { codes, names, to };
}

/** Put the mapping's economies in `order` (which must list each exactly once). */
function reorder(map: Mapping, order: readonly string[] | undefined): Mapping {
  if (!order) return map;
  const missing = map.codes.filter((c) => !order.includes(c));
  const extra = order.filter((c) => !map.codes.includes(c));
  if (missing.length || extra.length || order.length !== map.codes.length) {
    throw new InputError(`economy order must list each resulting economy once${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; not a resulting economy: ${extra.join(', ')}` : ''}`);
  }
  const perm = order.map((c) => map.codes.indexOf(c));
  const inv = new Int32Array(perm.length);
  perm.forEach((old, k) => (inv[old] = k));
  return { codes: [...order], names: perm.map((k) => map.names[k]), to: Int32Array.from(map.to, (k) => inv[k]) };
}

/**
 * Groups as written in a manifest or an aggregation file, with at most one group `'*'` taking the
 * rest: every code of `all` that is neither a member or name of another group nor in `kept` (codes
 * kept as themselves, e.g. an economies list). `what` names the groups in the error.
 */
export function expandRest(groups: Readonly<Record<string, readonly string[] | '*'>>, all: readonly string[], kept: readonly string[], what: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let rest: string | undefined;
  for (const [g, members] of Object.entries(groups)) {
    if (members === '*') {
      if (rest) throw new InputError(`${what}: both ${rest} and ${g} are "*"; only one group can take the rest`);
      rest = g;
    } else out[g] = [...members];
  }
  if (rest) {
    const named = new Set([...Object.values(out).flat(), ...Object.keys(out), ...kept]);
    out[rest] = all.filter((c) => !named.has(c));
  }
  return out;
}

/** A new World with economies and/or sectors merged as `spec` says. */
export function aggregateWorld(world: World, spec: AggregationSpec): World {
  const { N, S, Z, t, eps } = world;
  const em = reorder(buildMapping(world.codes, world.names, spec.economies, 'economy'), spec.order);
  for (const { code, name } of spec.names ?? []) {
    const k = em.codes.indexOf(code);
    if (k >= 0) em.names[k] = name;
  }
  const sm = buildMapping(world.sectors, world.sectors, spec.sectors, 'sector');
  const n = em.codes.length;
  const m = sm.codes.length;
  const Zn = new Float64Array(n * n * m);
  const tz = new Float64Array(n * n * m); // sum t Z
  const tsum = new Float64Array(n * n * m); // sum t, for the simple mean
  const prov = world.provenance ? new Uint8Array(n * n * m) : undefined; // least reliable part with value
  const cnt = new Float64Array(n * n * m);
  const sectorZ = new Float64Array(S); // world flow per old sector: the elasticities' weights
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      for (let s = 0; s < S; s++) {
        const k = (i * N + j) * S + s;
        const kk = (em.to[i] * n + em.to[j]) * m + sm.to[s];
        Zn[kk] += Z[k];
        tz[kk] += t[k] * Z[k];
        tsum[kk] += t[k];
        cnt[kk] += 1;
        if (prov && Z[k] > 0 && world.provenance![k] > prov[kk]) prov[kk] = world.provenance![k];
        sectorZ[s] += Z[k];
      }
    }
  }
  const tn = new Float64Array(n * n * m);
  for (let kk = 0; kk < tn.length; kk++) tn[kk] = Zn[kk] > 0 ? tz[kk] / Zn[kk] : tsum[kk] / cnt[kk];
  const mergeEps = (e: ArrayLike<number>): Float64Array => {
    const w = new Float64Array(m);
    const z = new Float64Array(m);
    const simple = new Float64Array(m);
    const count = new Float64Array(m);
    for (let s = 0; s < S; s++) {
      w[sm.to[s]] += e[s] * sectorZ[s];
      z[sm.to[s]] += sectorZ[s];
      simple[sm.to[s]] += e[s];
      count[sm.to[s]] += 1;
    }
    return Float64Array.from({ length: m }, (_, s) => (z[s] > 0 ? w[s] / z[s] : simple[s] / count[s]));
  };
  const sets = world.meta.elasticitySets;
  const meta = {
    ...world.meta,
    groups: { ...(world.meta.groups ?? {}), ...Object.fromEntries(Object.entries(spec.economies ?? {}).map(([g, ms]) => [g, [...ms]])) },
    ...(sets ? { elasticitySets: Object.fromEntries(Object.entries(sets).map(([name, e]) => [name, [...mergeEps(e)]])) } : {}),
  };
  const io = world.io ? mergeIo(world, em.to, sm.to, n, m) : undefined;
  // createWorld zeroes tariffs on the (new) domestic flows.
  const merged = createWorld({ codes: em.codes, names: em.names, sectors: sm.codes, Z: Zn, t: tn, eps: mergeEps(eps), provenance: prov, io, meta });
  return io ? withFinalDemand(merged) : merged;
}

/** Value-added and input shares of the merged economies and sectors (final demand is derived later from the flows). */
function mergeIo(world: World, econTo: Int32Array, sectorTo: Int32Array, n: number, m: number): IoStructure {
  const { N, S, Z } = world;
  const { gva, gamma } = world.io!;
  const GO = new Float64Array(N * S);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) for (let s = 0; s < S; s++) GO[i * S + s] += Z[(i * N + j) * S + s];
  const go = new Float64Array(n * m);
  const va = new Float64Array(n * m);
  const inputs = new Float64Array(n * m * m);
  for (let i = 0; i < N; i++) {
    for (let s = 0; s < S; s++) {
      const out = GO[i * S + s];
      const to = econTo[i] * m + sectorTo[s];
      go[to] += out;
      va[to] += gva[i * S + s] * out;
      for (let k = 0; k < S; k++) inputs[(econTo[i] * m + sectorTo[k]) * m + sectorTo[s]] += gamma[(i * S + k) * S + s] * out;
    }
  }
  const gvaN = new Float64Array(n * m);
  const gammaN = new Float64Array(n * m * m);
  for (let e = 0; e < n; e++) {
    for (let s = 0; s < m; s++) {
      const out = go[e * m + s];
      // A merged sector without output keeps labour as its only input (its shares never matter).
      gvaN[e * m + s] = out > 0 ? va[e * m + s] / out : 1;
      if (out > 0) for (let k = 0; k < m; k++) gammaN[(e * m + k) * m + s] = inputs[(e * m + k) * m + s] / out;
    }
  }
  return { gva: gvaN, gamma: gammaN, alpha: new Float64Array(n * m).fill(1 / m) };
}
