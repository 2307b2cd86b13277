/**
 * The equilibrium system with input-output linkages (MODEL.md §4, Caliendo &
 * Parro 2015), in changes. Unknowns are the wages `what` (one labour market
 * per economy); given them, two inner problems are solved exactly:
 *
 * - prices: ln c[i][s] = gva ln w_i + sum_k gamma[i][k][s] ln P[i][k] and
 *   P[n][s]^-eps = sum_i lam[i][n][s] (c[i][s] tauhat)^-eps, a contraction in
 *   ln P (modulus the largest intermediate share), iterated from the last point;
 * - spending: X[n][s] = sum_k gamma[n][s][k] GO'[n][k] + alpha[n][s] I'[n],
 *   with GO'[i][k] = sum_m lam' X[m][k] / (1 + t') and I' = w VA + D' + R'(X),
 *   a linear system (I - T) X = alpha (w VA + D') solved by GMRES.
 *
 * Excess demand for labour is sum_s gva GO' - w VA. Its analytic derivatives
 * in w follow by the implicit-function theorem: a tangent of each inner
 * problem is the same linear operator with a new right-hand side (jvp()).
 *
 * With gva = 1 and gamma = 0 every formula reduces to MODEL.md §1, which a
 * test checks to 1e-10.
 */
import type { Baseline } from './baseline.js';
import type { DeficitRule } from './system.js';
import type { SecantJacobian } from '../numeric/secant.js';
import { jacobianByProducts, type MarketSystem } from './residual.js';
import { ShockedSystem } from './shocked.js';
import { gmres, type PreconditionedOperator } from '../numeric/krylov.js';
import { IO_LINEAR_MAX_PRODUCTS, IO_LINEAR_TOL, IO_PRICE_MAX_STEPS, IO_PRICE_NEWTON_LINEAR_TOL, IO_PRICE_NEWTON_SHRINK, IO_PRICE_TOL, IO_SPENDING_TOL, IO_TANGENT_FACTOR, IO_TANGENT_MAX_TOL } from '../numeric/tolerances.js';
import { ConvergenceError, InputError } from '../errors.js';
import { luFactor, luSolve, luSolveTranspose, norm2 } from '../numeric/linalg.js';

/**
 * Block-Jacobi preconditioner by economy: the inner operators are I minus a
 * matrix whose largest part is each economy's purchases from itself (domestic
 * shares are 0.6-1), so the S x S diagonal blocks, factored once per point,
 * leave GMRES only the trade linkages to resolve.
 */
class EconomyBlocks {
  private readonly lu: Float64Array;
  private readonly piv: Int32Array;
  private readonly scratch: Float64Array;
  /** Views of the buffers per economy (made once) for factoring. */
  private readonly luViews: Float64Array[];
  private readonly pivViews: Int32Array[];

  constructor(
    readonly N: number,
    readonly S: number,
  ) {
    this.lu = new Float64Array(N * S * S);
    this.piv = new Int32Array(N * S);
    this.scratch = new Float64Array(S);
    this.luViews = Array.from({ length: N }, (_, n) => this.lu.subarray(n * S * S, (n + 1) * S * S));
    this.pivViews = Array.from({ length: N }, (_, n) => this.piv.subarray(n * S, (n + 1) * S));
  }

  /** Factor every block after `fill(n, block)` wrote economy n's S x S block (row-major). */
  factor(fill: (n: number, block: Float64Array) => void): void {
    for (let n = 0; n < this.N; n++) {
      fill(n, this.luViews[n]);
      luFactor(this.luViews[n], this.S, this.pivViews[n]);
    }
  }

  /** out = blockdiag^-T v (v and out distinct), for the adjoint systems. */
  applyTranspose(v: Float64Array, out: Float64Array): void {
    const { N, S, lu, piv, scratch } = this;
    for (let n = 0; n < N; n++) luSolveTranspose(lu, S, piv, v, out, scratch, n * S * S, n * S);
  }

  /** out = blockdiag^-1 v (v and out distinct): each block solved in place, allocating nothing. */
  apply(v: Float64Array, out: Float64Array): void {
    const { N, S, lu, piv } = this;
    for (let n = 0; n < N; n++) luSolve(lu, S, piv, v, out, n * S * S, n * S);
  }
}

/** Seeds of a scalar linear in an IoSystem tangent's quantities (see IoSystem.tariffAdjoint). */
export interface IoTariffSeeds {
  /** Per economy: weight on dR' and on d excess. */
  R: Float64Array;
  excess: Float64Array;
  /** Per [n][s]: weight on d ln Phat and on dX'. */
  P: Float64Array;
  X: Float64Array;
  /** Per cell [i][n][s], optional: weight on d(lam' / (1 + t')). */
  share?: Float64Array;
  /** Per [i][s], optional: weight on dGO' (sector incomes). */
  GO?: Float64Array;
}

