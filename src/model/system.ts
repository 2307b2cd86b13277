/**
 * The equilibrium system in changes (exact hat algebra, MODEL.md §1): given
 * factor-price changes `what`, evaluate import shares, expenditure, sales and
 * excess demand; and its analytic derivatives: the full Jacobian
 * d(excess)/d(what), Jacobian-vector products and the Jacobian's diagonal.
 *
 * The Krugman variant (world.model = 'krugman', Ossa 2014) shares the share
 * and price-index equations. What changes: a share 1/sigma_s of sales is
 * profit, so the wage clears the labour market,
 *   what_i L_i = sum_s (1 - 1/sigma_s) sales'_is,
 * and spending includes profits, E'_j (1 - rho_j) = what_j L_j + D'_j + Pi'_j
 * with Pi'_j = sum_k up[j][k] E'_k: a linear system in E', factored once per
 * evaluation (N x N). Under Armington up = 0 and L = Y, and every formula
 * below reduces to the one-line closed form.
 *
 * Memory traffic, not arithmetic, bounds the big worlds (140 x 140 x 65 is
 * 10 MB per array), so an evaluation streams only two arrays (a and g) twice
 * and keeps lam' implicit: lam'[i][j][s] = a[i][j][s] w_i^-eps_s / Q[j][s].
 * Buffers are allocated once per system and reused by every evaluation.
 */
import type { Baseline } from './baseline.js';
import { InputError } from '../errors.js';
import { luFactor, luSolve } from '../numeric/linalg.js';
import { tariffAdjoint } from './adjoint.js';
import { jacobianByProducts, type MarketSystem } from './residual.js';
import { DIRECT_MAX_N } from '../numeric/tolerances.js';

/**
 * How deficits behave in the counterfactual (MODEL.md §1):
 * - `fixed`: D' = D in units of the numeraire (world output).
 * - `zero`: D' = 0 (used to purge deficits; the public option is `balanced`).
 * - `proportional`: spending before tariff revenue keeps its ratio to output,
 *   scaled by one world scalar kappa so deficits add to zero (Yotov et al. 2016; gegravity).
 */
export type DeficitRule = 'fixed' | 'zero' | 'proportional';

/** Derivatives of the system's quantities along one direction (in w or in tariffs). */
export interface Tangent {
  dRho: Float64Array;
  dE: Float64Array;
  /** d ln Q[j][s] = -eps_s d ln Phat[j][s]. */
  dlnQ: Float64Array;
  dExcess: Float64Array;
  /** d u[i][j] at fixed E' (N x N): the factory-gate flow i->j is u[i][j] E'[j]. */
  du: Float64Array;
  /** d Pi'[i]: profits (0 under Armington). */
  dProfit: Float64Array;
}

/**
 * Adjoint seeds of a scalar Phi that depends on the tariffs through the
 * system's quantities at fixed w: dPhi/d(excess, E', u, up, rho, ln Q), and
 * optionally dPhi/d sales'[i][s] of one exporter (government welfare).
 * tariffAdjoint turns them into dPhi/dt' for every cell in one reverse pass.
 */
export interface TariffSeeds {
  excess: Float64Array;
  E: Float64Array;
  u: Float64Array;
  /** Krugman only (profits); ignored under Armington. */
  up: Float64Array;
  rho: Float64Array;
  lnQ: Float64Array;
  sales?: { exporter: number; weight: Float64Array };
}

export class EquilibriumSystem implements MarketSystem {
  readonly N: number;
  readonly S: number;
  readonly base: Baseline;
  readonly rule: DeficitRule;
  /** New tariffs t' and iceberg changes dhat, [i][j][s]; change in place, then call setShock(). */
  readonly tPrime: Float64Array;
  readonly dhat: Float64Array;
  /** Labour income L (= output Y under Armington), the numeraire's weights: sum_i what_i L_i = sum_i L_i. */
  readonly L: Float64Array;
  readonly sumL: number;
  /** Monopolistic competition (Ossa 2014): profits enter spending, the wage clears the labour market. */
  readonly krugman: boolean;
  readonly directMaxN = DIRECT_MAX_N;
  readonly dampedStart = true;

