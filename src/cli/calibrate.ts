/** `parley calibrate`: a government's objective weights from the tariffs it chose. */
import { calibrationText } from '../report/calibrate.js';
import { runCalibration } from '../run/calibrate.js';
import type { Instrument } from '../strategy/best-response.js';
import { parseCount, parseDeficits, printJson } from './common.js';

export async function calibrateCommand(o: { data: string; player: string; at: string; weights?: string; instrument?: Instrument; targets?: string; deficits?: string; method?: 'distance' | 'conditions'; bootstrap?: string; seed?: string; json?: boolean }): Promise<void> {
  const list = (s: string | undefined) => s?.split(',').map((x) => x.trim()).filter(Boolean);
  const r = runCalibration({
    data: o.data,
    player: o.player,
    at: o.at,
    weights: list(o.weights),
    instrument: o.instrument,
    targets: list(o.targets),
    deficits: parseDeficits(o.deficits, 'balanced'),
    method: o.method,
    bootstrap: o.bootstrap === undefined ? undefined : parseCount(o.bootstrap, '--bootstrap'),
    seed: o.seed === undefined ? undefined : parseCount(o.seed, '--seed'),
  });
  if (o.json) return printJson(r);
  process.stdout.write(`${calibrationText(r)}\n`);
}
