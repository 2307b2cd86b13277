/**
 * The extended one-sector model of Ignatenko, Lashkaripour, Macedoni &
 * Simonovska (2025, JIE 157), "Making America Great Again? The Economic
 * Impacts of Liberation Day Tariffs": on top of MODEL.md's gravity core it adds
 * spending that accrues to the buyer (nu), flexible pass-through (phi), scale
 * economies (psi), an elastic labour supply (kappa) with tariff revenue either
 * cutting a labour-income tax or rebated lump-sum, roundabout production
 * (value-added share beta) and the paper's welfare measure. Every extension is
 * a parameter; at nu = 0, phi = 1, psi = 0, kappa = 0, beta = 1 the model is
 * MODEL.md's with deficits fixed in units of world income (tested).
 *
 * Unknowns, in logs: wage what, expenditure Ehat, employment Lhat and price
 * index Phat per economy (4N). Newton steps are solved by the core's GMRES on
 * exact (analytic) Jacobian-vector products, preconditioned by each economy's
 * own 4 x 4 Jacobian block: O(N^2) per product, no dense factorisation.
 */
import { InputError, ConvergenceError } from '../errors.js';
import { gmres, type PreconditionedOperator } from '../numeric/krylov.js';
import { invertBlock, maxAbs } from '../numeric/linalg.js';
import { newton, type NewtonProblem } from '../numeric/newton.js';
import { EXTENDED_KRYLOV_FACTOR, EXTENDED_KRYLOV_MAX_PRODUCTS, EXTENDED_KRYLOV_MAX_TOL, EXTENDED_KRYLOV_MIN_TOL, EXTENDED_KRYLOV_RESTART, EXTENDED_NEWTON_HALVINGS, EXTENDED_NEWTON_MAX_ITERATIONS, SOLVE_TOL } from '../numeric/tolerances.js';
import type { World } from '../data/world.js';

/** Parameters of the extended model. */
export interface ExtendedParams {
  /** Trade elasticity. */
  eps: number;
  /** Labour-supply elasticity (0 = fixed labour). */
  kappa: number;
  /** Scale elasticity (the paper: 0.67 / eps). */
  psi: number;
  /** Value-added share of gross output (1 = no roundabout production). */
  beta: number;
  /** Share of spending that accrues to the buyer, per economy, in [0, 1). */
  nu: Float64Array;
  /** Pass-through of tariffs to the importer's prices, per economy (1 = the gravity core). */
  phi: Float64Array;
  /** What tariff revenue does: cut a labour-income tax (the paper's main case) or go back lump-sum. */
  revenue: 'tax-relief' | 'lump-sum';
  /** Numeraire: the expenditure-weighted world price index (`prices`) or the income-weighted wage (`wages`). */
  numeraire: 'prices' | 'wages';
}

/** Baseline of the extended model: shares and the aggregates the paper's calibration builds. */
export interface ExtendedCalibration {
  codes: readonly string[];
  N: number;
  /** Flows at factory prices Z[i][j] (exporter i, importer j), domestic included; for beta < 1 the domestic cell is gross (divided by beta). */
  Z: Float64Array;
  /** Import shares lam[i][j] = Z[i][j] / E[j] (baseline tariffs are zero). */
  lam: Float64Array;
  /** Gross expenditure E[j] = sum_i Z[i][j]. */
  E: Float64Array;
  /** Income Y[i] = beta sum_j (1 - nu_j) Z[i][j] + nu_i E[i]. */
  Y: Float64Array;
  /** Transfers T = E - Y - (1 - beta) sum_j (1 - nu_j) Z[i][j], held as a fixed share of world income. */
  T: Float64Array;
  /** The parameters the calibration used (nu and beta shape Y and T). */
  nu: Float64Array;
  beta: number;
}