  // Fixed per shock: a = lam * tauhat^-eps and g = 1/(1+t') (so t'/(1+t') = 1 - g).
  /** @internal (model/adjoint.ts) */
  readonly a: Float64Array;
  /** @internal (model/adjoint.ts) */
  readonly g: Float64Array;
  private readonly YD: Float64Array; // Y + D, for the proportional rule

  // State at the last evaluated point.
  readonly w: Float64Array;
  /** w_i^-eps_s, [i][s]. */
  readonly wpow: Float64Array;
  /** Q[j][s] = Phat[j][s]^-eps_s. */
  readonly Q: Float64Array;
  /** 1 / Q[j][s] (0 where j does not buy s). */
  /** @internal (model/adjoint.ts) */
  readonly invQ: Float64Array;
  /** beta[j][s] / Q[j][s]: lam' beta = a w^-eps cb. */
  /** @internal (model/adjoint.ts) */
  readonly cb: Float64Array;
  /** eps_s w_i^-eps_s, [i][s]. */
  private readonly ew: Float64Array;
  /** u[i][j] = sum_s lam' beta g: share of j's spending that is i's factory-gate sales (flow i->j = u[i][j] E'[j]). */
  readonly u: Float64Array;
  /** Share of tariff-inclusive spending that is tariff revenue, per importer. */
  readonly rho: Float64Array;
  /** Spending before tariff revenue, w Y + D'. */
  readonly A: Float64Array;
  /** New expenditure E'. */
  readonly Ep: Float64Array;
  /** Sales at factory prices, per exporter. */
  readonly sales: Float64Array;
  /** Excess demand for labour: sales net of profits - w L, per exporter (sales - w Y under Armington). */
  readonly excess: Float64Array;
  /** Profits Pi' per economy (0 under Armington). */
  readonly profit: Float64Array;
  /** up[i][j] = sum_s profitShare_s lam' beta g: profits of i per unit of j's spending (Krugman only). */
  readonly up: Float64Array;
  /** LU of diag(1 - rho) - up (Krugman only), for E' and its tangents. */
  /** @internal (model/adjoint.ts) */
  readonly M: Float64Array;
  /** @internal (model/adjoint.ts) */
  readonly piv: Int32Array;
  kappa = 1;

  /** Importer-sector columns the last sparse tariff tangent touched (null after a jvp or dense tangent). */
  private touched: Int32Array | null = null;
  private touchedBuf = new Int32Array(0);
  private touchedJBuf = new Int32Array(0);

  // Derivative scratch, allocated on first use.
  private scratch?: Tangent & {
    pbar: Float64Array; // [j][s]
    q: Float64Array; // N x N, the same array as du
    qp: Float64Array; // N x N: d up at fixed E' (Krugman)
    rhs: Float64Array;
    // Sparse tariff tangents: the direction scattered densely, and touched-column marks.
    dtBuf?: Float64Array;
    mark?: Uint8Array;
    jmark?: Uint8Array;
  };

