import { thrownDeadweightError } from "@deadweight/test-support";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { quantizeUint8 } from "../../src/bundle/uint8-quantization.js";
import { randomFeatures } from "../synthetic-datasets.js";

/** Dequantises with TF.js's own weight decoder (q * scale + min, stored as float32). */
function decodeWithTfjs(bytes: Uint8Array, scale: number, min: number): Float32Array {
  const decoded = tf.io.decodeWeights(bytes.slice().buffer, [
    { name: "w", shape: [bytes.length], dtype: "float32", quantization: { dtype: "uint8", scale, min } },
  ]);
  const values = decoded.w?.dataSync() as Float32Array;
  tf.dispose(Object.values(decoded));
  return values;
}

describe("quantizeUint8", () => {
  it("maps the tensor's range onto 0..255 with min = its smallest value and scale = range / 255", () => {
    // Range [-1, 1.55]: scale 2.55 / 255 = 0.01, so 0 is step 100 and 0.5 is step 150.
    const values = Float32Array.from([-1, 0, 0.5, 1.55]);
    const { bytes, scale, min } = quantizeUint8(values, "w");
    expect(min).toBe(-1);
    // Exact up to the float32 rounding of 1.55 (1.5499999523...): 6 significant digits.
    expect(scale).toBeCloseTo(0.01, 9);
    expect([...bytes]).toEqual([0, 100, 150, 255]);
  });

  it("brings every value back through TF.js within scale / 2", () => {
    const values = randomFeatures(1000, 1, 9, -0.7, 0.3);
    const { bytes, scale, min } = quantizeUint8(values, "w");
    const decoded = decodeWithTfjs(bytes, scale, min);
    let largest = 0;
    for (const value of values) largest = Math.max(largest, Math.abs(value));
    for (let i = 0; i < values.length; i++) {
      // Nearest of 256 evenly spaced steps: at most half a step away, plus the float32 rounding of
      // q * scale + min (half an ulp at the tensor's largest magnitude, 2^-24 x |w|max).
      expect(Math.abs((decoded[i] as number) - (values[i] as number))).toBeLessThanOrEqual(
        scale / 2 + largest * 2 ** -24,
      );
    }
    // The ends of the range are steps 0 and 255 and come back (almost) exactly.
    expect(Math.min(...bytes)).toBe(0);
    expect(Math.max(...bytes)).toBe(255);
  });

  it("stores a constant tensor (a zero bias) exactly, with scale 1", () => {
    const { bytes, scale, min } = quantizeUint8(Float32Array.from([0.25, 0.25, 0.25]), "b");
    expect({ scale, min, bytes: [...bytes] }).toEqual({ scale: 1, min: 0.25, bytes: [0, 0, 0] });
    expect([...decodeWithTfjs(bytes, scale, min)]).toEqual([0.25, 0.25, 0.25]);
  });

  it("refuses a non-finite weight, naming it", () => {
    const error = thrownDeadweightError(() => quantizeUint8(Float32Array.from([0, Number.NaN]), "logits/bias"));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain('weight "logits/bias"[1] is NaN');
  });
});