/** Reject parameters outside the model's domain with a message naming the parameter. */
export function checkExtendedParams(p: ExtendedParams, N: number): void {
  const bad = (name: string, value: number, expected: string): never => {
    throw new InputError(`extended model: ${name} = ${value} is out of range; expected ${expected}`);
  };
  if (!(p.eps > 0) || !Number.isFinite(p.eps)) bad('eps', p.eps, 'eps > 0');
  if (!(p.kappa >= 0) || !Number.isFinite(p.kappa)) bad('kappa', p.kappa, 'kappa >= 0');
  if (!(p.psi >= 0) || !Number.isFinite(p.psi)) bad('psi', p.psi, 'psi >= 0');
  if (!(p.beta > 0 && p.beta <= 1)) bad('beta', p.beta, 'beta in (0, 1]');
  if (p.nu.length !== N) throw new InputError(`extended model: nu has ${p.nu.length} values for ${N} economies`);
  if (p.phi.length !== N) throw new InputError(`extended model: phi has ${p.phi.length} values for ${N} economies`);
  for (let i = 0; i < N; i++) {
    if (!(p.nu[i] >= 0 && p.nu[i] < 1)) bad(`nu[${i}]`, p.nu[i], 'nu in [0, 1)');
    if (!(p.phi[i] > 0) || !Number.isFinite(p.phi[i])) bad(`phi[${i}]`, p.phi[i], 'phi > 0');
  }
}

/**
 * Calibrate from a one-sector World with zero baseline tariffs (the paper's
 * setting). With beta < 1 the domestic cells are read as value added and
 * grossed up by 1 / beta, as the paper's input-output variant does.
 */
export function calibrateExtended(world: World, nu: Float64Array, beta: number): ExtendedCalibration {
  const { N, S } = world;
  if (S !== 1) throw new InputError(`extended model: one sector expected, data set "${world.meta.name}" has ${S}`);
  for (let k = 0; k < world.t.length; k++) {
    if (world.t[k] !== 0) throw new InputError(`extended model: starts from zero tariffs as the paper does; data set "${world.meta.name}" has baseline tariffs`);
  }
  if (!(beta > 0 && beta <= 1)) throw new InputError(`extended model: beta = ${beta} is out of range; expected beta in (0, 1]`);
  if (nu.length !== N) throw new InputError(`extended model: nu has ${nu.length} values for ${N} economies`);
  const Z = Float64Array.from(world.Z);
  for (let i = 0; i < N; i++) Z[i * N + i] /= beta;
  const E = new Float64Array(N);
  const sales = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const z = Z[i * N + j];
      E[j] += z;
      sales[i] += (1 - nu[j]) * z;
    }
  }
  const lam = new Float64Array(N * N);
  const Y = new Float64Array(N);
  const T = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    if (!(E[i] > 0)) throw new InputError(`extended model: economy ${world.codes[i]} has no expenditure`);
    Y[i] = beta * sales[i] + nu[i] * E[i];
    T[i] = E[i] - Y[i] - (1 - beta) * sales[i];
    for (let j = 0; j < N; j++) lam[i * N + j] = Z[i * N + j] / E[j];
  }
  return { codes: world.codes, N, Z, lam, E, Y, T, nu: Float64Array.from(nu), beta };
}

/** A solved scenario of the extended model. */
export interface ExtendedEquilibrium {
  converged: boolean;
  iterations: number;
  /** Largest scaled residual (market clearing and budgets relative to income, the rest in logs). */
  residual: number;
  what: Float64Array;
  Ehat: Float64Array;
  Lhat: Float64Array;
  Phat: Float64Array;
  /** New flows at factory prices and tariff revenue, in baseline currency under the numeraire. */
  Zp: Float64Array;
  Rp: Float64Array;
  /** Welfare as the paper defines it, What = delta Echat/Phat + (1 - delta) what Lhat / Phat. */
  welfare: Float64Array;
  /** MODEL.md's real income ((what Lhat Y + R') / Y) / Phat. */
  realIncome: Float64Array;
}

/** The equation system F(z) = 0 in z = ln(what, Ehat, Lhat, Phat), with its exact Jacobian-vector product. */
export class ExtendedSystem {
  readonly N: number;
  readonly n: number;
  private readonly cal: ExtendedCalibration;
  private readonly p: ExtendedParams;
  /** lam (1 + t')^(-eps phi_j): the part of the new shares that does not move with z. */
  private readonly base: Float64Array;
  private readonly tf: Float64Array;
  private readonly inv1t: Float64Array;
  private readonly sumY: number;
  private readonly sumE: number;
  // State at the last evaluated point.
  readonly z: Float64Array;
  readonly lp: Float64Array;
  readonly Xp: Float64Array;
  readonly S: Float64Array;
  readonly Ep: Float64Array;
  readonly R: Float64Array;
  readonly Yp: Float64Array;
  private readonly rho: Float64Array;
  /** Per exporter: sum_j (1 - nu_j) X'[k][j] (1 - lam'[k][j]), the own-cost response of its sales. */
  private readonly ownSales: Float64Array;
  private readonly imp: Float64Array;
  private readonly dlng: Float64Array;
  /**
   * While solving, the last market-clearing row pins ln what[N-1] = 0 instead
   * of the paper's numeraire: the system is homogeneous of degree one in
   * (what, Ehat, Phat), so the solution is rescaled to the numeraire at the
   * end, and the local pin keeps the block-diagonal preconditioner accurate.
   */
  anchored = false;
  private readonly sigma: Float64Array;

