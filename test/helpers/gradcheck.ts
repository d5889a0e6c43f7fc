// Finite-difference gradient check for CPU reference backward functions.
// The scalar probed is L = sum(out * w) for a fixed random w, so dout = w. Central differences in
// float32 are noisy, so a handful of random coordinates per input are probed with a moderate eps.

import { mulberry32 } from '../../src/util/rng';
import { assertClose } from './compare';

export interface GradCase {
  name: string;
  /** Inputs to perturb (modified in place during the check, restored after). */
  inputs: Record<string, Float32Array>;
  /** Analytic gradients of L for each input in `inputs`, same keys. */
  analytic: Record<string, Float32Array>;
  /** Recomputes L from the current input values. */
  loss: () => number;
  eps?: number;
  atol?: number;
  rtol?: number;
  probes?: number; // coordinates probed per input
  seed?: number;
}

export function gradCheck(c: GradCase): void {
  const eps = c.eps ?? 1e-2;
  const rng = mulberry32(c.seed ?? 7);
  for (const key of Object.keys(c.inputs)) {
    const x = c.inputs[key];
    const g = c.analytic[key];
    const n = Math.min(c.probes ?? 12, x.length);
    const idx = new Set<number>();
    while (idx.size < n) idx.add(Math.floor(rng() * x.length));
    const got: number[] = [];
    const want: number[] = [];
    for (const i of idx) {
      const orig = x[i];
      x[i] = orig + eps;
      const lp = c.loss();
      x[i] = orig - eps;
      const lm = c.loss();
      x[i] = orig;
      want.push((lp - lm) / (2 * eps));
      got.push(g[i]);
    }
    assertClose(`${c.name} d${key}`, got, want, c.atol ?? 2e-3, c.rtol ?? 3e-2);
  }
}

/** Dot product helper: L = sum(out * w). */
export function weightedSum(out: Float32Array, w: Float32Array): number {
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i] * w[i];
  return s;
}
