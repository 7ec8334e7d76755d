import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { denseForward, disposeDenseLayers, uploadDenseLayer } from "../../src/model/dense-forward.js";
import { denseLayer } from "../mlp-fixtures.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

/** x·W + b for x = [[1, 2]], W = [[1, -1, 0.5], [2, -3, 0.25]], b = [0.5, 1, -1.5]: [5.5, -6, -0.5]. */
const KERNEL = [1, -1, 0.5, 2, -3, 0.25];
const BIAS = [0.5, 1, -1.5];

function forward(activation: "relu" | "tanh" | "softmax"): number[] {
  const layer = uploadDenseLayer(denseLayer(2, 3, KERNEL, BIAS, activation));
  const output = tf.tidy(() => denseForward(tf.tensor2d([[1, 2]]), layer));
  const values = Array.from(output.dataSync());
  output.dispose();
  disposeDenseLayers([layer]);
  return values;
}

describe("denseForward", () => {
  it("applies relu to x·W + b", () => {
    // Exact: small binary fractions.
    expect(forward("relu")).toEqual([5.5, 0, 0]);
  });

  it("applies tanh to x·W + b", () => {
    const values = forward("tanh");
    // 1e-6: float32 tanh, a few ulps of values below 1.
    for (const [i, z] of [5.5, -6, -0.5].entries()) {
      expect(Math.abs((values[i] as number) - Math.tanh(z))).toBeLessThan(1e-6);
    }
  });

  it("returns the logits, without softmax, for the output layer", () => {
    // Exact: small binary fractions.
    expect(forward("softmax")).toEqual([5.5, -6, -0.5]);
  });

  it("uploads and disposes a layer's tensors without leaking", async () => {
    await expectNoTensorLeak(() => {
      forward("relu");
    });
  });
});
