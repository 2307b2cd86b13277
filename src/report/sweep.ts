/** A sweep as text: one row per point, the swept values then each output (at most a screen's width of them). */
import type { SweepResult } from '../run/sweep.js';
import { textTable } from './format.js';

/** Outputs shown in the text table; the JSON and CSV have them all. */
const TEXT_OUTPUTS = 6;

export function sweepText(r: SweepResult): string {
  const paths = r.axes.map((a) => a.path);
  const shown = r.outputs.slice(0, TEXT_OUTPUTS);
  const value = (v: unknown) => (typeof v === 'number' ? String(Number(v.toPrecision(4))) : String(v));
  const table = textTable(r.points, [
    { header: '#', value: (p) => String(p.index) },
    ...paths.map((path) => ({ header: path, value: (p: SweepResult['points'][number]) => value(p.values[path]) })),
    ...shown.map((name) => ({ header: name, value: (p: SweepResult['points'][number]) => (p.error ? 'failed' : p.outputs[name] === null ? '' : value(p.outputs[name])) })),
  ]);
  const failed = r.points.filter((p) => p.error);
  return [
    `${r.kind} sweep: ${r.points.length} points (${r.design === 'grid' ? 'grid' : `Latin hypercube, seed ${r.seed}`}) over ${paths.join(', ')}`,
    '',
    table,
    ...(r.outputs.length > shown.length ? ['', `(${r.outputs.length - shown.length} more outputs in --json and --out; choose them with --outputs)`] : []),
    ...(failed.length ? ['', `${failed.length} point(s) failed; the first, #${failed[0].index}: ${failed[0].error}`] : []),
  ].join('\n');
}