  constructor(cal: ExtendedCalibration, p: ExtendedParams, tPrime: Float64Array) {
    const N = cal.N;
    checkExtendedParams(p, N);
    if (tPrime.length !== N * N) throw new InputError(`extended model: tariffs have ${tPrime.length} cells for ${N} x ${N}`);
    this.N = N;
    this.n = 4 * N;
    this.cal = cal;
    this.p = p;
    this.base = new Float64Array(N * N);
    this.tf = new Float64Array(N * N);
    this.inv1t = new Float64Array(N * N);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        const k = i * N + j;
        const t = i === j ? 0 : tPrime[k];
        if (!(t > -1)) throw new InputError(`extended model: tariff on ${cal.codes[i]} -> ${cal.codes[j]} is ${t}; expected > -1`);
        this.base[k] = cal.lam[k] * Math.pow(1 + t, -p.eps * p.phi[j]);
        this.tf[k] = t / (1 + t);
        this.inv1t[k] = 1 / (1 + t);
      }
    }
    let sy = 0;
    let se = 0;
    for (let i = 0; i < N; i++) {
      sy += cal.Y[i];
      se += cal.E[i];
    }
    this.sumY = sy;
    this.sumE = se;
    this.z = new Float64Array(4 * N);
    this.lp = new Float64Array(N * N);
    this.Xp = new Float64Array(N * N);
    this.S = new Float64Array(N);
    this.Ep = new Float64Array(N);
    this.R = new Float64Array(N);
    this.Yp = new Float64Array(N);
    this.rho = new Float64Array(N);
    this.ownSales = new Float64Array(N);
    this.imp = new Float64Array(N);
    this.dlng = new Float64Array(N);
    this.sigma = new Float64Array(N);
  }

  /** Exponents of the unit-cost term g = what^beta Phat^(1-beta) / ((what/Phat)^(1-beta) Lhat)^psi, in logs. */
  private costWeights(): { aw: number; ap: number; al: number } {
    const { beta, psi } = this.p;
    return { aw: beta - psi * (1 - beta), ap: (1 - beta) * (1 + psi), al: -psi };
  }

  /** Evaluate F at z (stored), writing the scaled residuals into out. */
  evaluate(z: ArrayLike<number>, out: Float64Array): void {
    const { N, cal, p } = this;
    this.z.set(z);
    const { aw, ap, al } = this.costWeights();
    const G = this.dlng; // reused as scratch for g^(-eps)
    for (let k = 0; k < N; k++) G[k] = Math.exp(-p.eps * (aw * z[k] + ap * z[3 * N + k] + al * z[2 * N + k]));
    const S = this.S;
    S.fill(0);
    for (let k = 0; k < N; k++) {
      const g = G[k];
      const row = k * N;
      for (let j = 0; j < N; j++) {
        const a = this.base[row + j] * g;
        this.lp[row + j] = a;
        S[j] += a;
      }
    }
    let sumYp = 0;
    for (let j = 0; j < N; j++) {
      this.Ep[j] = cal.E[j] * Math.exp(z[N + j]);
      this.Yp[j] = cal.Y[j] * Math.exp(z[j] + z[2 * N + j]);
      sumYp += this.Yp[j];
    }
    const rho = this.rho;
    rho.fill(0);
    const sales = out.subarray(0, N); // scratch: sales to buyers net of nu, then overwritten
    const imp = this.imp;
    sales.fill(0);
    imp.fill(0);
    for (let k = 0; k < N; k++) {
      const row = k * N;
      let own = 0;
      for (let j = 0; j < N; j++) {
        const l = this.lp[row + j] / S[j];
        this.lp[row + j] = l;
        const x = l * this.Ep[j] * this.inv1t[row + j];
        this.Xp[row + j] = x;
        rho[j] += l * this.tf[row + j];
        const c = (1 - cal.nu[j]) * x;
        sales[k] += c;
        own += c * (1 - l);
        imp[j] += x;
      }
      this.ownSales[k] = own;
    }
    const s = sumYp / this.sumY;
    const { beta, kappa, eps, phi } = p;
    for (let i = 0; i < N; i++) {
      this.R[i] = rho[i] * this.Ep[i];
      const f1 = (beta * sales[i] + p.nu[i] * imp[i] - this.Yp[i]) / cal.Y[i];
      const f2 = (this.R[i] + this.Yp[i] + (1 - beta) * sales[i] + cal.T[i] * s - this.Ep[i]) / cal.E[i];
      const lnTau = p.revenue === 'tax-relief' ? -Math.log(1 - this.R[i] / this.Yp[i]) : 0;
      const f3 = z[2 * N + i] - kappa * (lnTau + z[i] - z[3 * N + i]);
      const f4 = z[3 * N + i] - (1 - phi[i]) * (z[N + i] - z[i]) + Math.log(S[i]) / eps;
      out[i] = f1;
      out[N + i] = f2;
      out[2 * N + i] = f3;
      out[3 * N + i] = f4;
    }
    // One market-clearing equation is redundant (Walras): the last one carries the numeraire instead.
    out[N - 1] = this.anchored ? z[N - 1] : this.numeraire(z);
  }

  /**
   * The 4 x 4 block of the Jacobian coupling economy m's equations to its own
   * variables (what, Ehat, Lhat, Phat), row-major into out[0..16): the
   * block-diagonal preconditioner. O(1) per economy after an evaluate.
   */
  ownBlock(m: number, out: Float64Array): void {
    const { N, cal, p } = this;
    const { aw, ap, al } = this.costWeights();
    const { eps, beta, kappa } = p;
    const mm = m * N + m;
    const lmm = this.lp[mm];
    const Ep = this.Ep[m];
    const Yp = this.Yp[m];
    const R = this.R[m];
    const g = [-eps * aw, 0, -eps * al, -eps * ap];
    for (let c = 0; c < 4; c++) {
      const vw = c === 0 ? 1 : 0;
      const vE = c === 1 ? 1 : 0;
      const vL = c === 2 ? 1 : 0;
      const vP = c === 3 ? 1 : 0;
      const dsales = g[c] * this.ownSales[m] + vE * (1 - cal.nu[m]) * this.Xp[mm];
      const dimp = g[c] * (this.Xp[mm] - lmm * this.imp[m]) + vE * this.imp[m];
      const dR = (vE - g[c] * lmm) * this.rho[m] * Ep;
      const dYp = Yp * (vw + vL);
      const ds = dYp / this.sumY;
      const sigma = lmm * g[c];
      let dlnTau = 0;
      if (p.revenue === 'tax-relief') dlnTau = (dR / Yp - (R * dYp) / (Yp * Yp)) / (1 - R / Yp);
      out[c] = m === N - 1 && this.anchored ? vw : (beta * dsales + p.nu[m] * dimp - dYp) / cal.Y[m];
      out[4 + c] = (dR + dYp + (1 - beta) * dsales + cal.T[m] * ds - Ep * vE) / cal.E[m];
      out[8 + c] = vL - kappa * (dlnTau + vw - vP);
      out[12 + c] = vP - (1 - p.phi[m]) * (vE - vw) + sigma / eps;
    }
  }

  /** The factor c that rescales (what, Ehat, Phat) onto the paper's numeraire. */
  numeraireScale(z: ArrayLike<number>): number {
    const { N, cal } = this;
    let v = 0;
    if (this.p.numeraire === 'prices') {
      for (let i = 0; i < N; i++) v += Math.exp(z[3 * N + i]) * cal.E[i];
      return this.sumE / v;
    }
    for (let i = 0; i < N; i++) v += Math.exp(z[i]) * cal.Y[i];
    return this.sumY / v;
  }

  private numeraire(z: ArrayLike<number>): number {
    const { N, cal } = this;
    let v = 0;
    if (this.p.numeraire === 'prices') {
      for (let i = 0; i < N; i++) v += (Math.exp(z[3 * N + i]) - 1) * cal.E[i];
      return v / this.sumE;
    }
    for (let i = 0; i < N; i++) v += (Math.exp(z[i]) - 1) * cal.Y[i];
    return v / this.sumY;
  }

  /** out = J v at the last evaluated point (exact). */
  jvp(v: ArrayLike<number>, out: Float64Array): void {
    const { N, cal, p } = this;
    const { aw, ap, al } = this.costWeights();
    const { eps, beta, kappa, phi } = p;
    const z = this.z;
    const dlng = this.dlng;
    const sigma = this.sigma;
    for (let k = 0; k < N; k++) dlng[k] = -eps * (aw * v[k] + ap * v[3 * N + k] + al * v[2 * N + k]);
    sigma.fill(0);
    for (let k = 0; k < N; k++) {
      const d = dlng[k];
      if (d === 0) continue;
      const row = k * N;
      for (let j = 0; j < N; j++) sigma[j] += this.lp[row + j] * d;
    }
    // d ln X'[k][j] = dlng[k] - sigma[j] + dzE[j]; collect row and column sums and revenue.
    const dsales = out.subarray(0, N);
    const dimp = out.subarray(N, 2 * N);
    const dR = out.subarray(2 * N, 3 * N);
    dsales.fill(0);
    dimp.fill(0);
    dR.fill(0);
    for (let k = 0; k < N; k++) {
      const row = k * N;
      const dk = dlng[k];
      let acc = 0;
      for (let j = 0; j < N; j++) {
        const r = dk - sigma[j] + v[N + j];
        const dx = this.Xp[row + j] * r;
        acc += (1 - cal.nu[j]) * dx;
        dimp[j] += dx;
        dR[j] += this.tf[row + j] * this.lp[row + j] * r;
      }
      dsales[k] = acc;
    }
    let dsumYp = 0;
    for (let i = 0; i < N; i++) dsumYp += this.Yp[i] * (v[i] + v[2 * N + i]);
    const ds = dsumYp / this.sumY;
    for (let i = 0; i < N; i++) {
      const dRi = dR[i] * this.Ep[i];
      const dYp = this.Yp[i] * (v[i] + v[2 * N + i]);
      const dEp = this.Ep[i] * v[N + i];
      const f1 = (beta * dsales[i] + p.nu[i] * dimp[i] - dYp) / cal.Y[i];
      const f2 = (dRi + dYp + (1 - beta) * dsales[i] + cal.T[i] * ds - dEp) / cal.E[i];
      let dlnTau = 0;
      if (p.revenue === 'tax-relief') {
        const r = this.R[i] / this.Yp[i];
        dlnTau = (dRi / this.Yp[i] - (this.R[i] * dYp) / (this.Yp[i] * this.Yp[i])) / (1 - r);
      }
      const f3 = v[2 * N + i] - kappa * (dlnTau + v[i] - v[3 * N + i]);
      const f4 = v[3 * N + i] - (1 - phi[i]) * (v[N + i] - v[i]) + sigma[i] / eps;
      out[i] = f1;
      out[N + i] = f2;
      out[2 * N + i] = f3;
      out[3 * N + i] = f4;
    }
    let dn = 0;
    if (this.anchored) dn = v[N - 1];
    else if (p.numeraire === 'prices') {
      for (let i = 0; i < N; i++) dn += Math.exp(z[3 * N + i]) * v[3 * N + i] * cal.E[i];
      dn /= this.sumE;
    } else {
      for (let i = 0; i < N; i++) dn += Math.exp(z[i]) * v[i] * cal.Y[i];
      dn /= this.sumY;
    }
    out[N - 1] = dn;
  }
}

