/**
 * Domestic sales for one-sector data sets that report only international
 * trade: GDP minus exports, the usual one-sector convention (GDP stands in for
 * gross output of the one good). Where gross exports rival GDP (entrepots,
 * assembly hubs) that leaves an implausibly small home market, so the result
 * is floored at a minimum domestic share of absorption and marked estimated.
 */
import { DataError } from '../errors.js';
import { warn } from '../warn.js';
import { PROVENANCE_CODE } from './provenance.js';

export interface DomesticRule {
  /** GDP per economy code, in the flows' unit. */
  gdp: ReadonlyMap<string, number>;
  /** Floor on domestic / (domestic + imports), in [0, 1). */
  minShareOfAbsorption: number;
  /** File the GDP figures came from, for messages. */
  file: string;
}

/**
 * Fill every missing domestic flow (`hasDomestic[k] = 0`) in place; returns
 * one note describing what was derived and floored.
 */
export function deriveDomestic(rule: DomesticRule, codes: readonly string[], S: number, Z: Float64Array, prov: Uint8Array, hasDomestic: Uint8Array): string[] {
  const N = codes.length;
  if (S !== 1) throw new DataError('domestic sales "gdp-minus-exports" needs a one-sector data set (GDP is not split by sector)', { file: rule.file });
  const f = rule.minShareOfAbsorption;
  if (!(f >= 0 && f < 1)) throw new DataError(`min_share_of_absorption must be in [0, 1), found ${f}`, { file: rule.file });
  let derived = 0;
  const floored: string[] = [];
  for (let k = 0; k < N; k++) {
    if (hasDomestic[k]) continue;
    const gdp = rule.gdp.get(codes[k]);
    if (gdp === undefined || !(gdp >= 0)) throw new DataError(`no GDP for ${codes[k]}, needed to derive its domestic sales as GDP minus exports`, { file: rule.file });
    let exports = 0;
    let imports = 0;
    for (let j = 0; j < N; j++) {
      if (j === k) continue;
      exports += Z[k * N + j];
      imports += Z[j * N + k];
    }
    const raw = gdp - exports;
    const floor = (f / (1 - f)) * imports;
    const at = k * N + k;
    if (raw >= floor && raw > 0) {
      Z[at] = raw;
      prov[at] = PROVENANCE_CODE.derived;
      derived++;
    } else {
      Z[at] = floor > 0 ? floor : Math.max(gdp, 1e-9 * imports, Number.MIN_VALUE);
      prov[at] = PROVENANCE_CODE.estimated;
      const share = raw / (raw + imports);
      floored.push(`${codes[k]} ${raw > 0 ? share.toFixed(3) : 'negative'}`);
    }
    hasDomestic[k] = 1;
  }
  if (derived + floored.length === 0) return [];
  const notes = [`domestic sales derived as GDP minus exports for ${derived + floored.length} economies`];
  if (floored.length) {
    const msg = `GDP minus exports left a domestic share of absorption below ${f.toFixed(3)} for ${floored.length} economies; raised to that floor (marked estimated): ${floored.join(', ')}`;
    notes.push(msg);
    warn(`domestic sales of ${floored.length} economies (${floored.map((f) => f.split(' ')[0]).join(', ')}) raised to the floor of ${f.toFixed(3)} of absorption; see the data set's SOURCE.md`);
  }
  return notes;
}