/** The reverse pass's adjoint variables (IoSystem.adjoint): per economy-sector unless named per economy. */
interface AdjointScratch {
  barGO: Float64Array;
  barX: Float64Array;
  /** Per economy. */
  barRev: Float64Array;
  z: Float64Array;
  /** Per economy. */
  barInc: Float64Array;
  barLnc: Float64Array;
  barLnP: Float64Array;
  /** Per economy. */
  barLnw: Float64Array;
  y: Float64Array;
  u: Float64Array;
}

function adjointScratch(N: number, NS: number): AdjointScratch {
  const ns = () => new Float64Array(NS);
  return { barGO: ns(), barX: ns(), barRev: new Float64Array(N), z: ns(), barInc: new Float64Array(N), barLnc: ns(), barLnP: ns(), barLnw: new Float64Array(N), y: ns(), u: ns() };
}

export class IoSystem extends ShockedSystem implements MarketSystem {
  /** Forming the Jacobian costs N tangents of both inner problems: Newton uses GMRES on jvp() instead. */
  readonly directMaxN = 0;
  /** An evaluation solves both inner problems, and damped steps barely move with large elasticities (CP's go to 64). */
  readonly dampedStart = false;
  /** dF/dw as last formed and updated since (residual.ts MarketSystem). */
  jacobianEstimate?: SecantJacobian;

  private readonly gva: Float64Array;
  private readonly gamma: Float64Array;
  private readonly alpha: Float64Array;
  // State at the last evaluated point (and w, in ShockedSystem).
  /** ln Phat[n][s]. */
  readonly lnP: Float64Array;
  /** ln chat[i][s]: change in the cost of the input bundle. */
  readonly lnc: Float64Array;
  /** chat[i][s]^-eps_s. */
  private readonly cp: Float64Array;
  /** 1 / sum_i a cp (0 where n buys no s). */
  private readonly invQ: Float64Array;
  /** lam'[i][n][s], kept explicitly: the inner operators stream it many times per evaluation. */
  private readonly lp: Float64Array;
  /** lam' g = lam' / (1 + t'), [i][n][s]: the factory-gate share of n's spending on s that goes to i. */
  private readonly lg: Float64Array;
  /** Tariff share of n's spending on s, sum_i lam' t' / (1 + t'), [n][s]. */
  readonly rho: Float64Array;
  /** Spending X'[n][s] (tariff-inclusive, intermediate and final). */
  readonly X: Float64Array;
  /** Gross output GO'[i][s] at factory prices. */
  readonly GO: Float64Array;
  /** Tariff revenue R'[n] and deficits D'[n]. */
  readonly R: Float64Array;
  readonly D: Float64Array;
  readonly excess: Float64Array;

  private readonly lnPNext: Float64Array;
  private readonly rhs: Float64Array;
  private readonly goBuf: Float64Array;
  private readonly revBuf: Float64Array;
  /** The last tangent (jvp or tariffTangent): d ln Phat, d ln chat, dX', dGO' ([n][s]); dR', d excess (per economy). Read them before the next evaluate(), which reuses dX as scratch. */
  readonly dlnP: Float64Array;
  readonly dlnc: Float64Array;
  readonly dX: Float64Array;
  readonly dGO: Float64Array;
  readonly dR: Float64Array;
  readonly dExcess: Float64Array;
  private readonly spendingOp: PreconditionedOperator;
  private readonly priceOp: PreconditionedOperator;
  private readonly spendingOpT: PreconditionedOperator;
  private readonly priceOpT: PreconditionedOperator;
  private readonly priceBlocks: EconomyBlocks;
  private readonly spendingBlocks: EconomyBlocks;
  /** adjoint()'s buffers, made at its first call. */
  private adjointScratch?: AdjointScratch;

  constructor(base: Baseline, tPrime: Float64Array, dhat: Float64Array, rule: DeficitRule) {
    super(base, tPrime, dhat, rule);
    const io = base.world.io;
    if (!io) throw new Error('IoSystem needs a world with input-output structure');
    if (rule === 'proportional') throw new InputError('proportional deficits are not defined with input-output linkages; use fixed or balanced');
    const { N, S } = base;
    const size = N * N * S;
    this.gva = io.gva;
    this.gamma = io.gamma;
    this.alpha = io.alpha;
    this.lg = new Float64Array(size);
    this.lp = new Float64Array(size);
    const NS = N * S;
    this.lnP = new Float64Array(NS);
    this.lnPNext = new Float64Array(NS);
    this.lnc = new Float64Array(NS);
    this.cp = new Float64Array(NS);
    this.invQ = new Float64Array(NS);
    this.rho = new Float64Array(NS);
    this.X = new Float64Array(NS);
    this.GO = new Float64Array(NS);
    this.R = new Float64Array(N);
    this.D = new Float64Array(N);
    this.excess = new Float64Array(N);
    this.rhs = new Float64Array(NS);
    this.dX = new Float64Array(NS);
    this.goBuf = new Float64Array(NS);
    this.revBuf = new Float64Array(N);
    this.dlnP = new Float64Array(NS);
    this.dlnc = new Float64Array(NS);
    this.dGO = new Float64Array(NS);
    this.dR = new Float64Array(N);
    this.dExcess = new Float64Array(N);
    this.priceBlocks = new EconomyBlocks(N, S);
    this.spendingBlocks = new EconomyBlocks(N, S);
    this.spendingOp = { n: NS, apply: (v, out) => this.spendingApply(v, out), precond: (v, out) => this.spendingBlocks.apply(v, out) };
    this.priceOp = { n: NS, apply: (v, out) => this.priceApply(v, out), precond: (v, out) => this.priceBlocks.apply(v, out) };
    this.spendingOpT = { n: NS, apply: (v, out) => this.spendingApplyTranspose(v, out), precond: (v, out) => this.spendingBlocks.applyTranspose(v, out) };
    this.priceOpT = { n: NS, apply: (v, out) => this.priceApplyTranspose(v, out), precond: (v, out) => this.priceBlocks.applyTranspose(v, out) };
  }

