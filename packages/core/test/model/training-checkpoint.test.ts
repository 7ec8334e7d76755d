import { rejectedDeadweightError } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { createMlpNetwork, readMlpWeights } from "../../src/model/mlp-network.js";
import type { MlpSpec } from "../../src/model/mlp-spec.js";
import type { MlpWeights } from "../../src/model/mlp-weights.js";
import { type TrainingOptions, type TrainingSummary, trainMlp } from "../../src/model/train-mlp.js";
import {
  decodeTrainingCheckpoint,
  encodeTrainingCheckpoint,
  type TrainingCheckpoint,
} from "../../src/model/training-checkpoint.js";
import { separableSplit } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

// A hand-sized problem: 48 samples of 3 features, a 3-5-2 network, batches of 8 (6 steps an epoch).
const SPLIT = separableSplit({ train: 48, validation: 24, test: 24 }, 3, 11);
const SPEC: MlpSpec = { inputSize: 3, hiddenSizes: [5], activation: "relu", classCount: 2 };
const OPTIONS: TrainingOptions = { epochs: 6, batchSize: 8, learningRate: 0.05, seed: 5 };

interface Trained {
  readonly summary: TrainingSummary;
  readonly weights: MlpWeights;
}

/** Trains a fresh network (network seed `networkSeed`) and returns its weights; the network is disposed. */
async function train(options: TrainingOptions, networkSeed = 3): Promise<Trained> {
  const network = createMlpNetwork(SPEC, networkSeed);
  try {
    const summary = await trainMlp(network, SPLIT, options);
    return { summary, weights: readMlpWeights(network) };
  } finally {
    network.dispose();
  }
}

/** The bytes of the checkpoint taken at the end of epoch `epoch` of a 6-epoch run, which then stops (as a killed worker would). */
async function checkpointBytesAt(epoch: number): Promise<Uint8Array> {
  const controller = new AbortController();
  let bytes: Uint8Array | undefined;
  const network = createMlpNetwork(SPEC, 3);
  try {
    await rejectedDeadweightError(
      trainMlp(network, SPLIT, {
        ...OPTIONS,
        signal: controller.signal,
        onEpochEnd: async (summary, takeCheckpoint) => {
          if (summary.epoch !== epoch) return;
          bytes = encodeTrainingCheckpoint(await takeCheckpoint());
          controller.abort();
        },
      }),
    );
  } finally {
    network.dispose();
  }
  if (bytes === undefined) throw new Error(`no checkpoint was taken at epoch ${epoch}`);
  return bytes;
}

function expectSameWeights(actual: MlpWeights, expected: MlpWeights): void {
  expect(actual.layers).toHaveLength(expected.layers.length);
  for (const [index, layer] of expected.layers.entries()) {
    expect(actual.layers[index]?.kernel).toEqual(layer.kernel);
    expect(actual.layers[index]?.bias).toEqual(layer.bias);
  }
}