  constructor(base: Baseline, tPrime: Float64Array, dhat: Float64Array, rule: DeficitRule) {
    const { N, S } = base;
    const size = N * N * S;
    if (tPrime.length !== size || dhat.length !== size) throw new Error(`shock arrays must have N*N*S = ${size} entries`);
    this.N = N;
    this.S = S;
    this.base = base;
    this.rule = rule;
    this.tPrime = tPrime;
    this.dhat = dhat;
    this.a = new Float64Array(size);
    this.g = new Float64Array(size);
    this.YD = new Float64Array(N);
    if (base.world.io) throw new Error('a world with input-output links needs IoSystem (model/io-system.ts)');
    this.krugman = base.world.model === 'krugman';
    if (this.krugman && rule === 'proportional') throw new InputError('proportional deficits are not defined for the Krugman model; use fixed or balanced');
    this.L = base.L;
    let sumL = 0;
    for (let i = 0; i < N; i++) {
      this.YD[i] = base.Y[i] + base.D[i];
      sumL += base.L[i];
    }
    this.sumL = sumL;
    this.w = new Float64Array(N).fill(1);
    this.wpow = new Float64Array(N * S);
    this.Q = new Float64Array(N * S);
    this.invQ = new Float64Array(N * S);
    this.cb = new Float64Array(N * S);
    this.ew = new Float64Array(N * S);
    this.u = new Float64Array(N * N);
    this.rho = new Float64Array(N);
    this.A = new Float64Array(N);
    this.Ep = new Float64Array(N);
    this.sales = new Float64Array(N);
    this.excess = new Float64Array(N);
    this.profit = new Float64Array(N);
    this.up = new Float64Array(this.krugman ? N * N : 0);
    this.M = new Float64Array(this.krugman ? N * N : 0);
    this.piv = new Int32Array(this.krugman ? N : 0);
    this.setShock();
  }

  /** Recompute the fixed coefficients after tPrime or dhat changed in place. */
  setShock(): void {
    const { N, S, tPrime, dhat, a, g } = this;
    const { lam, world } = this.base;
    const t0 = world.t;
    const eps = world.eps;
    for (let ij = 0; ij < N * N; ij++) {
      const b = ij * S;
      for (let s = 0; s < S; s++) {
        const k = b + s;
        const tp = tPrime[k];
        const l = lam[k];
        // tauhat = dhat (1 + t') / (1 + t); Infinity (prohibitive) gives a = 0: the flow vanishes.
        // Most cells of a shock are unchanged, so skip the pow there.
        const tauhat = (dhat[k] * (1 + tp)) / (1 + t0[k]);
        a[k] = l === 0 ? 0 : tauhat === 1 ? l : l * Math.pow(tauhat, -eps[s]);
        g[k] = 1 / (1 + tp);
      }
    }
  }

  /** lam'[i][j][s] at the last evaluated point. */
  share(i: number, j: number, s: number): number {
    const { N, S } = this;
    return this.a[(i * N + j) * S + s] * this.wpow[i * S + s] * this.invQ[j * S + s];
  }