  /** Evaluate every quantity at wages w; returns max_i |excess_i| / VA_i (NaN if undefined). */
  evaluate(w: ArrayLike<number>): number {
    const { N, S, L } = this;
    this.jacobianEstimate?.moved();
    for (let i = 0; i < N; i++) this.w[i] = w[i];
    this.solvePrices();
    this.solveSpending();
    let worst = 0;
    const { gva, GO, excess } = this;
    for (let i = 0; i < N; i++) {
      let labour = 0;
      for (let s = 0; s < S; s++) labour += gva[i * S + s] * GO[i * S + s];
      excess[i] = labour - this.w[i] * L[i];
      const r = Math.abs(excess[i]) / L[i];
      if (!(r <= worst)) worst = r;
    }
    return worst;
  }

  /** lam'[i][n][s] at the last evaluated point. */
  share(i: number, n: number, s: number): number {
    const { N, S } = this;
    return this.lp[(i * N + n) * S + s];
  }

  /**
   * Input costs and prices given w: solve ln P = f(ln P) from the last
   * solution (ln P starts at 0) by Newton steps, falling back to the
   * contraction's own step, then fix lam' / (1 + t') and the tariff shares.
   */
  private solvePrices(): void {
    const { N, S, lnP, lnPNext, dlnP } = this;
    const NS = N * S;
    let change = Infinity;
    let steps = 0;
    for (; steps < IO_PRICE_MAX_STEPS; steps++) {
      this.costsAt(lnP);
      const before = change;
      change = this.pricesFromCosts(lnPNext);
      if (change <= IO_PRICE_TOL || !Number.isFinite(change)) {
        lnP.set(lnPNext);
        break;
      }
      // Newton on ln P - f(ln P) = 0: its Jacobian I - K is the price-tangent operator at this point.
      // Where Newton does not shrink the step, the plain fixed-point step (a contraction) is taken instead.
      for (let k = 0; k < NS; k++) lnPNext[k] -= lnP[k];
      if (change < before * IO_PRICE_NEWTON_SHRINK) {
        this.sharesAt();
        const r = gmres(this.priceOp, lnPNext, dlnP, { tol: IO_PRICE_NEWTON_LINEAR_TOL, maxProducts: IO_LINEAR_MAX_PRODUCTS });
        if (r.relResidual <= IO_PRICE_NEWTON_LINEAR_TOL) {
          for (let k = 0; k < NS; k++) lnP[k] += dlnP[k];
          continue;
        }
      }
      for (let k = 0; k < NS; k++) lnP[k] += lnPNext[k];
    }
    if (!(change <= IO_PRICE_TOL)) {
      if (!Number.isFinite(change)) throw new InputError('sector prices are undefined at these wages (a prohibitive shock leaves some sector with no source)');
      throw new ConvergenceError('sector prices', change, steps);
    }
    this.costsAt(lnP);
    this.pricesFromCosts(lnPNext);
    this.sharesAt();
    const { g, lp, lg, rho } = this;
    rho.fill(0);
    for (let i = 0; i < N; i++) {
      const b0 = i * NS;
      for (let ns = 0; ns < NS; ns++) {
        const k = b0 + ns;
        lg[k] = lp[k] * g[k];
        rho[ns] += lp[k] - lg[k];
      }
    }
    this.factorSpendingBlocks();
  }

  /** lam' = a c^-eps / Q at the current costs, and the price operator's domestic blocks I - diag(lam'_nn) Gamma_n. */
  private sharesAt(): void {
    const { N, S, a, cp, invQ, lp, gamma } = this;
    const NS = N * S;
    for (let i = 0; i < N; i++) {
      const b0 = i * NS;
      const o = i * S;
      for (let ns = 0, s = 0; ns < NS; ns++) {
        lp[b0 + ns] = a[b0 + ns] * cp[o + s] * invQ[ns];
        if (++s === S) s = 0;
      }
    }
    this.priceBlocks.factor((n, block) => {
      const own = (n * N + n) * S;
      for (let s = 0; s < S; s++) {
        for (let k = 0; k < S; k++) block[s * S + k] = (s === k ? 1 : 0) - lp[own + s] * gamma[(n * S + k) * S + s];
      }
    });
  }

