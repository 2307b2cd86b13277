/**
 * The equilibrium system in changes (exact hat algebra, MODEL.md §1): given
 * factor-price changes `what`, evaluate import shares, expenditure, sales and
 * excess demand. Its analytic derivatives live beside it: forward tangents
 * (Jacobian-vector products, tariff tangents) in tangent.ts, the reverse pass
 * over tariffs in adjoint.ts; here the full Jacobian (N products) and the
 * Jacobian's diagonal (the GMRES preconditioner).
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
import { CoreTangents } from './tangent.js';
import { ShockedSystem } from './shocked.js';
import { jacobianByProducts, type MarketSystem } from './residual.js';
import { DIRECT_MAX_N } from '../numeric/tolerances.js';
import type { SecantJacobian } from '../numeric/secant.js';

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

/**
 * What a payoff reads of a solved core system (strategy/gradient.ts): the
 * solution's prices, spending, tariff shares and flows, read-only. Derivatives
 * come from the system's tangents, not from its buffers.
 */
export type CoreSolution = Readonly<Pick<EquilibriumSystem, 'N' | 'S' | 'base' | 'w' | 'L' | 'profit' | 'Ep' | 'rho' | 'u' | 'Q' | 'transfer' | 'sectorSales' | 'touchedColumns'>>;

export class EquilibriumSystem extends ShockedSystem implements MarketSystem {
  /** Monopolistic competition (Ossa 2014): profits enter spending, the wage clears the labour market. */
  readonly krugman: boolean;
  readonly directMaxN = DIRECT_MAX_N;
  readonly dampedStart = true;
  /** dF/dw as last formed and updated since (residual.ts MarketSystem). */
  jacobianEstimate?: SecantJacobian;

  /** @internal (tangent.ts) Y + D, for the proportional rule. */
  readonly YD: Float64Array;

  // State at the last evaluated point (and w, in ShockedSystem).
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
  /** @internal (tangent.ts) */
  readonly ew: Float64Array;
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

  constructor(base: Baseline, tPrime: Float64Array, dhat: Float64Array, rule: DeficitRule) {
    super(base, tPrime, dhat, rule);
    const { N, S } = base;
    this.YD = new Float64Array(N);
    if (base.world.io) throw new Error('a world with input-output links needs IoSystem (model/io-system.ts)');
    this.krugman = base.world.model === 'krugman';
    if (this.krugman && rule === 'proportional') throw new InputError('proportional deficits are not defined for the Krugman model; use fixed or balanced');
    for (let i = 0; i < N; i++) this.YD[i] = base.Y[i] + base.D[i];
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
    this.jacobianEstimate?.moved();
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
      A[j] = (this.rule === 'fixed' ? wy + D[j] : this.rule === 'zero' ? wy : this.kappa * this.w[j] * this.YD[j]) + this.transfer[j];
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

  /** The forward tangents (jvp, tariff tangents), made on first use: tangent.ts. */
  private tangents?: CoreTangents;
  private get tan(): CoreTangents {
    return (this.tangents ??= new CoreTangents(this));
  }

  /** The derivatives of the last jvp() or tariff tangent (views into scratch memory, overwritten by the next call). */
  tangent(): Tangent {
    return this.tan.tangent();
  }

  /** Jacobian-vector product: out = d excess / d w times v at the last evaluated point (tangent.ts). */
  jvp(v: ArrayLike<number>, out: Float64Array): void {
    this.tan.jvp(v, out);
  }

  /** Directional derivative at fixed w along a dense change dt of the tariffs (tangent.ts). */
  tariffTangent(dt: Float64Array): void {
    this.tan.tariffTangent(dt);
  }

  /** Directional derivative at fixed w along a change dT of the transfers received (tangent.ts). */
  transferTangent(dT: ArrayLike<number>): void {
    this.tan.transferTangent(dT);
  }

  /** tariffTangent for a sparse direction: O(N) per touched importer-sector column (tangent.ts). */
  tariffTangentSparse(cells: ArrayLike<number>, vals: ArrayLike<number>): void {
    this.tan.tariffTangentSparse(cells, vals);
  }

  /** sum_s c[n]_s d sales_is along the last tangent, for several weightings at once (tangent.ts). */
  weightedSalesTangent(i: number, c: readonly ArrayLike<number>[], wj: readonly Float64Array[], vi: number, out: Float64Array, rowCells?: ArrayLike<number>, rowValues?: ArrayLike<number>, rowCount = rowCells?.length ?? 0): void {
    this.tan.weightedSalesTangent(i, c, wj, vi, out, rowCells, rowValues, rowCount);
  }

  /** Importer-sector columns ([j][s]) the last sparse tariff tangent touched; null after a jvp. */
  touchedColumns(): Int32Array | null {
    return this.tan.touchedColumns();
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