  /** Evaluate every quantity at factor prices w (copied in). Returns max_i |excess_i| / L_i (NaN if undefined). */
  evaluate(w: ArrayLike<number>): number {
    const { N, S, a, g, wpow, Q, invQ, cb, ew, u, rho, A, Ep, sales, excess, profit, up, L } = this;
    const { Y, D, beta, world, profitShare } = this.base;
    const eps = world.eps;
    const NS = N * S;
    for (let i = 0; i < N; i++) this.w[i] = w[i];
    for (let i = 0; i < N; i++) {
      for (let s = 0; s < S; s++) {
        wpow[i * S + s] = Math.pow(this.w[i], -eps[s]);
        ew[i * S + s] = eps[s] * wpow[i * S + s];
      }
    }
    // Hot loops run over (j, s) as one contiguous index, so S = 1 and S = 65 both stream.
    Q.fill(0);
    for (let i = 0; i < N; i++) {
      const b0 = i * NS;
      const wi = i * S;
      for (let js = 0, s = 0; js < NS; js++) {
        Q[js] += a[b0 + js] * wpow[wi + s];
        if (++s === S) s = 0;
      }
    }
    for (let js = 0; js < NS; js++) {
      if (Q[js] > 0) invQ[js] = 1 / Q[js];
      else if (beta[js] > 0) {
        const j = Math.floor(js / S);
        throw new InputError(`${world.codes[j]} can buy sector ${world.sectors[js - j * S]} from no one: every source is prohibitive`);
      } else invQ[js] = 0;
      cb[js] = beta[js] * invQ[js];
    }
    // One pass gives both the tariff share of spending (rho) and u[i][j].
    rho.fill(0);
    const krugman = this.krugman;
    for (let i = 0; i < N; i++) {
      const b0 = i * NS;
      const wi = i * S;
      let ug = 0;
      let ul = 0;
      let upg = 0;
      for (let js = 0, s = 0, j = 0; js < NS; js++) {
        const lb = a[b0 + js] * wpow[wi + s] * cb[js];
        ul += lb;
        ug += lb * g[b0 + js];
        if (krugman) upg += lb * g[b0 + js] * profitShare[s];
        if (++s === S) {
          u[i * N + j] = ug;
          if (krugman) up[i * N + j] = upg;
          rho[j] += ul - ug; // sum_s beta lam' t'/(1+t')
          ug = 0;
          ul = 0;
          upg = 0;
          s = 0;
          j++;
        }
      }
    }
    if (this.rule === 'proportional') {
      let num = 0;
      let den = 0;
      for (let j = 0; j < N; j++) {
        num += this.w[j] * Y[j];
        den += this.w[j] * this.YD[j];
      }
      this.kappa = num / den;
    }
    for (let j = 0; j < N; j++) {
      const wy = this.w[j] * L[j];
      A[j] = this.rule === 'fixed' ? wy + D[j] : this.rule === 'zero' ? wy : this.kappa * this.w[j] * this.YD[j];
      Ep[j] = A[j] / (1 - rho[j]);
    }
    if (krugman) {
      // (diag(1 - rho) - up) E' = w L + D': profits are spent too.
      const { M, piv } = this;
      for (let j = 0; j < N; j++) for (let k = 0; k < N; k++) M[j * N + k] = (j === k ? 1 - rho[j] : 0) - up[j * N + k];
      luFactor(M, N, piv);
      luSolve(M, N, piv, A, Ep);
      for (let j = 0; j < N; j++) {
        let v = 0;
        for (let k = 0; k < N; k++) v += up[j * N + k] * Ep[k];
        profit[j] = v;
        A[j] += v;
      }
    }
    let worst = 0;
    for (let i = 0; i < N; i++) {
      let v = 0;
      for (let j = 0; j < N; j++) v += u[i * N + j] * Ep[j];
      sales[i] = v;
      excess[i] = v - profit[i] - this.w[i] * L[i];
      const r = Math.abs(excess[i]) / L[i];
      if (!(r <= worst)) worst = r; // NaN wins, so a broken point never looks converged
    }
    return worst;
  }

  /** Solve for dE' given the right-hand side r = dA + E' drho + (profit terms at fixed E'), in place. */
  private solveDE(r: Float64Array, out: Float64Array): void {
    const { N, rho } = this;
    if (this.krugman) luSolve(this.M, N, this.piv, r, out);
    else for (let j = 0; j < N; j++) out[j] = r[j] / (1 - rho[j]);
  }

  /** d A_j along direction v (spending before tariff revenue). */
  private dA(v: ArrayLike<number>, out: Float64Array): void {
    const { N, w, YD, L } = this;
    const Y = this.base.Y;
    if (this.rule !== 'proportional') {
      for (let j = 0; j < N; j++) out[j] = L[j] * v[j];
      return;
    }
    let S2 = 0;
    let dNum = 0;
    let dDen = 0;
    for (let k = 0; k < N; k++) {
      S2 += w[k] * YD[k];
      dNum += Y[k] * v[k];
      dDen += YD[k] * v[k];
    }
    const dkappa = (dNum - this.kappa * dDen) / S2;
    for (let j = 0; j < N; j++) out[j] = this.kappa * YD[j] * v[j] + w[j] * YD[j] * dkappa;
  }

  private getScratch() {
    const { N, S } = this;
    if (this.scratch) return this.scratch;
    const q = new Float64Array(N * N);
    return (this.scratch = {
      pbar: new Float64Array(N * S),
      q,
      du: q,
      qp: new Float64Array(this.krugman ? N * N : 0),
      rhs: new Float64Array(N),
      dRho: new Float64Array(N),
      dE: new Float64Array(N),
      dlnQ: new Float64Array(N * S),
      dExcess: new Float64Array(N),
      dProfit: new Float64Array(N),
    });
  }

