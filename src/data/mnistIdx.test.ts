import { describe, expect, it } from "vitest";
import { digitsFromIdx, mnistIdx, parseIdx } from "./mnistIdx.js";

/** A big-endian IDX buffer: magic, dims, then the bytes. */
function idx(magic: number, dims: number[], data: number[]): Uint8Array {
  const buf = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(buf.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  buf.set(data, 4 + 4 * dims.length);
  return buf;
}

describe("mnistIdx", () => {
  it("reads the 60,000 training and 10,000 test digits with pixels in [0, 1] and labels 0..9", () => {
    const train = mnistIdx("train");
    const test = mnistIdx("test");
    expect([train.n, train.X.length, train.y.length]).toEqual([60000, 60000 * 784, 60000]);
    expect([test.n, test.X.length, test.y.length]).toEqual([10000, 10000 * 784, 10000]);
    // The first digits of the database: a 5, 0, 4, 1 in training and a 7, 2, 1, 0 in test.
    expect(Array.from(train.y.subarray(0, 4))).toEqual([5, 0, 4, 1]);
    expect(Array.from(test.y.subarray(0, 4))).toEqual([7, 2, 1, 0]);
    let [lo, hi] = [Infinity, -Infinity];
    for (const x of test.X) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
    expect([lo, hi]).toEqual([0, 1]);
    const counts = new Array(10).fill(0);
    for (const c of train.y) counts[c]++;
    expect(Math.min(...counts)).toBeGreaterThan(5000);
  });

  it("parses each file once per process", () => {
    expect(mnistIdx("test")).toBe(mnistIdx("test"));
  });

  it("reads big-endian dimensions and scales bytes by 1/255", () => {
    const pixels = Array.from({ length: 2 * 784 }, (_, i) => (i === 0 ? 255 : i === 1 ? 51 : 0));
    const d = digitsFromIdx(idx(0x803, [2, 28, 28], pixels), idx(0x801, [2], [3, 9]));
    expect(d.n).toBe(2);
    expect(Array.from(d.y)).toEqual([3, 9]);
    expect(d.X[0]).toBe(1);
    expect(d.X[1]).toBeCloseTo(0.2, 7);
  });

  it("refuses a wrong magic number, a truncated file, mismatched counts and bad labels, in one line each", () => {
    expect(() => parseIdx(idx(0x801, [2], [0, 1]), "images", "x")).toThrow(/^x: not an IDX images file \(magic 0x00000801, expected 0x00000803\)$/);
    expect(() => parseIdx(new Uint8Array(2), "labels", "x")).toThrow(/magic missing/);
    expect(() => parseIdx(idx(0x801, [3], [0, 1]), "labels", "x")).toThrow(/^x: IDX dimensions 3 need 11 bytes, the file has 10$/);
    const images = idx(0x803, [2, 28, 28], new Array(2 * 784).fill(0));
    expect(() => digitsFromIdx(images, idx(0x801, [1], [0]), "m")).toThrow(/^m: 2 images but 1 labels$/);
    expect(() => digitsFromIdx(images, idx(0x801, [2], [0, 12]), "m")).toThrow(/label 12 at 1, expected 0\.\.9/);
    expect(() => digitsFromIdx(idx(0x803, [1, 20, 20], new Array(400).fill(0)), idx(0x801, [1], [0]), "m")).toThrow(/20×20, expected 28×28/);
  });
});