export interface ExtendedSolveOptions {
  /** Largest scaled residual accepted; default 1e-10. */
  tol?: number;
  maxIterations?: number;
}

/**
 * Solve the extended model at tariffs t'[i][j] (importer j on exporter i).
 * Newton on z = ln(what, Ehat, Lhat, Phat); each step by GMRES on exact
 * Jacobian-vector products, preconditioned by the inverse of each economy's
 * own 4 x 4 Jacobian block (O(N^2) per step, no dense factorisation).
 * Returns the equilibrium with `converged` stating whether tol was met.
 */
export function solveExtended(cal: ExtendedCalibration, p: ExtendedParams, tPrime: Float64Array, options: ExtendedSolveOptions = {}): ExtendedEquilibrium {
  const tol = options.tol ?? SOLVE_TOL;
  const sys = new ExtendedSystem(cal, p, tPrime);
  const { n, N } = sys;
  sys.anchored = true;
  const z = new Float64Array(n);
  const rhs = new Float64Array(n);
  const blocks = new Float64Array(16 * N);
  const block = new Float64Array(16);
  // Right preconditioner: the inverse of each economy's own 4 x 4 block of the Jacobian.
  const op: PreconditionedOperator = {
    n,
    apply: (v, out) => sys.jvp(v, out),
    precond: (v, out) => {
      for (let m = 0; m < N; m++) {
        const o = 16 * m;
        for (let r = 0; r < 4; r++) {
          out[r * N + m] = blocks[o + 4 * r] * v[m] + blocks[o + 4 * r + 1] * v[N + m] + blocks[o + 4 * r + 2] * v[2 * N + m] + blocks[o + 4 * r + 3] * v[3 * N + m];
        }
      }
    },
  };
  const problem: NewtonProblem = {
    n,
    evaluate(x, F) {
      sys.evaluate(x, F);
      return maxAbs(F);
    },
    direction(_x, F, measure, dx) {
      for (let m = 0; m < N; m++) {
        sys.ownBlock(m, block);
        blocks.set(block, 16 * m);
        if (!invertBlock(blocks, 16 * m, 4)) {
          blocks.fill(0, 16 * m, 16 * m + 16);
          for (let r = 0; r < 4; r++) blocks[16 * m + 5 * r] = 1;
        }
      }
      for (let i = 0; i < n; i++) rhs[i] = -F[i];
      const linTol = Math.max(EXTENDED_KRYLOV_MIN_TOL, Math.min(EXTENDED_KRYLOV_MAX_TOL, measure * EXTENDED_KRYLOV_FACTOR));
      gmres(op, rhs, dx, { tol: linTol, restart: EXTENDED_KRYLOV_RESTART, maxProducts: EXTENDED_KRYLOV_MAX_PRODUCTS });
      return true;
    },
  };
  const { iterations } = newton(problem, z, { tol, maxIterations: options.maxIterations ?? EXTENDED_NEWTON_MAX_ITERATIONS, maxHalvings: EXTENDED_NEWTON_HALVINGS });
  const F = new Float64Array(n);
  // Onto the paper's numeraire; the residual reported is that of the paper's equations there.
  const lnc = Math.log(sys.numeraireScale(z));
  for (let i = 0; i < N; i++) {
    z[i] += lnc;
    z[N + i] += lnc;
    z[3 * N + i] += lnc;
  }
  sys.anchored = false;
  sys.evaluate(z, F);
  const residual = maxAbs(F);
  return assembleExtended(sys, cal, p, z, { converged: residual < tol, iterations, residual });
}