  /**
   * The derivatives of the last jvp() or tariffTangent() call: d rho, d E',
   * d ln Q[j][s] and d excess along that direction. Views into scratch memory,
   * overwritten by the next call.
   */
  tangent(): Tangent {
    const { dRho, dE, dlnQ, dExcess, du, dProfit } = this.getScratch();
    return { dRho, dE, dlnQ, dExcess, du, dProfit };
  }

  /**
   * Finish a tangent from dRho, q (= du) and, under Krugman, qp: solve for dE'
   * (dA given in rhs), then d profit and d excess. `cols` lists the importers
   * whose columns of q may be non-zero (all when undefined).
   */
  private finishTangent(v: ArrayLike<number> | null, cols?: ArrayLike<number>): void {
    const { N, u, up, Ep, L } = this;
    const { q, qp, rhs, dRho, dE, dExcess, dProfit } = this.getScratch();
    const krugman = this.krugman;
    for (let j = 0; j < N; j++) rhs[j] += Ep[j] * dRho[j];
    if (krugman) {
      for (let j = 0; j < N; j++) {
        let v2 = 0;
        for (let k = 0; k < N; k++) v2 += Ep[k] * qp[j * N + k];
        rhs[j] += v2;
      }
    }
    this.solveDE(rhs, dE);
    const all = krugman || !cols;
    for (let i = 0; i < N; i++) {
      let d = 0;
      let dp = 0;
      if (all) {
        for (let j = 0; j < N; j++) {
          d += Ep[j] * q[i * N + j] + u[i * N + j] * dE[j];
          if (krugman) dp += Ep[j] * qp[i * N + j] + up[i * N + j] * dE[j];
        }
      } else {
        for (let n = 0; n < cols!.length; n++) {
          const j = cols![n];
          d += Ep[j] * q[i * N + j] + u[i * N + j] * dE[j];
        }
      }
      dProfit[i] = dp;
      dExcess[i] = d - dp - (v ? L[i] * v[i] : 0);
    }
  }

  /**
   * Jacobian-vector product: out = J v with J[i][k] = d excess_i / d w_k at the
   * last evaluated point. Two streaming passes over N x N x S:
   *   dlam'_ijs = -eps_s lam'_ijs (v_i / w_i - pbar_js),  pbar_js = sum_k lam'_kjs v_k / w_k
   *   drho_j = sum_{i,s} beta (1 - g) dlam',  dE_j = (dA_j + E'_j drho_j) / (1 - rho_j)
   *   dsales_i = sum_j E'_j sum_s beta g dlam'_ijs + sum_j u_ij dE_j
   */
  jvp(v: ArrayLike<number>, out: Float64Array): void {
    const { N, S, a, g, wpow, invQ, cb, ew, w } = this;
    const NS = N * S;
    const { pbar, q, qp, dRho, rhs } = this.getScratch();
    const profitShare = this.base.profitShare;
    const krugman = this.krugman;
    pbar.fill(0);
    for (let i = 0; i < N; i++) {
      const vi = v[i] / w[i];
      if (vi === 0) continue;
      const b0 = i * NS;
      const wi = i * S;
      for (let js = 0, s = 0; js < NS; js++) {
        pbar[js] += a[b0 + js] * wpow[wi + s] * vi;
        if (++s === S) s = 0;
      }
    }
    // d ln Q = -eps pbar; then reuse pbar as cb * pbar (pbar proper = invQ * sum).
    const { dlnQ, dExcess } = this.getScratch();
    const eps = this.base.world.eps;
    for (let js = 0, s = 0; js < NS; js++) {
      dlnQ[js] = -eps[s] * pbar[js] * invQ[js];
      pbar[js] *= invQ[js] * cb[js];
      if (++s === S) s = 0;
    }
    dRho.fill(0);
    for (let i = 0; i < N; i++) {
      const vi = v[i] / w[i];
      const b0 = i * NS;
      const wi = i * S;
      let dl = 0;
      let dlg = 0;
      let dpg = 0;
      for (let js = 0, s = 0, j = 0; js < NS; js++) {
        const d = -a[b0 + js] * ew[wi + s] * (vi * cb[js] - pbar[js]);
        dl += d;
        dlg += d * g[b0 + js];
        if (krugman) dpg += d * g[b0 + js] * profitShare[s];
        if (++s === S) {
          q[i * N + j] = dlg;
          if (krugman) qp[i * N + j] = dpg;
          dRho[j] += dl - dlg;
          dl = 0;
          dlg = 0;
          dpg = 0;
          s = 0;
          j++;
        }
      }
    }
    this.dA(v, rhs);
    this.finishTangent(v);
    this.touched = null;
    for (let i = 0; i < N; i++) out[i] = dExcess[i];
  }

