import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { readTensorValuesInPlace } from "../../src/backend/tensor-values-in-place.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

describe("readTensorValuesInPlace", () => {
  it("reads a float32 tensor's values as dataSync gives them, made by an op (not uploaded)", () => {
    const tensor = tf.tidy(() => tf.add(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]), tf.scalar(0.5)));
    expect(Array.from(readTensorValuesInPlace(tensor))).toEqual([1.5, 2.5, 3.5, 4.5, 5.5, 6.5]);
    expect(readTensorValuesInPlace(tensor)).toHaveLength(6);
    tensor.dispose();
  });

  it("falls back to a copy for other dtypes", () => {
    const tensor = tf.tensor1d([1, 2, 3], "int32");
    expect(Array.from(readTensorValuesInPlace(tensor))).toEqual([1, 2, 3]);
    tensor.dispose();
  });

  it("leaks no tensor", async () => {
    const tensor = tf.ones([4, 4]);
    await expectNoTensorLeak(() => {
      readTensorValuesInPlace(tensor);
    });
    tensor.dispose();
  });
});
