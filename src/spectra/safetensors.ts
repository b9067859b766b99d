/**
 * A reader of the safetensors format (Hugging Face): an 8-byte little-endian header length N,
 * N bytes of JSON naming each tensor's dtype, shape and byte range, then the raw little-endian
 * data. Only the header is read when a file is opened; each tensor is read when asked for, so a
 * checkpoint larger than memory is analysed one tensor at a time.
 *
 * Every way a file can be wrong (truncated, a header that is too long or not JSON, a tensor whose
 * bytes lie outside the file or do not match its shape, a dtype we do not decode) is a
 * UsageError naming the file and the tensor.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { UsageError } from "../compute/usageError.js";
import type { Matrix } from "../linalg/matrix.js";
import { bf16ToNumber, f16Lookup } from "./halfFloat.js";

/** Dtypes decoded to Float64; others (integers, bool, fp8) are listed but cannot be read. */
const bytesPerEntry = { F64: 8, F32: 4, F16: 2, BF16: 2 } as const;
export type FloatDtype = keyof typeof bytesPerEntry;

/** The format's own cap on the header (100 MB), so a corrupt length cannot make us read gigabytes. */
const MAX_HEADER_BYTES = 100_000_000;

export interface TensorEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Byte range in the file (absolute, header included). */
  start: number;
  end: number;
}

export interface SafetensorsFile {
  path: string;
  metadata: Record<string, string>;
  tensors: Map<string, TensorEntry>;
}

function bad(path: string, why: string): never {
  throw new UsageError(`${path} is not a readable safetensors file: ${why}`);
}

function readExactly(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** Reads the header of `path`: names, dtypes, shapes and byte ranges, checked against the file's size. */
export function openSafetensors(path: string): SafetensorsFile {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new UsageError(`cannot open ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    const size = fstatSync(fd).size;
    if (size < 8) bad(path, `it is ${size} bytes, shorter than the 8-byte header length`);
    const n = Number(readExactly(fd, 8, 0).readBigUInt64LE(0));
    if (n > MAX_HEADER_BYTES) bad(path, `its header length ${n} is over the format's limit of ${MAX_HEADER_BYTES} bytes`);
    if (8 + n > size) bad(path, `its header length ${n} runs past the end of the file (${size} bytes): truncated?`);
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(readExactly(fd, n, 8).toString("utf8"));
    } catch (e) {
      bad(path, `its header is not JSON (${(e as Error).message})`);
    }
    if (!header || typeof header !== "object" || Array.isArray(header)) bad(path, "its header is not a JSON object");
    const tensors = new Map<string, TensorEntry>();
    let metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(header)) {
      if (name === "__metadata__") {
        metadata = (value ?? {}) as Record<string, string>;
        continue;
      }
      const t = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      const offsets = t?.data_offsets;
      if (typeof t?.dtype !== "string" || !Array.isArray(t.shape) || !Array.isArray(offsets) || offsets.length !== 2) {
        bad(path, `tensor '${name}' lacks dtype, shape or data_offsets`);
      }
      const shape = t.shape as number[];
      const [begin, finish] = offsets as number[];
      if (!shape.every((d) => Number.isInteger(d) && d >= 0)) bad(path, `tensor '${name}' has shape ${JSON.stringify(shape)}`);
      if (!(Number.isInteger(begin) && Number.isInteger(finish) && 0 <= begin && begin <= finish)) bad(path, `tensor '${name}' has data_offsets ${JSON.stringify(offsets)}`);
      const start = 8 + n + begin;
      const end = 8 + n + finish;
      if (end > size) bad(path, `tensor '${name}' ends at byte ${end}, past the end of the file (${size} bytes): truncated?`);
      const width = bytesPerEntry[t.dtype as FloatDtype];
      const entries = shape.reduce((a, b) => a * b, 1);
      if (width !== undefined && entries * width !== finish - begin) {
        bad(path, `tensor '${name}' is ${t.dtype} of shape [${shape.join(", ")}] (${entries * width} bytes) but holds ${finish - begin} bytes`);
      }
      tensors.set(name, { name, dtype: t.dtype, shape, start, end });
    }
    return { path, metadata, tensors };
  } finally {
    closeSync(fd);
  }
}

/** Decodes little-endian F64/F32/F16/BF16 bytes into Float64. */
export function decode(bytes: Buffer, dtype: string, where: string): Float64Array {
  const width = bytesPerEntry[dtype as FloatDtype];
  if (width === undefined) throw new UsageError(`${where}: dtype ${dtype} is not supported; allowed: ${Object.keys(bytesPerEntry).join(", ")}`);
  const n = bytes.length / width;
  const out = new Float64Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype as FloatDtype) {
    case "F64":
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
      break;
    case "F32":
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case "F16": {
      const table = f16Lookup();
      for (let i = 0; i < n; i++) out[i] = table[view.getUint16(2 * i, true)];
      break;
    }
    case "BF16":
      for (let i = 0; i < n; i++) out[i] = bf16ToNumber(view.getUint16(2 * i, true));
      break;
  }
  return out;
}

/** Reads one 2-D tensor as a Float64 Matrix (rows = shape[0]); only its own bytes are read. */
export function readMatrix(file: SafetensorsFile, name: string): Matrix {
  const t = file.tensors.get(name);
  if (!t) throw new UsageError(`${file.path} has no tensor '${name}'`);
  if (t.shape.length !== 2) throw new UsageError(`${file.path}: tensor '${name}' has shape [${t.shape.join(", ")}]; a weight matrix is 2-D`);
  const fd = openSync(file.path, "r");
  try {
    const bytes = readExactly(fd, t.end - t.start, t.start);
    if (bytes.length !== t.end - t.start) bad(file.path, `tensor '${name}' is cut short: truncated?`);
    // Not matrix(): it would copy, and a layer of a large model is hundreds of megabytes.
    return { rows: t.shape[0], cols: t.shape[1], data: decode(bytes, t.dtype, `${file.path}: tensor '${name}'`) };
  } finally {
    closeSync(fd);
  }
}
