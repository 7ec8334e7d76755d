import { DeadweightError } from "../errors.js";

/** The largest finite float16 value. */
export const FLOAT16_MAX = 65504;

const float32 = new Float32Array(1);
const float32Bits = new Uint32Array(float32.buffer);

/**
 * The IEEE 754 half-precision bits nearest to `value` (ties to even, subnormals kept, beyond
 * ±65504 rounding to ±Infinity): the encoding TF.js's float16 weight decoder reverses.
 */
export function float16Bits(value: number): number {
  float32[0] = value;
  const bits = float32Bits[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal half: value = m * 2^-24, m = (1.mantissa) * 2^(halfExponent + 9), rounded.
    const shift = 14 - halfExponent;
    if (shift > 24) return sign;
    return sign | roundShift(mantissa | 0x800000, shift);
  }
  // Rounding may carry into the exponent (and up to Infinity): the bit layout makes that a plain add.
  return sign | ((halfExponent << 10) + roundShift(mantissa, 13));
}

/** x / 2^shift rounded to nearest, ties to even. */
function roundShift(x: number, shift: number): number {
  const quotient = x >>> shift;
  const remainder = x & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return remainder > half || (remainder === half && (quotient & 1) === 1) ? quotient + 1 : quotient;
}

/**
 * Little-endian float16 bytes of `values` (2 per value). Throws INVALID_OPTION naming `tensorName`
 * when a value is not finite or lies beyond float16's range, where it would silently become Infinity.
 */
export function encodeFloat16(values: Float32Array, tensorName: string): Uint8Array {
  const bytes = new Uint8Array(values.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (!Number.isFinite(value) || Math.abs(value) > FLOAT16_MAX) {
      throw new DeadweightError(
        "INVALID_OPTION",
        `weight "${tensorName}"[${i}] is ${value}, outside float16's finite range ±${FLOAT16_MAX}: store this model as float32 or uint8`,
      );
    }
    view.setUint16(i * 2, float16Bits(value), true);
  }
  return bytes;
}
