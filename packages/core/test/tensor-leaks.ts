import * as tf from "@tensorflow/tfjs";
import { expect } from "vitest";

/** Runs `work` and fails the test if it leaves more tensors alive than it found (what it returns excepted). */
export async function expectNoTensorLeak<T>(work: () => T | Promise<T>, allowedNewTensors = 0): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await work();
  expect(tf.memory().numTensors - before).toBeLessThanOrEqual(allowedNewTensors);
  return result;
}