  /**
   * Directional derivative at fixed w along a change dt of the tariffs t'
   * ([i][j][s]); read the result with tangent(). The partial dF/dt of the
   * implicit-function theorem (strategy gradients, MODEL.md §2):
   *   da = -eps a dt / (1 + t'),  dg = -g^2 dt,  d ln Q[j][s] = sum_i da w^-eps / Q,
   *   dlam' = w^-eps (da - a d ln Q) / Q,  drho_j = sum beta (dlam' (1 - g) - lam' dg),
   *   dE'_j = E'_j drho_j / (1 - rho_j),  dexcess_i = sum_j (E'_j sum_s beta (dlam' g + lam' dg) + u_ij dE'_j).
   */
  tariffTangent(dt: Float64Array): void {
    const cells: number[] = [];
    const vals: number[] = [];
    for (let k = 0; k < dt.length; k++) {
      if (dt[k] !== 0) {
        cells.push(k);
        vals.push(dt[k]);
      }
    }
    this.tariffTangentSparse(cells, vals);
  }

  /**
   * tariffTangent for a sparse direction (cells and their changes). Only the
   * importer-sector columns the direction touches change, so a single tariff
   * costs O(N) instead of O(N^2 S): what makes best responses with hundreds of
   * partner x sector tariffs cheap.
   */
  tariffTangentSparse(cells: ArrayLike<number>, vals: ArrayLike<number>): void {
    const { N, S, a, g, wpow, invQ, tPrime } = this;
    const { beta, world, profitShare } = this.base;
    const eps = world.eps;
    const krugman = this.krugman;
    const sc = this.getScratch();
    const { q, qp, dRho, dlnQ, rhs } = sc;
    const dtBuf = (sc.dtBuf ??= new Float64Array(N * N * S));
    const mark = (sc.mark ??= new Uint8Array(N * S));
    const jmark = (sc.jmark ??= new Uint8Array(N));
    dlnQ.fill(0);
    dRho.fill(0);
    rhs.fill(0);
    q.fill(0);
    if (krugman) qp.fill(0);
    if (this.touchedBuf.length < N * S) {
      this.touchedBuf = new Int32Array(N * S);
      this.touchedJBuf = new Int32Array(N);
    }
    const tb = this.touchedBuf;
    const tjb = this.touchedJBuf;
    let nt = 0;
    let ntj = 0;
    for (let n = 0; n < cells.length; n++) {
      const k = cells[n];
      const s = k % S;
      const ij = (k - s) / S;
      const j = ij % N;
      const i = (ij - j) / N;
      const js = j * S + s;
      dtBuf[k] += vals[n];
      dlnQ[js] -= (eps[s] * a[k] * vals[n] * wpow[i * S + s]) / (1 + tPrime[k]);
      if (!mark[js]) {
        mark[js] = 1;
        tb[nt++] = js;
      }
      if (!jmark[j]) {
        jmark[j] = 1;
        tjb[ntj++] = j;
      }
    }
    const touched = tb.subarray(0, nt);
    const touchedJ = tjb.subarray(0, ntj);
    for (const js of touched) {
      dlnQ[js] *= invQ[js];
      const s = js % S;
      const j = (js - s) / S;
      const bj = beta[js];
      for (let i = 0; i < N; i++) {
        const k = (i * N + j) * S + s;
        const dtk = dtBuf[k];
        const da = dtk === 0 ? 0 : (-eps[s] * a[k] * dtk) / (1 + tPrime[k]);
        const wq = wpow[i * S + s] * invQ[js];
        const l = a[k] * wq;
        const dl = wq * (da - a[k] * dlnQ[js]);
        const dg = -g[k] * g[k] * dtk;
        const dq = bj * (dl * g[k] + l * dg);
        dRho[j] += bj * (dl * (1 - g[k]) - l * dg);
        q[i * N + j] += dq;
        if (krugman) qp[i * N + j] += dq * profitShare[s];
      }
      mark[js] = 0;
    }
    this.finishTangent(null, touchedJ);
    this.touched = touched;
    for (const j of touchedJ) jmark[j] = 0;
    for (let n = 0; n < cells.length; n++) dtBuf[cells[n]] = 0;
  }

