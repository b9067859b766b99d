/**
 * Adam (Kingma & Ba 2015, Algorithm 1) on a plain typed array, for parameters that live outside
 * tfjs (a subspace's θ_d, Float64 factors): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * x ← x − η·m̂/(√v̂ + ε) with the bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
 * Networks in tfjs use `tf.train.adam` through `trainLoop` instead.
 */
export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export interface AdamState {
  /** Steps taken so far. */
  t: number;
  step(x: Float32Array | Float64Array, g: ArrayLike<number>, lr: number): void;
}

export function adam(size: number, o: AdamOptions = {}): AdamState {
  const beta1 = o.beta1 ?? 0.9, beta2 = o.beta2 ?? 0.999, eps = o.eps ?? 1e-8;
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const state: AdamState = {
    t: 0,
    step(x, g, lr) {
      state.t++;
      const c1 = 1 - beta1 ** state.t;
      const c2 = 1 - beta2 ** state.t;
      for (let j = 0; j < size; j++) {
        m[j] = beta1 * m[j] + (1 - beta1) * g[j];
        v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
        x[j] -= (lr * (m[j] / c1)) / (Math.sqrt(v[j] / c2) + eps);
      }
    },
  };
  return state;
}
