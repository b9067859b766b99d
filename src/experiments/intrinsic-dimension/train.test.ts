import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, tf } from "../../compute/backend.js";
import { rng } from "../../compute/rng.js";
import { loadMnist, take } from "./data.js";
import { fcNet, initTheta, leNet, type Net } from "./model.js";
import { denseProjection, fastfoodProjection } from "./projection.js";
import { lossAndGrad, trainSubspaces } from "./train.js";

beforeAll(async () => {
  await initBackend();
});

const batch = (n: number) => {
  const d = take(loadMnist().train, n);
  return { X: Float32Array.from(d.X), y: Int32Array.from(d.y) };
};

/**
 * Central differences on a few coordinates of every layer, against the analytic ∂L/∂θ. Biases
 * start off zero here: with zero biases every unit that sees a blank patch of an MNIST digit sits
 * exactly on its ReLU kink, where a central difference averages the two one-sided slopes. Kinks
 * crossed within ±h can still spoil a quotient now and then, so each layer needs most of its
 * coordinates, not all, to agree within 3%.
 */
async function layerAgreement(net: Net, seed: number): Promise<Array<{ layer: string; ok: number; of: number }>> {
  const { X, y } = batch(16);
  const theta = initTheta(net, rng(seed));
  const jitter = rng(seed + 2);
  let b = 0;
  for (const l of net.layers) {
    const size = l.shape.reduce((a, c) => a * c, 1);
    if (!l.decay) for (let i = b; i < b + size; i++) theta[i] = 0.1 * jitter.normal();
    b += size;
  }
  const grad = new Float32Array(net.D);
  await lossAndGrad(net, [theta], X, y, 0, [grad]);
  const h = 1e-3;
  const fd = async (i: number) => {
    const at = async (s: number) => {
      const t = theta.slice();
      t[i] += s * h;
      return (await lossAndGrad(net, [t], X, y, 0, [new Float32Array(net.D)]))[0];
    };
    return ((await at(1)) - (await at(-1))) / (2 * h);
  };
  const r = rng(seed + 1);
  let o = 0;
  const out: Array<{ layer: string; ok: number; of: number }> = [];
  for (const l of net.layers) {
    const size = l.shape.reduce((a, b) => a * b, 1);
    const picked: number[] = [];
    for (let tries = 0; tries < 2000 && picked.length < 5; tries++) {
      const i = o + r.int(size);
      if (Math.abs(grad[i]) > 1e-3 && !picked.includes(i)) picked.push(i);
    }
    o += size;
    let ok = 0;
    for (const i of picked) if (Math.abs((await fd(i)) - grad[i]) <= 0.03 * Math.abs(grad[i]) + 1e-4) ok++;
    out.push({ layer: l.name, ok, of: picked.length });
  }
  return out;
}

describe("the networks' hand-written gradients", () => {
  it("FC: ∂L/∂θ of every layer matches central differences", async () => {
    for (const x of await layerAgreement(fcNet(8, 2), 1)) expect(x.ok, x.layer).toBeGreaterThanOrEqual(Math.ceil(0.6 * x.of));
  });

  it("LeNet: ∂L/∂θ of every layer, through both convolutions, matches central differences", async () => {
    for (const x of await layerAgreement(leNet(0.25), 2)) expect(x.ok, x.layer).toBeGreaterThanOrEqual(Math.ceil(0.6 * x.of));
  });

  it("FC: K stacked networks get the same losses and gradients as each alone", async () => {
    const net = fcNet(6, 2);
    const { X, y } = batch(8);
    const thetas = [0, 1, 2].map((s) => initTheta(net, rng(10 + s)));
    const stacked = thetas.map(() => new Float32Array(net.D));
    const lossK = await lossAndGrad(net, thetas, X, y, 1e-3, stacked);
    for (const [k, theta] of thetas.entries()) {
      const alone = new Float32Array(net.D);
      const [loss] = await lossAndGrad(net, [theta], X, y, 1e-3, [alone]);
      expect(lossK[k]).toBeCloseTo(loss, 5);
      for (let i = 0; i < net.D; i += 7) expect(stacked[k][i]).toBeCloseTo(alone[i], 5);
    }
  });
});

describe("subspace training θ = θ₀ + P·θ_d (Li et al. 2018, §2)", () => {
  it("moves θ only inside the span of P and leaves θ₀ untouched", async () => {
    const net = fcNet(8, 1);
    const theta0 = initTheta(net, rng(3));
    const before = theta0.slice();
    const P = fastfoodProjection(net.D, 20, rng(4));
    const data = loadMnist();
    const [r] = await trainSubspaces(net, [P], theta0, take(data.train, 256), take(data.val, 200), { steps: 20, batch: 32, lr: 0.05, l2: 1e-5 }, rng(5));
    expect(theta0).toEqual(before);
    const Pv = new Float32Array(net.D);
    P.apply(r.thetaD, Pv);
    let moved = 0;
    for (let i = 0; i < net.D; i++) {
      expect(r.theta[i] - theta0[i]).toBeCloseTo(Pv[i], 5);
      moved += (r.theta[i] - theta0[i]) ** 2;
    }
    expect(Math.sqrt(moved)).toBeGreaterThan(0.01);
  });

  it("gets ∂L/∂θ_d = Pᵀ·∂L/∂θ, which matches central differences in θ_d", async () => {
    const net = fcNet(8, 1);
    const { X, y } = batch(16);
    const theta0 = initTheta(net, rng(6));
    const d = 6;
    const P = denseProjection(net.D, d, rng(7));
    const thetaD = Float32Array.from(rng(8).normals(d, 0.3));
    const thetaOf = (v: Float32Array) => {
      const t = new Float32Array(net.D);
      P.apply(v, t);
      return t.map((x, i) => x + theta0[i]);
    };
    const g = new Float32Array(net.D);
    await lossAndGrad(net, [thetaOf(thetaD)], X, y, 0, [g]);
    const gd = new Float32Array(d);
    P.applyT(g, gd);
    const h = 1e-2;
    for (let j = 0; j < d; j++) {
      const at = async (s: number) => {
        const v = thetaD.slice();
        v[j] += s * h;
        return (await lossAndGrad(net, [thetaOf(v)], X, y, 0, [new Float32Array(net.D)]))[0];
      };
      const fd = ((await at(1)) - (await at(-1))) / (2 * h);
      expect(Math.abs(fd - gd[j])).toBeLessThan(0.03 * Math.abs(gd[j]) + 2e-3);
    }
  });

  it("frees every tensor it makes", async () => {
    const before = tf.memory().numTensors;
    const net = leNet(0.25);
    const data = loadMnist();
    await trainSubspaces(net, [fastfoodProjection(net.D, 10, rng(9))], initTheta(net, rng(9)), take(data.train, 64), take(data.val, 100), { steps: 3, batch: 16, lr: 0.01, l2: 1e-5 }, rng(9));
    expect(tf.memory().numTensors).toBe(before);
  });
});