  /** Factory-gate sales of exporter i in each sector at the last evaluated point (out has S entries). */
  sectorSales(i: number, out: Float64Array): void {
    const { N, S, a, g, wpow, cb, Ep } = this;
    out.fill(0);
    for (let j = 0; j < N; j++) {
      const b = (i * N + j) * S;
      for (let s = 0; s < S; s++) out[s] += a[b + s] * wpow[i * S + s] * cb[j * S + s] * g[b + s] * Ep[j];
    }
  }

  /**
   * Per importer j, sum_s c_s lam'_ijs beta_js g_ijs: how a weighted sum of
   * exporter i's sector sales moves with E'_j. Computed once per point, it
   * makes weightedSalesTangent O(N + touched cells) per tariff direction.
   */
  salesWeights(i: number, c: ArrayLike<number>, out: Float64Array): void {
    const { N, S, a, g, wpow, cb } = this;
    for (let j = 0; j < N; j++) {
      const b = (i * N + j) * S;
      let v = 0;
      for (let s = 0; s < S; s++) v += c[s] * a[b + s] * wpow[i * S + s] * cb[j * S + s] * g[b + s];
      out[j] = v;
    }
  }

  /**
   * out[n] = sum_s c[n]_s d sales_is along the last tangent, for several
   * weightings c[n] at once, with wj[n] = salesWeights(i, c[n]). vi is v_i for
   * a jvp direction (0 for tariffs); rowCells/rowValues (first rowCount) the
   * direction's changes of cells (i, j, s) (exporter i's own exports), if any:
   *   dlam' = lam' (-eps (vi / w_i + dt / (1 + t')) - d ln Q),  dg = -g^2 dt,
   *   dsales_is = sum_j beta [E' (dlam' g + lam' dg) + lam' g dE'_j].
   */
  weightedSalesTangent(i: number, c: readonly ArrayLike<number>[], wj: readonly Float64Array[], vi: number, out: Float64Array, rowCells?: ArrayLike<number>, rowValues?: ArrayLike<number>, rowCount = rowCells?.length ?? 0): void {
    const { N, S, a, g, wpow, cb, Ep, w, tPrime } = this;
    const eps = this.base.world.eps;
    const { dlnQ, dE } = this.getScratch();
    const nc = c.length;
    for (let n = 0; n < nc; n++) {
      let v = 0;
      const wn = wj[n];
      for (let j = 0; j < N; j++) v += wn[j] * dE[j];
      out[n] = v;
    }
    if (vi !== 0 || !this.touched) {
      // A jvp or dense tangent: d ln Q may be non-zero anywhere.
      const vw = vi / w[i];
      for (let j = 0; j < N; j++) {
        const b = (i * N + j) * S;
        for (let s = 0; s < S; s++) {
          const k = b + s;
          const base = Ep[j] * a[k] * wpow[i * S + s] * cb[j * S + s] * g[k] * (-eps[s] * vw - dlnQ[j * S + s]);
          for (let n = 0; n < nc; n++) out[n] += c[n][s] * base;
        }
      }
    } else {
      const touched = this.touched;
      for (let m = 0; m < touched.length; m++) {
        const js = touched[m];
        const s = js % S;
        const j = (js - s) / S;
        const k = (i * N + j) * S + s;
        const base = -Ep[j] * a[k] * wpow[i * S + s] * cb[js] * g[k] * dlnQ[js];
        for (let n = 0; n < nc; n++) out[n] += c[n][s] * base;
      }
    }
    for (let r = 0; r < rowCount; r++) {
      const k = rowCells![r];
      const s = k % S;
      const j = ((k - s) / S) % N;
      const d = rowValues![r];
      const lb = a[k] * wpow[i * S + s] * cb[j * S + s];
      const dl = (lb * -eps[s] * d) / (1 + tPrime[k]);
      const dg = -g[k] * g[k] * d;
      const base = Ep[j] * (dl * g[k] + lb * dg);
      for (let n = 0; n < nc; n++) out[n] += c[n][s] * base;
    }
  }

