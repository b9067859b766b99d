/**
 * The 16-bit floats checkpoints are stored in, decoded to numbers: IEEE 754 binary16 (F16: 1
 * sign, 5 exponent, 10 fraction bits) and bfloat16 (BF16: the top 16 bits of a float32).
 */

/** One binary16 bit pattern → its value (subnormals, ±Infinity and NaN included). */
export function f16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal: 0.fraction × 2^-14
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** One bfloat16 bit pattern → its value: it is exactly the float32 with these as its top bits. */
export function bf16ToNumber(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0];
}

/** binary16 values are few (65,536): a table makes decoding a large tensor one lookup per entry. */
let f16Table: Float64Array | undefined;
export function f16Lookup(): Float64Array {
  if (!f16Table) {
    f16Table = new Float64Array(65536);
    for (let b = 0; b < 65536; b++) f16Table[b] = f16ToNumber(b);
  }
  return f16Table;
}