  /** The spending operator's domestic blocks: I - Gamma_n diag(lam'_nn g_nn) - alpha_n rho_n'. */
  private factorSpendingBlocks(): void {
    const { N, S, lg, rho, gamma, alpha } = this;
    this.spendingBlocks.factor((n, block) => {
      const own = (n * N + n) * S;
      for (let s = 0; s < S; s++) {
        for (let k = 0; k < S; k++) block[s * S + k] = (s === k ? 1 : 0) - gamma[(n * S + s) * S + k] * lg[own + k] - alpha[n * S + s] * rho[n * S + k];
      }
    });
  }

  /** ln c and c^-eps from wages and the log prices given. */
  private costsAt(lnPin: Float64Array): void {
    const { N, S, gva, lnc, cp, w } = this;
    const eps = this.base.world.eps;
    for (let i = 0; i < N; i++) {
      const lw = Math.log(w[i]);
      for (let s = 0; s < S; s++) lnc[i * S + s] = gva[i * S + s] * lw;
    }
    this.addInputCosts(lnPin, lnc);
    for (let is = 0, s = 0; is < N * S; is++) {
      cp[is] = Math.exp(-eps[s] * lnc[is]);
      if (++s === S) s = 0;
    }
  }

  /** New log prices from the current costs into out (and invQ); returns max |change| against lnP. */
  private pricesFromCosts(out: Float64Array): number {
    const { N, S, a, cp, invQ, lnP } = this;
    const eps = this.base.world.eps;
    const NS = N * S;
    out.fill(0);
    for (let i = 0; i < N; i++) {
      const b0 = i * NS;
      const ci = i * S;
      for (let ns = 0, s = 0; ns < NS; ns++) {
        out[ns] += a[b0 + ns] * cp[ci + s];
        if (++s === S) s = 0;
      }
    }
    let change = 0;
    for (let ns = 0, s = 0; ns < NS; ns++) {
      const q = out[ns];
      if (q > 0) {
        invQ[ns] = 1 / q;
        out[ns] = Math.log(q) / -eps[s];
      } else {
        invQ[ns] = 0;
        out[ns] = 0;
      }
      const d = Math.abs(out[ns] - lnP[ns]);
      if (!(d <= change)) change = d;
      if (++s === S) s = 0;
    }
    return change;
  }

  /** Deficits in the counterfactual under the rule (in units of the numeraire). */
  private deficit(n: number): number {
    return (this.rule === 'fixed' ? this.base.D[n] : 0) + this.transfer[n];
  }

  /**
   * Spending X given prices: (I - T) X = alpha (w VA + D'), solved for the
   * correction to the last solution (X starts at 0), to IO_SPENDING_TOL of the
   * right-hand side (accepting IO_LINEAR_TOL where rounding stops it short).
   */
  private solveSpending(): void {
    const { N, S, alpha, X, rhs, dX, L, w } = this;
    const NS = N * S;
    this.spendingApply(X, rhs);
    let size = 0;
    for (let n = 0; n < N; n++) {
      const income = w[n] * L[n] + this.deficit(n);
      for (let s = 0; s < S; s++) {
        const b = alpha[n * S + s] * income;
        size += b * b;
        rhs[n * S + s] = b - rhs[n * S + s];
      }
    }
    const target = IO_SPENDING_TOL * Math.sqrt(size);
    const left = norm2(rhs);
    if (left > target) {
      const r = gmres(this.spendingOp, rhs, dX, { tol: Math.min(0.5, target / left), maxProducts: IO_LINEAR_MAX_PRODUCTS });
      if (!(r.relResidual * left <= 10 * IO_LINEAR_TOL * Math.sqrt(size))) throw new ConvergenceError('sector spending', (r.relResidual * left) / Math.sqrt(size), r.products);
      for (let k = 0; k < NS; k++) X[k] += dX[k];
    }
    this.factoryGate(X, this.GO, this.R);
    for (let n = 0; n < N; n++) this.D[n] = this.deficit(n);
  }

  /** GO[i][k] = sum_m lg[i][m][k] v[m][k] and rev[n] = sum_s rho[n][s] v[n][s]. */
  private factoryGate(v: Float64Array, go: Float64Array, rev: Float64Array): void {
    const { N, S, rho } = this;
    go.fill(0);
    this.addFactoryGate(v, go);
    for (let n = 0; n < N; n++) {
      let r = 0;
      for (let s = 0; s < S; s++) r += rho[n * S + s] * v[n * S + s];
      rev[n] = r;
    }
  }