  /** Importer-sector columns ([j][s]) the last sparse tariff tangent touched; null after a jvp. */
  touchedColumns(): Int32Array | null {
    return this.touched;
  }

  /**
   * Reverse mode of the tariff tangent: dPhi/dt'[i][j][s] for every cell at
   * once, O(N^2 S) whatever the number of tariffs (the forward tangents cost
   * that per direction under Krugman). Seeds are read, not changed.
   *   x = seeds.excess:  u_bar += x_i E'_j,  up_bar -= x_i E'_j,  E_bar_j += sum_i x_i (u - up)_ij
   *   E' = M^-1 A0, M = diag(1 - rho) - up:  z = M^-T E_bar,  rho_bar_j += z_j E'_j,  up_bar_jk += z_j E'_k
   *   u, up, rho -> lam', g;  lam' = a w^-eps / Q -> a, Q;  a, g -> t'.
   */
  tariffAdjoint(seeds: TariffSeeds, out: Float64Array): void {
    tariffAdjoint(this, seeds, out);
  }

  /**
   * Full analytic Jacobian (row-major N x N) at the last evaluated point, by
   * N Jacobian-vector products on unit vectors: O(N^3 S). Worth it when N is
   * small (strategy on a few economies, LU-based Newton); large worlds use
   * jvp() inside a Krylov solver instead.
   */
  jacobian(J: Float64Array): void {
    jacobianByProducts(this, J);
  }


  /**
   * Diagonal of the Jacobian without income effects:
   * d excess_i / d w_i ~ -(Y_i + (1/w_i) sum_{j,s} eps_s sales_ijs (1 - lam'_ijs)).
   * A cheap, good preconditioner: the own-price effect dominates each row.
   */
  diagonal(out: Float64Array): void {
    const { N, S, a, g, wpow, invQ, w, Ep, L } = this;
    const { beta, world, profitShare } = this.base;
    const eps = world.eps;
    for (let i = 0; i < N; i++) {
      const wi = i * S;
      let d = 0;
      for (let j = 0; j < N; j++) {
        const b = (i * N + j) * S;
        const qj = j * S;
        let r = 0;
        for (let s = 0; s < S; s++) {
          const l = a[b + s] * wpow[wi + s] * invQ[qj + s];
          r += eps[s] * (1 - profitShare[s]) * beta[qj + s] * g[b + s] * l * (1 - l);
        }
        d += r * Ep[j];
      }
      out[i] = -(L[i] + d / w[i]);
    }
  }
}
