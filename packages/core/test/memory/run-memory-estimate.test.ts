import { describe, expect, it } from "vitest";
import { DeadweightError } from "../../src/errors.js";
import {
  assertRunFitsMemory,
  COMPUTE_THREAD_RUNTIME_BYTES,
  EVALUATION_CHUNK_SAMPLES,
  estimateRunMemory,
  RUNTIME_BYTES,
  splitMemoryBytes,
} from "../../src/memory/run-memory-estimate.js";

/** A 2-3-2 network: 17 parameters, 7 units; a chunk of 10 samples (the training set), 6 evaluated samples. */
const TWO_THREE_TWO = {
  inputWidth: 2,
  classCount: 2,
  hiddenSizes: [3],
  batchSize: 4,
  trainSamples: 10,
  evaluationSamples: 6,
  datasetBytes: 1000,
};

describe("estimateRunMemory", () => {
  it("adds up a 2-3-2 network by hand", () => {
    // Parameters: 2*3 + 3 + 3*2 + 2 = 17. Units: 2 + 3 + 2 = 7.
    const estimate = estimateRunMemory(TWO_THREE_TWO);
    expect(estimate.parameters).toBe(17);
    const bytes = Object.fromEntries(estimate.parts.map((part) => [part.name, part.bytes]));
    // Every tensor part carries the 1.5x headroom of the backend's heap.
    expect(bytes).toEqual({
      dataset: 1000,
      weights: 17 * 4 * 3 * 1.5,
      optimizer: 17 * 4 * 3 * 1.5,
      "training batch": 4 * 7 * 4 * 3 * 1.5,
      // The chunk is the larger of the evaluated sets, here the 10 training samples.
      "evaluation chunk": 10 * 7 * 4 * 2 * 1.5,
      // The first hidden layer (3 units) of the 6 evaluated samples.
      "sweep cache": 6 * 3 * 4 * 1.5,
      runtime: RUNTIME_BYTES,
    });
    expect(estimate.totalBytes).toBe(1000 + 306 + 306 + 504 + 840 + 108 + RUNTIME_BYTES);
    expect(estimate.parts[0]?.name).toBe("runtime");
  });

  it("adds each compute thread's runtime, network copy, evaluation chunk and sweep cache", () => {
    const alone = estimateRunMemory(TWO_THREE_TWO);
    const withThreads = estimateRunMemory({ ...TWO_THREE_TWO, computeThreads: 2 });
    // Per thread: its runtime, two copies of the weights, a chunk's two values per unit, the first
    // layer of every evaluated sample; each tensor part with the 1.5x headroom.
    const perThread = COMPUTE_THREAD_RUNTIME_BYTES + 17 * 4 * 2 * 1.5 + 10 * 7 * 4 * 2 * 1.5 + 6 * 3 * 4 * 1.5;
    expect(withThreads.parts.find((part) => part.name === "compute threads")?.bytes).toBe(2 * perThread);
    expect(withThreads.totalBytes - alone.totalBytes).toBe(2 * perThread);
    expect(estimateRunMemory({ ...TWO_THREE_TWO, computeThreads: 0 })).toEqual(alone);
    expect(alone.parts.map((part) => part.name)).not.toContain("compute threads");
  });

  it("says fewer threads would help when compute threads are part of what does not fit", () => {
    const shape = {
      inputWidth: 784,
      classCount: 10,
      hiddenSizes: [512],
      batchSize: 128,
      trainSamples: 54_000,
      evaluationSamples: 16_000,
      datasetBytes: 220_000_000,
    };
    const estimate = estimateRunMemory({ ...shape, computeThreads: 4 });
    expect(() => assertRunFitsMemory(estimate, 256 * 2 ** 20, "the limit")).toThrow(
      /or fewer threads \(compute threads \d+ MiB\), or run it on a worker with more memory/,
    );
    expect(() => assertRunFitsMemory(estimateRunMemory(shape), 256 * 2 ** 20, "the limit")).toThrow(
      /use smaller hidden layers or batches, or run it/,
    );
    expect(() => estimateRunMemory({ ...shape, computeThreads: 1.5 })).toThrow(
      /computeThreads must be a whole number, got 1.5/,
    );
  });

  it("never counts a batch larger than the training set, nor a chunk larger than its cap", () => {
    const estimate = estimateRunMemory({
      inputWidth: 1,
      classCount: 2,
      hiddenSizes: [1],
      batchSize: 1e12,
      trainSamples: 100,
      evaluationSamples: 1e6,
      datasetBytes: 0,
    });
    const bytes = Object.fromEntries(estimate.parts.map((part) => [part.name, part.bytes]));
    expect(bytes["training batch"]).toBe(100 * 4 * 4 * 3 * 1.5);
    expect(bytes["evaluation chunk"]).toBe(EVALUATION_CHUNK_SAMPLES * 4 * 4 * 2 * 1.5);
  });

  it("puts a billion-unit layer in the terabytes, before anything is allocated", () => {
    const estimate = estimateRunMemory({
      inputWidth: 784,
      classCount: 10,
      hiddenSizes: [1_000_000_000],
      batchSize: 128,
      trainSamples: 54_000,
      evaluationSamples: 16_000,
      datasetBytes: 220_000_000,
    });
    expect(estimate.parameters).toBe(784e9 + 1e9 + 10e9 + 10);
    // Before headroom: 16,000 evaluated samples x 1e9 first-layer units = 64 TB of sweep cache, 2048 x 1e9
    // x 2 floats = 16 TB for one evaluation chunk, 9.5 TB for the weights.
    expect(estimate.totalBytes).toBeGreaterThan(89e12);
    expect(estimate.parts.slice(0, 3).map((part) => part.name)).toEqual(["sweep cache", "evaluation chunk", "weights"]);
  });

  it("refuses a nonsense shape with a clear error", () => {
    expect(() =>
      estimateRunMemory({
        inputWidth: Number.NaN,
        classCount: 2,
        hiddenSizes: [1],
        batchSize: 1,
        trainSamples: 1,
        evaluationSamples: 1,
        datasetBytes: 0,
      }),
    ).toThrow("estimateRunMemory: inputWidth must be a number >= 0, got NaN");
  });
});

