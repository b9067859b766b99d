/**
 * Seeded random numbers. Every experiment draws from an `Rng` built from its `seed`, so the
 * same seed gives the same numbers on every backend: tensors are filled from these draws
 * rather than from tfjs's own seeded ops, whose streams differ between backends.
 */
export interface Rng {
  /** The seed this generator started from. */
  readonly seed: number;
  /** Uniform on [0, 1), 53 bits of randomness. */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Integer uniform on [0, n). */
  int(n: number): number;
  /** `n` independent N(0, std²) draws. */
  normals(n: number, std?: number): Float64Array;
  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array;
  /** An independent child generator, so sub-tasks do not disturb each other's streams. */
  fork(label: string | number): Rng;
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128-bit state, passes PractRand. */
function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}

/** splitmix32, to spread a small integer seed over the 128-bit sfc32 state. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashLabel(label: string | number): number {
  const s = String(label);
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A generator seeded by `seed` (any integer; the same seed gives the same stream). */
export function rng(seed: number): Rng {
  const mix = splitmix32(seed);
  const next = sfc32(mix(), mix(), mix(), mix());
  for (let i = 0; i < 12; i++) next(); // discard the warm-up outputs
  let spare: number | undefined;
  const uniform = () => (next() * 2 ** 21 + (next() >>> 11)) / 2 ** 53;
  const normal = () => {
    if (spare !== undefined) {
      const z = spare;
      spare = undefined;
      return z;
    }
    // Box–Muller; 1 - u keeps the log argument in (0, 1].
    const u = 1 - uniform();
    const v = uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
  return {
    seed,
    uniform,
    normal,
    int: (n) => Math.floor(uniform() * n),
    normals(n, std = 1) {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = std * normal();
      return out;
    },
    permutation(n) {
      const p = new Int32Array(n);
      for (let i = 0; i < n; i++) p[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(uniform() * (i + 1));
        const t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      return p;
    },
    fork: (label) => rng((Math.imul(seed | 0, 0x2c1b3c6d) ^ hashLabel(label)) >>> 0),
  };
}