  /** out = (I - T) v: spending minus the intermediate and revenue-funded final demand it generates. */
  private spendingApply(v: Float64Array, out: Float64Array): void {
    const { N, S, alpha, goBuf, revBuf } = this;
    this.factoryGate(v, goBuf, revBuf);
    for (let ns = 0; ns < N * S; ns++) out[ns] = v[ns] - alpha[ns] * revBuf[(ns - (ns % S)) / S];
    this.addIntermediateUse(goBuf, out, -1);
  }

  /** out = (I - K) v, K v[n][s] = sum_i lam'[i][n][s] sum_k gamma[i][k][s] v[i][k]: the price tangent operator. */
  private priceApply(v: Float64Array, out: Float64Array): void {
    const { dlnc } = this;
    dlnc.fill(0);
    this.addInputCosts(v, dlnc);
    out.set(v);
    this.addShares(dlnc, out, -1);
  }

  /** out = (I - T)' z: T' z[m][k] = sum_i lg[i][m][k] a[i][k] + rho[m][k] b[m], a = Gamma' z, b = alpha' z. */
  private spendingApplyTranspose(z: Float64Array, out: Float64Array): void {
    const { N, S, alpha, rho, goBuf: a, revBuf: b } = this;
    const NS = N * S;
    for (let n = 0; n < N; n++) {
      let bn = 0;
      for (let s = 0; s < S; s++) bn += alpha[n * S + s] * z[n * S + s];
      b[n] = bn;
    }
    a.fill(0);
    this.addIntermediateUseTranspose(z, a);
    for (let ms = 0; ms < NS; ms++) out[ms] = z[ms] - rho[ms] * b[(ms - (ms % S)) / S];
    this.addFactoryGateTranspose(a, out, -1);
  }

  /** out = (I - K)' y: K' y[i][k] = sum_s gamma[i][k][s] u[i][s], u[i][s] = sum_n lam'[i][n][s] y[n][s]. */
  private priceApplyTranspose(y: Float64Array, out: Float64Array): void {
    const { dlnc: u } = this;
    u.fill(0);
    this.addSharesTranspose(y, u);
    out.set(y);
    this.addInputCostsTranspose(u, out, -1);
  }

  // The linear maps the inner problems and their tangents and adjoints are made of, each written once.

  /** out[i][s] += sum_k gamma[i][k][s] v[i][k]: input-cost changes from input-price changes (Gamma). */
  private addInputCosts(v: Float64Array, out: Float64Array): void {
    const { N, S, gamma } = this;
    for (let i = 0; i < N; i++) {
      const o = i * S;
      for (let k = 0; k < S; k++) {
        const p = v[o + k];
        if (p === 0) continue;
        const gk = (o + k) * S;
        for (let s = 0; s < S; s++) out[o + s] += gamma[gk + s] * p;
      }
    }
  }

  /** out[i][k] += scale sum_s gamma[i][k][s] u[i][s]: Gamma'. */
  private addInputCostsTranspose(u: Float64Array, out: Float64Array, scale: number): void {
    const { N, S, gamma } = this;
    for (let i = 0; i < N; i++) {
      const o = i * S;
      for (let k = 0; k < S; k++) {
        const gk = (o + k) * S;
        let v = 0;
        for (let s = 0; s < S; s++) v += gamma[gk + s] * u[o + s];
        out[o + k] += scale * v;
      }
    }
  }

  /** out[n][s] += scale sum_i lam'[i][n][s] c[i][s]: buyers' prices from sellers' costs (Lam). */
  private addShares(c: Float64Array, out: Float64Array, scale: number): void {
    this.addOverSellers(this.lp, c, out, scale);
  }

  /** out[i][s] += sum_n lam'[i][n][s] y[n][s]: Lam'. */
  private addSharesTranspose(y: Float64Array, out: Float64Array): void {
    this.addOverBuyers(this.lp, y, out);
  }

  /**
   * out[n][s] += scale sum_k gamma[n][s][k] go[n][k]: spending on inputs from gross output. The
   * quantity side's map is the price side's transposed (Gamma'), so it is addInputCostsTranspose.
   */
  private addIntermediateUse(go: Float64Array, out: Float64Array, scale: number): void {
    this.addInputCostsTranspose(go, out, scale);
  }

  /** out[n][k] += sum_s gamma[n][s][k] z[n][s]: the transpose of addIntermediateUse, so addInputCosts. */
  private addIntermediateUseTranspose(z: Float64Array, out: Float64Array): void {
    this.addInputCosts(z, out);
  }

  /** go[i][s] += sum_m lam'[i][m][s] v[m][s] / (1 + t'): sellers' gross output from buyers' spending (LG). */
  private addFactoryGate(v: Float64Array, go: Float64Array): void {
    this.addOverBuyers(this.lg, v, go);
  }

