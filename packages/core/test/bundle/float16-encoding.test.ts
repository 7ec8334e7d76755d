import { thrownDeadweightError } from "@deadweight/test-support";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { encodeFloat16, FLOAT16_MAX, float16Bits } from "../../src/bundle/float16-encoding.js";
import { randomFeatures } from "../synthetic-datasets.js";

/** Decodes little-endian float16 bytes with TF.js's own weight decoder: the reader that matters. */
function decodeWithTfjs(bytes: Uint8Array, count: number): Float32Array {
  const decoded = tf.io.decodeWeights(bytes.slice().buffer, [
    { name: "w", shape: [count], dtype: "float32", quantization: { dtype: "float16" } },
  ]);
  const values = decoded.w?.dataSync() as Float32Array;
  tf.dispose(Object.values(decoded));
  return values;
}

describe("float16Bits", () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [FLOAT16_MAX, 0x7bff],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [3 * 2 ** -24, 0x0003],
    [1 / 3, 0x3555], // 0.333251953125, the nearest half
    [Number.POSITIVE_INFINITY, 0x7c00],
    [Number.NEGATIVE_INFINITY, 0xfc00],
  ])("encodes %s as the IEEE half bits %i", (value, bits) => {
    expect(float16Bits(value)).toBe(bits);
  });

  it("rounds to nearest with ties to even, in normals, subnormals and at the top of the range", () => {
    // Halfway between 1 (even mantissa 0) and 1 + 2^-10: down to 1.
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00);
    // Halfway between 1 + 2^-10 (odd) and 1 + 2^-9: up to the even one.
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    // Just above halfway: up.
    expect(float16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    // Subnormals: 2^-25 is halfway between 0 and 2^-24 -> 0; 1.5 * 2^-24 is halfway between 1 and 2 (x 2^-24) -> 2.
    expect(float16Bits(2 ** -25)).toBe(0x0000);
    expect(float16Bits(1.5 * 2 ** -24)).toBe(0x0002);
    expect(float16Bits(2 ** -25 + 2 ** -40)).toBe(0x0001);
    // Rounding up out of the subnormals gives the smallest normal.
    expect(float16Bits(2 ** -14 - 2 ** -26)).toBe(0x0400);
    // 65520 is halfway between 65504 and 65536 (not representable): ties to even -> Infinity.
    expect(float16Bits(65519)).toBe(0x7bff);
    expect(float16Bits(65520)).toBe(0x7c00);
  });

  it("encodes NaN as a NaN", () => {
    const bits = float16Bits(Number.NaN);
    expect(bits & 0x7c00).toBe(0x7c00);
    expect(bits & 0x3ff).not.toBe(0);
  });
});

describe("encodeFloat16", () => {
  it("writes 2 little-endian bytes per value", () => {
    expect([...encodeFloat16(Float32Array.from([1, -2]), "w")]).toEqual([0x00, 0x3c, 0x00, 0xc0]);
  });

  it("comes back through TF.js's decoder within float16's relative precision 2^-11", () => {
    const values = randomFeatures(500, 1, 5, -3, 3);
    const decoded = decodeWithTfjs(encodeFloat16(values, "w"), values.length);
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as number;
      // Round to nearest: half a unit in the last place of a 10-bit mantissa, 2^-11 relative,
      // except below 2^-14 where the subnormal spacing 2^-24 sets an absolute bound of 2^-25.
      expect(Math.abs((decoded[i] as number) - value)).toBeLessThanOrEqual(
        Math.max(Math.abs(value) * 2 ** -11, 2 ** -25),
      );
    }
  });

  it("reproduces exactly the values float16 can hold", () => {
    const exact = Float32Array.from([0, 1, -1, 0.5, 0.25, 1024, FLOAT16_MAX, -FLOAT16_MAX, 2 ** -24, 2 ** -14]);
    expect(decodeWithTfjs(encodeFloat16(exact, "w"), exact.length)).toEqual(exact);
  });

  it("refuses values beyond float16's range, naming the weight, instead of storing Infinity", () => {
    const error = thrownDeadweightError(() => encodeFloat16(Float32Array.from([1, 70000]), "hidden_1/kernel"));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain('weight "hidden_1/kernel"[1] is 70000, outside float16\'s finite range ±65504');
    expect(thrownDeadweightError(() => encodeFloat16(Float32Array.from([Number.NaN]), "b")).code).toBe(
      "INVALID_OPTION",
    );
  });
});
