/**
 * A dense estimate B of a small Jacobian J (n x n), kept close to the exact one
 * from the products with J that a solver computes anyway. Each Jacobian-vector
 * product J v makes B exact along v, and each vector-Jacobian product u' J makes
 * it exact along u, by the least change that does so (Broyden's "good" update,
 * Dennis & Schnabel 1996, §8.1, fed with exact directional derivatives rather
 * than differences). Products at the same point are combined: each update
 * leaves B exact along the directions observed there before (a multi-secant
 * update, the new direction orthogonalised against them), so one Krylov solve's
 * products serve the next solve at that point whole. Used as a preconditioner,
 * B turns a Krylov solve at a nearby point into one or two products: the
 * model's equilibria in strategy lie close together and move the Jacobian little.
 */
import { luFactor, luSolve, luSolveTranspose, SingularMatrixError } from './linalg.js';

/** A direction with less than this share of its length outside those already observed at a point adds nothing. */
const NEW_DIRECTION = 1e-8;

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
  /** Orthonormal bases of the directions observed at the current point: columns (J v) and rows (u' J). */
  private readonly columns: Float64Array[] = [];
  private readonly rows: Float64Array[] = [];

  constructor(readonly n: number) {
    this.B = new Float64Array(n * n);
    this.lu = new Float64Array(n * n);
    this.piv = new Int32Array(n);
    this.scratch = new Float64Array(n);
  }

  /** Make B the exact Jacobian J (row-major) at the current point. */
  set(J: Float64Array): void {
    this.B.set(J);
    this.factored = false;
    this.singular = false;
    this.moved();
  }

  /** The Jacobian's point changed: products from now on are of a new Jacobian, and may overrule the old ones. */
  moved(): void {
    this.columns.length = 0;
    this.rows.length = 0;
  }

  /** J v = jv observed: B += (jv - B v) d' / (d' v), d = v less its part along the columns observed here. */
  observeProduct(v: ArrayLike<number>, jv: ArrayLike<number>): void {
    this.update(v, jv, this.columns, false);
  }

  /** u' J = uj' observed: B += d (uj - B' u)' / (d' u), d = u less its part along the rows observed here. */
  observeTransposeProduct(u: ArrayLike<number>, uj: ArrayLike<number>): void {
    this.update(u, uj, this.rows, true);
  }

  /** The update of B (transposed: of B') that makes it map v to jv, along v's new direction. */
  private update(v: ArrayLike<number>, jv: ArrayLike<number>, basis: Float64Array[], transposed: boolean): void {
    const { n, B, scratch: r } = this;
    const d = this.newDirection(v, basis);
    if (!d) return;
    // Entry (i, c) of B, or of B' when transposed.
    const at = transposed ? (i: number, c: number) => c * n + i : (i: number, c: number) => i * n + c;
    let dv = 0;
    for (let c = 0; c < n; c++) dv += d[c] * v[c];
    for (let i = 0; i < n; i++) {
      let bv = 0;
      for (let c = 0; c < n; c++) bv += B[at(i, c)] * v[c];
      r[i] = (jv[i] - bv) / dv;
    }
    for (let i = 0; i < n; i++) {
      const ri = r[i];
      if (ri !== 0) for (let c = 0; c < n; c++) B[at(i, c)] += ri * d[c];
    }
    this.factored = false;
  }

  /**
   * v orthogonalised against the basis (twice, for rounding), normalised and added to it; undefined when v adds
   * no new direction (zero, or within rounding of the span already observed).
   */
  private newDirection(v: ArrayLike<number>, basis: Float64Array[]): Float64Array | undefined {
    const { n } = this;
    const d = Float64Array.from({ length: n }, (_, k) => v[k]);
    let size = 0;
    for (let k = 0; k < n; k++) size += d[k] * d[k];
    if (!(size > 0) || basis.length >= n) return undefined;
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        let h = 0;
        for (let k = 0; k < n; k++) h += q[k] * d[k];
        for (let k = 0; k < n; k++) d[k] -= h * q[k];
      }
    }
    let left = 0;
    for (let k = 0; k < n; k++) left += d[k] * d[k];
    if (!(left > NEW_DIRECTION * NEW_DIRECTION * size)) return undefined;
    const norm = Math.sqrt(left);
    for (let k = 0; k < n; k++) d[k] /= norm;
    basis.push(d);
    return d;
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