  /** out[m][s] += scale sum_i lam'[i][m][s] y[i][s] / (1 + t'): LG'. */
  private addFactoryGateTranspose(y: Float64Array, out: Float64Array, scale: number): void {
    this.addOverSellers(this.lg, y, out, scale);
  }

  /** out[n][s] += scale sum_i M[i][n][s] c[i][s], for M an [i][n][s] array (Lam or LG). */
  private addOverSellers(M: Float64Array, c: Float64Array, out: Float64Array, scale: number): void {
    const { N, S } = this;
    for (let i = 0, k = 0; i < N; i++) {
      const o = i * S;
      for (let n = 0; n < N; n++) {
        const on = n * S;
        for (let s = 0; s < S; s++, k++) out[on + s] += scale * M[k] * c[o + s];
      }
    }
  }

  /** out[i][s] += sum_n M[i][n][s] v[n][s], for M an [i][n][s] array (Lam or LG). */
  private addOverBuyers(M: Float64Array, v: Float64Array, out: Float64Array): void {
    const { N, S } = this;
    for (let i = 0, k = 0; i < N; i++) {
      const o = i * S;
      for (let n = 0; n < N; n++) {
        const on = n * S;
        for (let s = 0; s < S; s++, k++) out[o + s] += M[k] * v[on + s];
      }
    }
  }

  /**
   * Reverse mode of tariffTangent: dPhi/dt'[c] for every cell at once, where
   * Phi is linear in the tangent's quantities with the given seeds (what
   * strategy's adjoint needs: one pass per objective, whatever the number of
   * tariffs). Phi = sum_n R[n] dR[n] + sum P[n][s] dlnP[n][s] + sum X[n][s] dX[n][s]
   * + sum excess[i] dexcess[i] + sum_c share(c) d(lam'/(1+t'))[c] + sum GO[i][s] dGO[i][s].
   */
  tariffAdjoint(seeds: IoTariffSeeds, out: Float64Array): void {
    this.adjoint(seeds, out, null);
  }

  /**
   * The reverse pass of tangentAlong: dPhi/dt'[c] for every cell into `outT` and dPhi/dw_i at fixed tariffs into
   * `outW` (either may be null), Phi as in tariffAdjoint. With seeds on excess demand only, outW is (d excess/dw)'
   * times them: a vector-Jacobian product, the transposed jvp, at the cost of one jvp.
   */
  adjoint(seeds: IoTariffSeeds, outT: Float64Array | null, outW: Float64Array | null): void {
    const { N, S, gva, alpha, g, lp, rho, X, tPrime, L, w } = this;
    const eps = this.base.world.eps;
    const NS = N * S;
    // Scratch kept between calls: strategy makes thousands of reverse passes on one system.
    const b = (this.adjointScratch ??= adjointScratch(N, NS));
    // barGO: bar dGO, then bar dGO0 (every entry set below); barRev: bar drev0.
    const { barGO, barX, barRev, z, barInc, barLnc, barLnP, barLnw, y } = b;
    barX.set(seeds.X);
    barRev.set(seeds.R);
    // dexcess = gva dGO; dGO = dGO0 + LG dX; dR = drev0 + rho dX.
    for (let i = 0; i < N; i++) for (let s = 0; s < S; s++) barGO[i * S + s] = seeds.excess[i] * gva[i * S + s] + (seeds.GO ? seeds.GO[i * S + s] : 0);
    this.addFactoryGateTranspose(barGO, barX, 1);
    for (let ns = 0; ns < NS; ns++) barX[ns] += seeds.R[(ns - (ns % S)) / S] * rho[ns];
    // (I - T) dX = Gamma dGO0 + alpha drev0: z = (I - T)^-T barX.
    this.linearSolve(this.spendingOpT, barX, z, 'spending adjoint');
    // The bar of income: dinc[n] = L[n] v[n] + dR|X[n] feeds alpha dinc into the spending system.
    barInc.fill(0);
    for (let ns = 0; ns < NS; ns++) barInc[(ns - (ns % S)) / S] += alpha[ns] * z[ns];
    for (let n = 0; n < N; n++) barRev[n] += barInc[n];
    this.addIntermediateUseTranspose(z, barGO);
    // dGO0[i][s] = sum_n dlg X[n][s], drev0[n] = sum (dlam' - dlg) X[n][s]; dlg = g dlam' - lam' g^2 dt;
    // dlam' = -eps lam' (dlnc_i - dlnP_n + dt / (1 + t')).
    barLnc.fill(0);
    barLnP.set(seeds.P);
    outT?.fill(0);
    for (let i = 0; i < N; i++) {
      const b0 = i * NS;
      const o = i * S;
      for (let ns = 0, s = 0, n = 0; ns < NS; ns++) {
        const c = b0 + ns;
        const barLg = barGO[o + s] * X[ns] - barRev[n] * X[ns] + (seeds.share ? seeds.share[c] : 0);
        const barLam = barRev[n] * X[ns] + g[c] * barLg;
        const q = -eps[s] * lp[c] * barLam;
        barLnc[o + s] += q;
        barLnP[ns] -= q;
        if (outT) outT[c] = q / (1 + tPrime[c]) - lp[c] * g[c] * g[c] * barLg;
        if (++s === S) {
          s = 0;
          n++;
        }
      }
    }
    // dlnc = gva dlnw + Gamma dlnP.
    barLnw.fill(0);
    for (let is = 0; is < NS; is++) barLnw[(is - (is % S)) / S] += gva[is] * barLnc[is];
    this.addInputCostsTranspose(barLnc, barLnP, 1);
    // (I - K) dlnP = Lam (gva dlnw) + sum_i lam' dt / (1 + t'): y = (I - K)^-T barLnP.
    this.linearSolve(this.priceOpT, barLnP, y, 'price adjoint');
    if (outT) {
      for (let i = 0; i < N; i++) {
        const b0 = i * NS;
        for (let ns = 0; ns < NS; ns++) outT[b0 + ns] += (y[ns] * lp[b0 + ns]) / (1 + tPrime[b0 + ns]);
      }
    }
    if (outW) {
      const { u } = b;
      u.fill(0);
      this.addSharesTranspose(y, u);
      for (let is = 0; is < NS; is++) barLnw[(is - (is % S)) / S] += gva[is] * u[is];
      // dlnw = v / w; dexcess_i carries -L_i v_i; income carries L_n v_n.
      for (let i = 0; i < N; i++) outW[i] = barLnw[i] / w[i] + L[i] * barInc[i] - seeds.excess[i] * L[i];
    }
  }

