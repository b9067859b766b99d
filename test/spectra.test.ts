/**
 * Intruder dimensions of real checkpoints: safetensors files written here with planted
 * intruders (test/fixtures/safetensors.ts) are read back through the CLI, which must find
 * exactly the planted number in every layer, from a PEFT adapter and from the merged weights;
 * 16-bit floats decode to known values; a file written by numpy reads identically; every bad
 * file is one line and exit 2.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bf16ToNumber, f16ToNumber } from "../src/spectra/halfFloat.js";
import { openSafetensors, readMatrix } from "../src/spectra/safetensors.js";
import { cli } from "./cli.js";
import { toF16, writePlantedModel, writeSafetensors } from "./fixtures/safetensors.js";

const tmp = () => mkdtempSync(join(tmpdir(), "lowrank-spectra-"));

function expectUsageError(args: string[], pattern: RegExp) {
  const r = cli(args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe("lowrank-lab spectra", () => {
  const dir = tmp();
  const model = writePlantedModel(dir, { planted: [0, 1, 2, 3] });

  it("finds exactly the planted intruders in every layer of a PEFT adapter", () => {
    const out = join(dir, "out");
    const r = cli(["spectra", model.basePath, model.adapterDir, "--json", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.kind).toBe("adapter");
    expect(Object.fromEntries(j.layers.map((l: { layer: string; intruders: number }) => [l.layer, l.intruders]))).toEqual(model.planted);
    // The planted directions have the largest singular values, so they are the top ranks.
    for (const l of j.layers) expect(l.intruderRanks).toEqual(Array.from({ length: l.intruders }, (_, i) => i + 1));
    for (const f of ["layers.csv", "intruders-per-layer.svg", "intruders-per-layer.png", "intruder-ranks.svg", "spectra.json"]) expect(existsSync(join(out, f)), f).toBe(true);
  });

  it("finds the same intruders in the merged (fully fine-tuned) weights, and honours --layers", () => {
    const r = cli(["spectra", model.basePath, model.tunedPath, "--layers", "q_proj", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.kind).toBe("full");
    expect(Object.fromEntries(j.layers.map((l: { layer: string; intruders: number }) => [l.layer, l.intruders]))).toEqual(model.planted);
    expect(j.totalIntruders).toBe(6);
  });

  it("reads half-precision checkpoints (F16 and BF16) to the same verdicts", () => {
    for (const dtype of ["F16", "BF16"] as const) {
      const d = tmp();
      const m = writePlantedModel(d, { planted: [2, 0], dtype });
      const r = cli(["spectra", m.basePath, m.adapterDir, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).layers.map((l: { intruders: number }) => l.intruders), dtype).toEqual([2, 0]);
    }
  });

  it("rejects bad files and bad options in one line", () => {
    const d = tmp();
    const truncated = join(d, "truncated.safetensors");
    writeFileSync(truncated, readFileSync(model.basePath).subarray(0, 2000));
    expectUsageError(["spectra", truncated, model.adapterDir], /truncated\.safetensors is not a readable safetensors file: tensor .* past the end of the file .*truncated\?/);
    const huge = join(d, "huge.safetensors");
    const h = Buffer.alloc(16);
    h.writeBigUInt64LE(10n ** 12n);
    writeFileSync(huge, h);
    expectUsageError(["spectra", huge, model.adapterDir], /header length 1000000000000 is over the format's limit/);
    const ints = join(d, "ints.safetensors");
    writeFileSync(ints, Buffer.concat([Buffer.from([20, 0, 0, 0, 0, 0, 0, 0])]));
    expectUsageError(["spectra", ints, model.adapterDir], /header length 20 runs past the end/);
    const wrongShape = writePlantedModel(tmp(), { planted: [1], n: 48 });
    expectUsageError(["spectra", wrongShape.basePath, model.adapterDir], /is 48×48 in .* but the adapter's B·A for it is 96×96/);
    expectUsageError(["spectra", model.basePath, join(d, "missing")], /missing does not exist/);
    expectUsageError(["spectra", model.basePath, model.adapterDir, "--layers", "("], /--layers \( is not a regular expression/);
    expectUsageError(["spectra", model.basePath, model.adapterDir, "--k", "0"], /k=0 is not allowed/);
    expectUsageError(["spectra", model.basePath, model.tunedPath, "--layers", "nothing-matches"], /no weight matrix to compare matches --layers nothing-matches/);
  });
});

describe("safetensors decoding", () => {
  it("decodes binary16 and bfloat16 bit patterns to their values", () => {
    const f16: Array<[number, number]> = [[0x3c00, 1], [0xc000, -2], [0x7bff, 65504], [0x0001, 2 ** -24], [0x0400, 2 ** -14], [0x3555, 0.333251953125], [0x7c00, Infinity], [0xfc00, -Infinity], [0x8000, -0]];
    for (const [bits, value] of f16) expect(f16ToNumber(bits), bits.toString(16)).toBe(value);
    expect(f16ToNumber(0x7e00)).toBeNaN();
    const bf16: Array<[number, number]> = [[0x3f80, 1], [0xc000, -2], [0x4049, 3.140625], [0x7f80, Infinity], [0x0001, 2 ** -133]];
    for (const [bits, value] of bf16) expect(bf16ToNumber(bits), bits.toString(16)).toBe(value);
    for (const x of [1, -2, 0.5, 65504, 2 ** -24, 0.1]) expect(f16ToNumber(toF16(x))).toBeCloseTo(x, 3);
  });

  it("reads a file written by numpy exactly as numpy wrote it", () => {
    const python = "/usr/bin/python3";
    const hasNumpy = existsSync(python) && spawnSync(python, ["-c", "import numpy"]).status === 0;
    if (!hasNumpy && !process.env.CI) return; // CI installs python3-numpy; elsewhere this check needs it
    const d = tmp();
    const path = join(d, "numpy.safetensors");
    const script = `
import json, struct, sys, numpy as np
rng = np.random.default_rng(3)
arrays = {"w32": rng.standard_normal((3, 5)).astype("<f4"), "w16": rng.standard_normal((4, 2)).astype("<f2"), "w64": rng.standard_normal((2, 2)).astype("<f8")}
names = {"<f4": "F32", "<f2": "F16", "<f8": "F64"}
header, blobs, offset = {}, [], 0
for name, a in arrays.items():
    b = a.tobytes()
    header[name] = {"dtype": names[a.dtype.str], "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
    blobs.append(b); offset += len(b)
h = json.dumps(header).encode()
h += b" " * ((8 - len(h) % 8) % 8)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(h))); f.write(h); [f.write(b) for b in blobs]
print(json.dumps({k: a.astype("f8").ravel().tolist() for k, a in arrays.items()}))`;
    const r = spawnSync(python, ["-c", script, path], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const expected = JSON.parse(r.stdout) as Record<string, number[]>;
    const file = openSafetensors(path);
    for (const [name, values] of Object.entries(expected)) expect(Array.from(readMatrix(file, name).data), name).toEqual(values);
  });

  it("writes and reads back every dtype it writes", () => {
    const path = join(tmp(), "t.safetensors");
    const data = [0.5, -1.25, 3, 1024];
    writeSafetensors(path, { a: { dtype: "F32", shape: [2, 2], data }, b: { dtype: "F16", shape: [1, 4], data }, c: { dtype: "BF16", shape: [4, 1], data } });
    const file = openSafetensors(path);
    for (const name of ["a", "b", "c"]) expect(Array.from(readMatrix(file, name).data)).toEqual(data);
  });
});
