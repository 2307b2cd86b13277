/**
 * A trade war: the Nash equilibrium in tariffs, found by iterated best
 * responses (Gauss-Seidel: each government in turn responds to the latest
 * tariffs of all others) until no tariff moves more than `tol` in a round.
 */
import { WAR_INNER_FACTOR, WAR_TOL } from '../numeric/tolerances.js';
import { economyIndex, type World } from '../data/world.js';
import { noShock, type Deficits, type Shock } from '../model/equilibrium.js';
import { ConvergenceError, InputError } from '../errors.js';
import { bestResponse, type Instrument } from './best-response.js';
import { strategicWorld } from './game.js';
import type { Objective } from './gradient.js';

export interface WarOptions {
  /** Governments that set tariffs (default: every economy). */
  players?: readonly string[];
  instrument?: Instrument;
  lower?: number;
  upper?: number;
  deficits?: Deficits;
  objectives?: Readonly<Record<string, Objective>>;
  start?: Shock;
  /** Stop when no tariff moves more than this in a round; default 1e-6. */
  tol?: number;
  maxRounds?: number;
  /** Each player chooses only its tariffs on the other players (a bilateral war), not on everyone. */
  amongPlayers?: boolean;
  /** Called after each round. */
  onRound?: (round: WarRound) => void;
}

export interface WarRound {
  round: number;
  /** Largest tariff change in the round. */
  maxChange: number;
  /** Each player's mean tariff over its variables after the round. */
  meanTariff: Record<string, number>;
}

export interface TradeWar {
  converged: boolean;
  rounds: number;
  path: WarRound[];
  /** Final tariffs [i][j][s]. */
  tariffs: Float64Array;
  /** The world the war was computed on (purged under `balanced`). */
  world: World;
  players: string[];
  /** Tariffs ("importer: exporter/sector") the last round's payoffs did not pin down (see BestResponse.undetermined). */
  undetermined: string[];
}

export function tradeWar(world0: World, options: WarOptions = {}): TradeWar {
  const prepared = strategicWorld(world0, options.deficits ?? 'balanced', 'trade war');
  const { world } = prepared;
  const players = [...(options.players ?? world.codes)];
  if (players.length === 0) throw new InputError('a trade war needs at least one player');
  for (const p of players) economyIndex(world, p, 'players');
  const tol = options.tol ?? WAR_TOL;
  const maxRounds = options.maxRounds ?? 100;
  const start = options.start ?? noShock(world);
  const t = Float64Array.from(start.tariffs);
  const costFactors = Float64Array.from(start.costFactors);
  const path: WarRound[] = [];
  let converged = false;
  let undetermined: string[] = [];
  for (let round = 1; round <= maxRounds && !converged; round++) {
    let maxChange = 0;
    undetermined = [];
    const meanTariff: Record<string, number> = {};
    for (const p of players) {
      const br = bestResponse(world, p, {
        instrument: options.instrument,
        lower: options.lower,
        upper: options.upper,
        objective: options.objectives?.[p],
        targets: options.amongPlayers ? players.filter((q) => q !== p) : undefined,
        start: { tariffs: t, costFactors },
        prepared,
        tol: tol * WAR_INNER_FACTOR,
      });
      if (!br.converged) throw new ConvergenceError(`best response of ${p} in round ${round} of the trade war`, br.projectedGradient, br.iterations);
      for (let k = 0; k < t.length; k++) {
        const d = Math.abs(br.tariffs[k] - t[k]);
        if (d > maxChange) maxChange = d;
      }
      t.set(br.tariffs);
      for (const k of br.undetermined) undetermined.push(`${p}: ${br.variables[k].exporter}/${br.variables[k].sector}`);
      meanTariff[p] = br.variables.reduce((a, v) => a + v.rate, 0) / br.variables.length;
    }
    const r = { round, maxChange, meanTariff };
    path.push(r);
    options.onRound?.(r);
    converged = maxChange < tol;
  }
  return { converged, rounds: path.length, path, tariffs: t, world, players, undetermined };
}
