/**
 * The forward tangents of the core equation system (system.ts): Jacobian-
 * vector products in the factor prices (Newton-GMRES, the adjoint's dF/dw)
 * and directional derivatives in the tariffs at fixed w (strategy's dF/dt),
 * with the scratch memory they reuse. One per system, made on first use;
 * the system's jvp(), tariffTangent() and tangent() delegate here.
 */
import { luSolve } from '../numeric/linalg.js';
import type { EquilibriumSystem, Tangent } from './system.js';

export class CoreTangents {
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

  constructor(private readonly sys: EquilibriumSystem) {}

  /** Solve for dE' given the right-hand side r = dA + E' drho + (profit terms at fixed E'), in place. */
  private solveDE(r: Float64Array, out: Float64Array): void {
    const { N, rho } = this.sys;
    if (this.sys.krugman) luSolve(this.sys.M, N, this.sys.piv, r, out);
    else for (let j = 0; j < N; j++) out[j] = r[j] / (1 - rho[j]);
  }

  /** d A_j along direction v (spending before tariff revenue). */
  private dA(v: ArrayLike<number>, out: Float64Array): void {
    const { N, w, YD, L } = this.sys;
    const Y = this.sys.base.Y;
    if (this.sys.rule !== 'proportional') {
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
    const dkappa = (dNum - this.sys.kappa * dDen) / S2;
    for (let j = 0; j < N; j++) out[j] = this.sys.kappa * YD[j] * v[j] + w[j] * YD[j] * dkappa;
  }

  private getScratch() {
    const { N, S } = this.sys;
    if (this.scratch) return this.scratch;
    const q = new Float64Array(N * N);
    return (this.scratch = {
      pbar: new Float64Array(N * S),
      q,
      du: q,
      qp: new Float64Array(this.sys.krugman ? N * N : 0),
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
    const { N, u, up, Ep, L } = this.sys;
    const { q, qp, rhs, dRho, dE, dExcess, dProfit } = this.getScratch();
    const krugman = this.sys.krugman;
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
    const { N, S, a, g, wpow, invQ, cb, ew, w } = this.sys;
    const NS = N * S;
    const { pbar, q, qp, dRho, rhs } = this.getScratch();
    const profitShare = this.sys.base.profitShare;
    const krugman = this.sys.krugman;
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
    const eps = this.sys.base.world.eps;
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
    const { N, S, a, g, wpow, invQ, tPrime } = this.sys;
    const { beta, world, profitShare } = this.sys.base;
    const eps = world.eps;
    const krugman = this.sys.krugman;
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

  /**
   * Directional derivative at fixed w along a change dT of the transfers each economy receives: spending moves
   * (dA = dT) at unchanged prices and shares, so only dE', profits and sales follow.
   */
  transferTangent(dT: ArrayLike<number>): void {
    const { N } = this.sys;
    const { q, qp, dRho, dlnQ, rhs } = this.getScratch();
    dlnQ.fill(0);
    dRho.fill(0);
    q.fill(0);
    if (this.sys.krugman) qp.fill(0);
    for (let j = 0; j < N; j++) rhs[j] = dT[j];
    this.finishTangent(null);
    this.touched = null;
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
    const { N, S, a, g, wpow, cb, Ep, w, tPrime } = this.sys;
    const eps = this.sys.base.world.eps;
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
}
