/**
 * Restarted GMRES with right preconditioning (Saad & Schultz 1986; Saad,
 * "Iterative Methods for Sparse Linear Systems", Alg. 9.5), for Newton steps
 * on large worlds where forming the Jacobian costs O(N^3 S) but a product with
 * it costs O(N^2 S).
 */

import { KRYLOV_MAX_PRODUCTS, KRYLOV_RESTART } from './tolerances.js';

export interface GmresResult {
  /** Relative residual ||b - A x|| / ||b|| reached. */
  relResidual: number;
  /** Operator applications. */
  products: number;
}

/** A linear operator A of size n with a right preconditioner M^-1. */
export interface PreconditionedOperator {
  n: number;
  /**
   * out = A v. `accuracy` is the relative accuracy this product needs: the solve's tolerance over the residual
   * reached so far (at most 1), so a product late in a solve may be computed inexactly (Simoncini & Szyld 2003,
   * "Theory of inexact Krylov subspace methods"): an operator made of inner solves may loosen them.
   */
  apply: (v: Float64Array, out: Float64Array, accuracy: number) => void;
  /** out = M^-1 v */
  precond: (v: Float64Array, out: Float64Array) => void;
}

export interface GmresOptions {
  /** Relative residual ||b - A x|| / ||b|| to reach. */
  tol: number;
  /** Krylov vectors kept before a restart; default KRYLOV_RESTART. */
  restart?: number;
  /** Cap on operator applications; default KRYLOV_MAX_PRODUCTS. */
  maxProducts?: number;
  /**
   * x is built as a sum of products' inputs: this is told each term, the product (0-based, in the order of `apply`
   * calls) whose input it adds and the coefficient. A caller that computed some other linear map of each input beside
   * the product gets that map of x as the same sum, with no further pass.
   */
  onTerm?: (product: number, coefficient: number) => void;
}

/** Solve A x = b to relative tolerance `tol`, x starting at 0. */
export function gmres(op: PreconditionedOperator, b: Float64Array, x: Float64Array, options: GmresOptions): GmresResult {
  const { n, apply, precond } = op;
  const { tol, restart = KRYLOV_RESTART, maxProducts = KRYLOV_MAX_PRODUCTS, onTerm } = options;
  const m = Math.min(restart, n);
  const { V, Zs, H, cs, sn, gvec, r, y } = workspace(op, n, m);
  x.fill(0);
  const bnorm = norm(b);
  if (bnorm === 0) return { relResidual: 0, products: 0 };
  let products = 0;
  let rel = 1;
  r.set(b);
  while (products < maxProducts) {
    const beta = norm(r);
    rel = beta / bnorm;
    if (rel <= tol) break;
    for (let i = 0; i < n; i++) V[0][i] = r[i] / beta;
    gvec.fill(0);
    gvec[0] = beta;
    const cycleFirst = products;
    let k = 0;
    for (; k < m && products < maxProducts; k++) {
      // Basis vectors are made as the solve first needs them: most solves here take a handful of products.
      V[k + 1] ??= new Float64Array(n);
      Zs[k] ??= new Float64Array(n);
      precond(V[k], Zs[k]);
      apply(Zs[k], V[k + 1], Math.min(1, tol / rel));
      products++;
      const wv = V[k + 1];
      // Modified Gram-Schmidt.
      for (let i = 0; i <= k; i++) {
        const h = dot(wv, V[i]);
        H[i * m + k] = h;
        for (let c = 0; c < n; c++) wv[c] -= h * V[i][c];
      }
      const hk = norm(wv);
      H[(k + 1) * m + k] = hk;
      if (hk > 0) for (let c = 0; c < n; c++) wv[c] /= hk;
      // Apply previous Givens rotations, then a new one to zero H[k+1][k].
      for (let i = 0; i < k; i++) {
        const t = cs[i] * H[i * m + k] + sn[i] * H[(i + 1) * m + k];
        H[(i + 1) * m + k] = -sn[i] * H[i * m + k] + cs[i] * H[(i + 1) * m + k];
        H[i * m + k] = t;
      }
      const a = H[k * m + k];
      const bb = H[(k + 1) * m + k];
      const d = Math.hypot(a, bb);
      cs[k] = d === 0 ? 1 : a / d;
      sn[k] = d === 0 ? 0 : bb / d;
      H[k * m + k] = d;
      H[(k + 1) * m + k] = 0;
      gvec[k + 1] = -sn[k] * gvec[k];
      gvec[k] = cs[k] * gvec[k];
      rel = Math.abs(gvec[k + 1]) / bnorm;
      if (rel <= tol || hk === 0) {
        k++;
        break;
      }
    }
    // Back-substitute H y = g and update x += Z y.
    for (let i = k - 1; i >= 0; i--) {
      let v = gvec[i];
      for (let c = i + 1; c < k; c++) v -= H[i * m + c] * y[c];
      y[i] = H[i * m + i] === 0 ? 0 : v / H[i * m + i];
    }
    for (let i = 0; i < k; i++) {
      for (let c = 0; c < n; c++) x[c] += y[i] * Zs[i][c];
      onTerm?.(cycleFirst + i, y[i]);
    }
    if (rel <= tol) break;
    // Restart from the true residual.
    apply(x, r, tol);
    products++;
    for (let c = 0; c < n; c++) r[c] = b[c] - r[c];
  }
  return { relResidual: rel, products };
}

/** GMRES's buffers, kept per operator: every entry is written before it is read, so nothing is cleared between solves. */
interface Workspace {
  n: number;
  m: number;
  V: Float64Array[];
  Zs: Float64Array[];
  H: Float64Array;
  cs: Float64Array;
  sn: Float64Array;
  gvec: Float64Array;
  r: Float64Array;
  y: Float64Array;
}

/**
 * The inner solves of the input-output model call GMRES thousands of times on the same few operators (a strategic
 * evaluation makes two dozen); allocating a restart's basis (40 vectors) each time cost a fifth of the run.
 * An operator must not start a GMRES solve on itself from inside its own apply or preconditioner.
 */
const workspaces = new WeakMap<PreconditionedOperator, Workspace>();

function workspace(op: PreconditionedOperator, n: number, m: number): Workspace {
  const known = workspaces.get(op);
  if (known && known.n === n && known.m === m) return known;
  const w: Workspace = { n, m, V: [new Float64Array(n)], Zs: [], H: new Float64Array((m + 1) * m), cs: new Float64Array(m), sn: new Float64Array(m), gvec: new Float64Array(m + 1), r: new Float64Array(n), y: new Float64Array(m) };
  workspaces.set(op, w);
  return w;
}

function dot(a: Float64Array, b: Float64Array): number {
  let v = 0;
  for (let i = 0; i < a.length; i++) v += a[i] * b[i];
  return v;
}

function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}