/** Solve, throwing ConvergenceError with the residual when tol is not met. */
export function solveExtendedOrThrow(cal: ExtendedCalibration, p: ExtendedParams, tPrime: Float64Array, what = 'extended model', options: ExtendedSolveOptions = {}): ExtendedEquilibrium {
  const eq = solveExtended(cal, p, tPrime, options);
  if (!eq.converged) throw new ConvergenceError(what, eq.residual, eq.iterations);
  return eq;
}

function assembleExtended(sys: ExtendedSystem, cal: ExtendedCalibration, p: ExtendedParams, z: Float64Array, report: { converged: boolean; iterations: number; residual: number }): ExtendedEquilibrium {
  const { N } = cal;
  const what = new Float64Array(N);
  const Ehat = new Float64Array(N);
  const Lhat = new Float64Array(N);
  const Phat = new Float64Array(N);
  const welfare = new Float64Array(N);
  const realIncome = new Float64Array(N);
  let sumY = 0;
  let sumYp = 0;
  for (let i = 0; i < N; i++) {
    sumY += cal.Y[i];
    sumYp += sys.Yp[i];
  }
  const s = sumYp / sumY;
  const { kappa } = p;
  for (let i = 0; i < N; i++) {
    what[i] = Math.exp(z[i]);
    Ehat[i] = Math.exp(z[N + i]);
    Lhat[i] = Math.exp(z[2 * N + i]);
    Phat[i] = Math.exp(z[3 * N + i]);
    const R = sys.R[i];
    const Yp = sys.Yp[i];
    // Final spending (gross spending less intermediates) before and after.
    const Ec = cal.Y[i] + cal.T[i];
    const Ecp = R + Yp + cal.T[i] * s;
    const tau = p.revenue === 'tax-relief' ? R / Yp : 0;
    const delta = Ec / (Ec - (kappa * (1 - tau) * cal.Y[i]) / (1 + kappa));
    welfare[i] = (delta * (Ecp / Ec)) / Phat[i] + ((1 - delta) * what[i] * Lhat[i]) / Phat[i];
    realIncome[i] = (Yp + R) / cal.Y[i] / Phat[i];
  }
  return {
    ...report,
    what,
    Ehat,
    Lhat,
    Phat,
    Zp: Float64Array.from(sys.Xp),
    Rp: Float64Array.from(sys.R),
    welfare,
    realIncome,
  };
}