  /**
   * Jacobian-vector product at the last evaluated point: out = d excess / d w
   * times v. The tangent's quantities stay readable (dlnP, dX, dR, ...) until
   * the next call.
   */
  jvp(v: ArrayLike<number>, out: Float64Array): void {
    this.tangentAlong(v, null, null);
    out.set(this.dExcess);
  }

  /**
   * Directional derivative at fixed w along a tariff change (cells and their
   * changes dt): the partial dF/dt of strategy's implicit-function gradients.
   * Read the result from dExcess, dlnP, dlnc, dX, dR and shareTangent().
   */
  tariffTangent(cells: ArrayLike<number>, values: ArrayLike<number>): void {
    this.tangentAlong(null, cells, values);
  }

  /** Directional derivative at fixed w along a change dT of the transfers received: spending moves, prices do not. */
  transferTangent(dT: ArrayLike<number>): void {
    this.tangentAlong(null, null, null, dT);
  }

  /**
   * The tangent along dw = v (or 0), dt' = (cells, values) (or none) and transfers dT (or none). With dlnw = v / w:
   *   (I - K) dlnP = Lam (gva dlnw) + sum_i lam' dt / (1 + t'),  dlnc = gva dlnw + Gamma dlnP,
   *   dlam' = -eps lam' (dlnc_i - dlnP_n + dt / (1 + t')),  d(lam' g) = dlam' g - lam' g^2 dt,
   *   (I - T) dX = Gamma dGO|X + alpha (VA v + dR|X + dT),
   *   dexcess_i = sum_s gva (dGO|X + lam' g dX) - VA_i v_i,  dR = dR|X + rho dX.
   */
  private tangentAlong(v: ArrayLike<number> | null, cells: ArrayLike<number> | null, values: ArrayLike<number> | null, dT: ArrayLike<number> | null = null): void {
    const { N, S, gva, alpha, g, lp, X, L, w, rhs, dX, dlnP, dlnc, dGO, revBuf, tPrime } = this;
    const eps = this.base.world.eps;
    const NS = N * S;
    const dw = (i: number) => (v ? v[i] / w[i] : 0);
    // dlnc holds gva dlnw, the cost change of wages alone, until the price tangent is known.
    for (let is = 0; is < NS; is++) dlnc[is] = gva[is] * dw((is - (is % S)) / S);
    // Price tangent: right-hand side Lam (gva dlnw) plus the tariff cells' direct effect.
    rhs.fill(0);
    if (v) this.addShares(dlnc, rhs, 1);
    const nc = cells ? cells.length : 0;
    for (let m = 0; m < nc; m++) {
      const k = cells![m];
      rhs[k % NS] += (lp[k] * values![m]) / (1 + tPrime[k]);
    }
    this.linearSolve(this.priceOp, rhs, dlnP, 'price tangent');
    // dlnc = gva dlnw + Gamma dlnP (priceApply used dlnc as scratch: start again).
    for (let is = 0; is < NS; is++) dlnc[is] = gva[is] * dw((is - (is % S)) / S);
    this.addInputCosts(dlnP, dlnc);
    // Changes at fixed X: dGO0[i][s] and the revenue change per importer.
    dGO.fill(0);
    revBuf.fill(0);
    for (let i = 0; i < N; i++) {
      const b0 = i * NS;
      const o = i * S;
      for (let ns = 0, s = 0, n = 0; ns < NS; ns++) {
        const k = b0 + ns;
        const dl = -eps[s] * lp[k] * (dlnc[o + s] - dlnP[ns]) * X[ns];
        dGO[o + s] += dl * g[k];
        revBuf[n] += dl * (1 - g[k]);
        if (++s === S) {
          s = 0;
          n++;
        }
      }
    }
    for (let m = 0; m < nc; m++) {
      const k = cells![m];
      const s = k % S;
      const ns = k % NS;
      const i = (k - ns) / NS;
      const dt = values![m];
      const dl = (-eps[s] * lp[k] * dt) / (1 + tPrime[k]);
      const dlg = dl * g[k] - lp[k] * g[k] * g[k] * dt;
      dGO[i * S + s] += dlg * X[ns];
      revBuf[(ns - s) / S] += (dl - dlg) * X[ns];
    }
    const { dR } = this;
    // The spending solve uses revBuf as scratch: keep the revenue change at fixed X in dR.
    dR.set(revBuf);
    for (let n = 0; n < N; n++) {
      const dinc = (v ? L[n] * v[n] : 0) + dR[n] + (dT ? dT[n] : 0);
      for (let s = 0; s < S; s++) rhs[n * S + s] = alpha[n * S + s] * dinc;
    }
    this.addIntermediateUse(dGO, rhs, 1);
    this.linearSolve(this.spendingOp, rhs, dX, 'spending tangent');
    this.addFactoryGate(dX, dGO);
    const { rho, dExcess } = this;
    for (let i = 0; i < N; i++) {
      const o = i * S;
      let d = 0;
      for (let s = 0; s < S; s++) d += gva[o + s] * dGO[o + s];
      dExcess[i] = d - (v ? L[i] * v[i] : 0);
      for (let s = 0; s < S; s++) dR[i] += rho[o + s] * dX[o + s];
    }
  }

