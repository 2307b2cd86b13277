/**
 * A dense estimate B of a small Jacobian J (n x n), kept close to the exact one
 * from the products with J that a solver computes anyway. Each Jacobian-vector
 * product J v makes B exact along v, and each vector-Jacobian product u' J makes
 * it exact along u, by the least change that does so (Broyden's "good" update,
 * Dennis & Schnabel 1996, §8.1, fed with exact directional derivatives rather
 * than differences). Used as a preconditioner, B turns a Krylov solve at a
 * nearby point into one or two products: the model's equilibria in strategy
 * lie close together and move the Jacobian little.
 */
import { luFactor, luSolve, luSolveTranspose, SingularMatrixError } from './linalg.js';

export class SecantJacobian {
  /** The estimate, row-major. */
  private readonly B: Float64Array;
  private readonly lu: Float64Array;
  private readonly piv: Int32Array;
  private readonly scratch: Float64Array;
  /** True while lu is the factor of B. */
  private factored = false;
  /** B became singular: no solves until set() gives an exact Jacobian again. */
  private singular = false;

  constructor(readonly n: number) {
    this.B = new Float64Array(n * n);
    this.lu = new Float64Array(n * n);
    this.piv = new Int32Array(n);
    this.scratch = new Float64Array(n);
  }

  /** Make B the exact Jacobian J (row-major). */
  set(J: Float64Array): void {
    this.B.set(J);
    this.factored = false;
    this.singular = false;
  }

  /** J v = jv observed: B += (jv - B v) v' / (v' v). */
  observeProduct(v: ArrayLike<number>, jv: ArrayLike<number>): void {
    const { n, B, scratch: r } = this;
    let vv = 0;
    for (let c = 0; c < n; c++) vv += v[c] * v[c];
    if (!(vv > 0)) return;
    for (let i = 0; i < n; i++) {
      let bv = 0;
      for (let c = 0; c < n; c++) bv += B[i * n + c] * v[c];
      r[i] = (jv[i] - bv) / vv;
    }
    for (let i = 0; i < n; i++) {
      const ri = r[i];
      if (ri !== 0) for (let c = 0; c < n; c++) B[i * n + c] += ri * v[c];
    }
    this.factored = false;
  }

  /** u' J = uj' observed: B += u (uj - B' u)' / (u' u). */
  observeTransposeProduct(u: ArrayLike<number>, uj: ArrayLike<number>): void {
    const { n, B, scratch: r } = this;
    let uu = 0;
    for (let i = 0; i < n; i++) uu += u[i] * u[i];
    if (!(uu > 0)) return;
    for (let c = 0; c < n; c++) {
      let bu = 0;
      for (let i = 0; i < n; i++) bu += B[i * n + c] * u[i];
      r[c] = (uj[c] - bu) / uu;
    }
    for (let i = 0; i < n; i++) {
      const ui = u[i];
      if (ui !== 0) for (let c = 0; c < n; c++) B[i * n + c] += ui * r[c];
    }
    this.factored = false;
  }

  /** out = B^-1 v; false (out untouched) when B is singular. */
  solve(v: Float64Array, out: Float64Array): boolean {
    if (!this.factor()) return false;
    luSolve(this.lu, this.n, this.piv, v, out);
    return true;
  }

  /** out = B^-T v; false (out untouched) when B is singular. */
  solveTranspose(v: Float64Array, out: Float64Array): boolean {
    if (!this.factor()) return false;
    luSolveTranspose(this.lu, this.n, this.piv, v, out, this.scratch);
    return true;
  }

  private factor(): boolean {
    if (this.singular) return false;
    if (this.factored) return true;
    this.lu.set(this.B);
    try {
      luFactor(this.lu, this.n, this.piv);
    } catch (e) {
      if (!(e instanceof SingularMatrixError)) throw e;
      this.singular = true;
      return false;
    }
    this.factored = true;
    return true;
  }
}