describe("training checkpoints", () => {
  it("6 epochs straight and 3 + checkpoint + 3 resumed give bit-identical weights and the same curve", async () => {
    const straight = await train(OPTIONS);
    const checkpoint = decodeTrainingCheckpoint(await checkpointBytesAt(3), "epoch 3");
    expect(checkpoint.epoch).toBe(3);
    expect(checkpoint.optimizer.iterations).toBe(18);
    expect(checkpoint.curve.map((epoch) => epoch.epoch)).toEqual([1, 2, 3]);
    // Another initialisation: everything the resumed run needs must come from the checkpoint.
    const resumed = await train({ ...OPTIONS, resumeFrom: checkpoint }, 99);
    // Tolerance 0: the same float32 kernels run the same operations in the same order, and the
    // checkpoint stores every float (weights, both moments, Adam's bias-correction powers) bit for bit.
    expectSameWeights(resumed.weights, straight.weights);
    expect(resumed.summary.epochs.map((epoch) => epoch.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(resumed.summary.epochs.map((epoch) => epoch.loss)).toEqual(
      straight.summary.epochs.map((epoch) => epoch.loss),
    );
    expect(resumed.summary.epochs.map((epoch) => epoch.validationAccuracy)).toEqual(
      straight.summary.epochs.map((epoch) => epoch.validationAccuracy),
    );
    // Time spent before the checkpoint counts in the total.
    expect(resumed.summary.seconds).toBeGreaterThanOrEqual(checkpoint.elapsedSeconds);
  });

  it("needs Adam's state: resuming the same weights with a fresh optimizer ends elsewhere", async () => {
    const straight = await train(OPTIONS);
    const checkpoint = decodeTrainingCheckpoint(await checkpointBytesAt(3), "epoch 3");
    const freshOptimizer: TrainingCheckpoint = {
      ...checkpoint,
      optimizer: { iterations: 0, beta1Power: 0.9, beta2Power: 0.999, firstMoments: [], secondMoments: [] },
    };
    const resumed = await train({ ...OPTIONS, resumeFrom: freshOptimizer });
    expect(resumed.weights.layers[0]?.kernel).not.toEqual(straight.weights.layers[0]?.kernel);
  });

  it("reports progress from the epoch after the checkpoint", async () => {
    const checkpoint = decodeTrainingCheckpoint(await checkpointBytesAt(4), "epoch 4");
    const epochs: number[] = [];
    const network = createMlpNetwork(SPEC, 3);
    await trainMlp(network, SPLIT, { ...OPTIONS, resumeFrom: checkpoint }, (progress) => epochs.push(progress.epoch));
    network.dispose();
    // 6 batches an epoch: one report at each epoch end.
    expect(epochs).toEqual([5, 6]);
  });

  it("encodes bit for bit: decoding gives back every float and field", async () => {
    const bytes = await checkpointBytesAt(2);
    const decoded = decodeTrainingCheckpoint(bytes, "epoch 2");
    expect(encodeTrainingCheckpoint(decoded)).toEqual(bytes);
    // 3-5-2: 20 + 12 = 32 parameters, stored three times (weights, m, v) as float32, plus the header.
    const floats = 3 * 32 * 4;
    expect(bytes.length).toBeGreaterThan(floats);
    expect(bytes.length).toBeLessThan(floats + 1024);
    expect(decoded.optimizer.firstMoments.map((moment) => moment.length)).toEqual([15, 5, 10, 2]);
    expect(decoded).toMatchObject({ epoch: 2, batchSize: 8, learningRate: 0.05, seed: 5, trainSamples: 48 });
  });

  it.each([
    [
      "another file",
      (bytes: Uint8Array) => new TextEncoder().encode(`{"not":"a checkpoint"}${bytes.length}`),
      /start with/,
    ],
    [
      "a truncated file",
      (bytes: Uint8Array) => bytes.slice(0, bytes.length - 4),
      /expected \d+ bytes for layers 3-5-2/,
    ],
  ])("refuses %s with INVALID_CHECKPOINT naming the source", async (_what, damage, message) => {
    const bytes = await checkpointBytesAt(1);
    let error: unknown;
    try {
      decodeTrainingCheckpoint(damage(bytes), "checkpoints/training.ckpt of run r1");
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ code: "INVALID_CHECKPOINT" });
    expect((error as Error).message).toContain("checkpoint checkpoints/training.ckpt of run r1: ");
    expect((error as Error).message).toMatch(message);
  });

  it("refuses to resume other training: another batch size, seed or network", async () => {
    const checkpoint = decodeTrainingCheckpoint(await checkpointBytesAt(2), "epoch 2");
    const network = createMlpNetwork(SPEC, 3);
    const error = await rejectedDeadweightError(
      trainMlp(network, SPLIT, { ...OPTIONS, batchSize: 16, seed: 6, resumeFrom: checkpoint }),
    );
    network.dispose();
    expect(error.code).toBe("INVALID_CHECKPOINT");
    expect(error.message).toContain("taken with batchSize 8 (now 16), seed 5 (now 6)");
    const wider = createMlpNetwork({ ...SPEC, hiddenSizes: [7] }, 3);
    const shapeError = await rejectedDeadweightError(trainMlp(wider, SPLIT, { ...OPTIONS, resumeFrom: checkpoint }));
    wider.dispose();
    expect(shapeError.message).toContain("layers 3-5-2 (now 3-7-2)");
  });

  it("does not leak tensors: taking a checkpoint, and resuming from one", async () => {
    const network = createMlpNetwork(SPEC, 3);
    let checkpoint: TrainingCheckpoint | undefined;
    await expectNoTensorLeak(() =>
      trainMlp(network, SPLIT, {
        ...OPTIONS,
        epochs: 2,
        onEpochEnd: async (_summary, takeCheckpoint) => {
          checkpoint = await takeCheckpoint();
        },
      }),
    );
    await expectNoTensorLeak(() =>
      trainMlp(network, SPLIT, { ...OPTIONS, epochs: 3, resumeFrom: checkpoint as TrainingCheckpoint }),
    );
    // A refused resume releases what it built too.
    await expectNoTensorLeak(() =>
      rejectedDeadweightError(
        trainMlp(network, SPLIT, { ...OPTIONS, batchSize: 4, resumeFrom: checkpoint as TrainingCheckpoint }),
      ),
    );
    network.dispose();
  });
});