  /**
   * d(lam' / (1 + t')) of cell k = (i, n, s) along the last tangent, dt its tariff change
   * in that direction: what a bilateral flow's derivative needs besides dX.
   */
  shareTangent(k: number, dt: number): number {
    const { N, S, lp, g, dlnc, dlnP, tPrime } = this;
    const NS = N * S;
    const s = k % S;
    const ns = k % NS;
    const i = (k - ns) / NS;
    const eps = this.base.world.eps[s];
    const dl = -eps * lp[k] * (dlnc[i * S + s] - dlnP[ns] + dt / (1 + tPrime[k]));
    return dl * g[k] - lp[k] * g[k] * g[k] * dt;
  }

  /** lam'[i][n][s] / (1 + t'): cell k's factory-gate share of the importer's spending on the sector. */
  factoryShare(k: number): number {
    return this.lg[k];
  }

  private linearSolve(op: PreconditionedOperator, b: Float64Array, x: Float64Array, what: string): void {
    const tol = this.tangentTol;
    const r = gmres(op, b, x, { tol, maxProducts: IO_LINEAR_MAX_PRODUCTS });
    if (!(r.relResidual <= tol * 10)) throw new ConvergenceError(what, r.relResidual, r.products);
  }

  /** Relative accuracy of the tangents' inner solves (jvp()); IO_LINEAR_TOL unless the solver loosens it. */
  private tangentTol = IO_LINEAR_TOL;

  /**
   * Inexact Krylov: a product with the Jacobian (or its transpose) that a
   * solve needs only to `accuracy` may be made of inner solves that loose.
   * Tangents and adjoints are solved to it times IO_TANGENT_FACTOR, between
   * IO_LINEAR_TOL and IO_TANGENT_MAX_TOL; 0 restores full accuracy.
   */
  tangentAccuracy(accuracy: number): void {
    this.tangentTol = Math.min(IO_TANGENT_MAX_TOL, Math.max(IO_LINEAR_TOL, accuracy * IO_TANGENT_FACTOR));
  }

  /** Full Jacobian by N products (tests and small worlds). */
  jacobian(J: Float64Array): void {
    jacobianByProducts(this, J);
  }

  /**
   * Jacobian diagonal without income and input-cost effects, for the GMRES
   * preconditioner: -(VA_i + (1/w_i) sum eps_s gva_is^2 GO'_ins (1 - lam'_ins)).
   */
  diagonal(out: Float64Array): void {
    const { N, S, gva, lp, g, X, L, w } = this;
    const eps = this.base.world.eps;
    const NS = N * S;
    for (let i = 0; i < N; i++) {
      const b0 = i * NS;
      const o = i * S;
      let d = 0;
      for (let ns = 0, s = 0; ns < NS; ns++) {
        const k = b0 + ns;
        const l = lp[k];
        d += eps[s] * gva[o + s] * gva[o + s] * l * g[k] * X[ns] * (1 - l);
        if (++s === S) s = 0;
      }
      out[i] = -(L[i] + d / w[i]);
    }
  }
}
