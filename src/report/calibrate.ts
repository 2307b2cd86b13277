/** A calibration as text: the weights with their bands, the fit, and observed beside implied tariffs. */
import type { CalibrationResult } from '../run/calibrate.js';
import { percent, signed, textTable } from './format.js';

export function calibrationText(r: CalibrationResult): string {
  const out: string[] = [];
  out.push(`${r.player}'s objective weights, calibrated on ${r.data} from the tariffs announced by ${r.at} (instrument ${r.instrument}, deficits ${r.deficits}):`, '');
  out.push(textTable(Object.entries(r.weights), [
    { header: 'weight', value: ([name]) => name, right: false },
    { header: 'value', value: ([, w]) => w.value.toFixed(4) },
    // A band is null when the weights are exactly identified, and not finite when the fit cannot separate them (collinear weights).
    { header: r.fit.method === 'distance' ? '5% (standard errors)' : '5% (bootstrap)', value: ([name, w]) => (name === 'welfare' ? '(numeraire)' : w.p5 === null ? '(exactly identified)' : Number.isFinite(w.p5) ? w.p5.toFixed(4) : '(not identified)') },
    { header: '95%', value: ([, w]) => (w.p95 === null || !Number.isFinite(w.p95) ? '' : w.p95.toFixed(4)) },
  ]));
  const incomes = Object.keys(r.weights).some((name) => name.startsWith('income:')) ? " + income weights x each sector's real value added (% of GDP)" : '';
  out.push('', `Payoff = welfare % + revenue weight x tariff revenue (% of GDP) + balance weights x bilateral balances (% of GDP)${incomes}.`);
  out.push('', `Observed against implied (the best response under these weights):`, '');
  out.push(textTable(r.tariffs, [
    { header: 'tariff on', value: (t) => (t.sector === 'ALL' ? t.exporter : `${t.exporter} ${t.sector}`), right: false },
    { header: 'observed', value: (t) => percent(t.observed) },
    { header: 'implied', value: (t) => percent(t.implied) },
    { header: 'gap (points)', value: (t) => signed(100 * (t.implied - t.observed), 1) },
  ]));
  const f = r.fit;
  const how = f.method === 'distance' ? `weights fitted to the tariffs in ${f.iterations} Levenberg-Marquardt iterations from the first-order conditions' estimate` : 'weights from the first-order conditions alone';
  out.push('', `Fit (${how}): mean |gap| ${f.mean_abs_gap_points.toFixed(2)} points; ${f.conditions} first-order conditions (rms ${f.rms_condition_points.toFixed(2)} points at their own estimate)${f.at_bound.length ? `; at a bound, not used: ${f.at_bound.join(', ')}` : ''}${f.converged ? '' : '; the implied best response did NOT converge'}.`);
  return out.join('\n');
}
