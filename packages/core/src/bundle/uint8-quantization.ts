import { DeadweightError } from "../errors.js";

/**
 * One tensor quantised to uint8 the way TF.js's loader reads it back: value ≈ q * scale + min, with
 * q in 0..255. min and scale are per tensor.
 */
export interface Uint8Quantization {
  readonly bytes: Uint8Array;
  readonly scale: number;
  readonly min: number;
}

/**
 * Affine uint8 quantisation over the tensor's own range: min is its smallest value, scale spreads
 * [min, max] over 255 steps, each value goes to the nearest step, so it comes back within scale / 2.
 * A constant tensor gets scale 1 and comes back exactly. Throws INVALID_OPTION on a non-finite value.
 */
export function quantizeUint8(values: Float32Array, tensorName: string): Uint8Quantization {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (!Number.isFinite(value)) {
      throw new DeadweightError(
        "INVALID_OPTION",
        `weight "${tensorName}"[${i}] is ${value}; only finite weights can be quantised to uint8`,
      );
    }
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const bytes = new Uint8Array(values.length);
  if (values.length === 0) return { bytes, scale: 1, min: 0 };
  if (max === min) return { bytes, scale: 1, min };
  const scale = (max - min) / 255;
  for (let i = 0; i < values.length; i++) {
    // Clamped: float rounding can put the largest value a hair above step 255.
    bytes[i] = Math.min(255, Math.max(0, Math.round(((values[i] as number) - min) / scale)));
  }
  return { bytes, scale, min };
}