describe("assertRunFitsMemory", () => {
  const estimate = estimateRunMemory({
    inputWidth: 784,
    classCount: 10,
    hiddenSizes: [100_000],
    batchSize: 128,
    trainSamples: 1000,
    evaluationSamples: 1000,
    datasetBytes: 0,
  });

  it("passes a run within the limit", () => {
    expect(() => assertRunFitsMemory(estimate, estimate.totalBytes, "--max-memory")).not.toThrow();
  });

  it("refuses a run above it with the estimate, its largest parts, the limit and what to do", () => {
    let error: unknown;
    try {
      assertRunFitsMemory(estimate, 512 * 2 ** 20, "--max-memory");
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(DeadweightError);
    expect((error as DeadweightError).code).toBe("RUN_TOO_LARGE");
    expect((error as DeadweightError).message).toBe(
      "this run needs about 4977 MiB (weights 1365 MiB, optimizer 1365 MiB, evaluation chunk 1154 MiB; 79,500,010 parameters) but --max-memory is 512 MiB: use smaller hidden layers or batches, or run it on a worker with more memory",
    );
  });
});

describe("splitMemoryBytes", () => {
  it("counts each buffer behind a split once, however many parts view it", () => {
    const features = new Float32Array(10 * 2);
    const labels = new Int32Array(10);
    const part = (from: number, to: number) => ({
      name: "p",
      features: features.subarray(from * 2, to * 2),
      labels: labels.subarray(from, to),
      featureCount: 2,
      classCount: 2,
    });
    const testFeatures = new Float32Array(3 * 2);
    const testLabels = new Int32Array(3);
    const split = {
      train: part(0, 8),
      validation: part(8, 10),
      test: { name: "t", features: testFeatures, labels: testLabels, featureCount: 2, classCount: 2 },
      record: {
        train: { source: "a", from: 0, to: 8 },
        validation: { source: "a", from: 8, to: 10 },
        test: { source: "b", from: 0, to: 3 },
      },
    };
    expect(splitMemoryBytes(split)).toBe(80 + 40 + 24 + 12);
  });
});
