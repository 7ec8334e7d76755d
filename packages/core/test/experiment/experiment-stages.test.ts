import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { identityScaling } from "../../src/data/feature-scaling.js";
import {
  exportPrunedModel,
  measureModelActivations,
  rowsToExport,
  trainBaseModel,
} from "../../src/experiment/experiment-stages.js";
import { importLayersModel } from "../../src/export/layers-model-files.js";
import { activationStatsDocument } from "../../src/export/stats-document.js";
import { buildMlpNetwork } from "../../src/model/mlp-network.js";
import { hiddenLayerSizes } from "../../src/model/mlp-weights.js";
import { borrowNetworkTensors } from "../../src/model/network-tensors.js";
import { measureActivations } from "../../src/stats/measure-activations.js";
import type { SweepRow } from "../../src/sweep/sweep-row.js";
import { separableSplit } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

const SPLIT = separableSplit({ train: 200, validation: 80, test: 50 }, 6, 17);
const TRAINING = {
  hiddenSizes: [8, 4],
  activation: "relu",
  epochs: 1,
  batchSize: 32,
  learningRate: 0.01,
  seed: 3,
} as const;

describe("trainBaseModel", () => {
  it("trains a seeded network of the asked shape, the same weights every time, without leaking tensors", async () => {
    const first = await expectNoTensorLeak(() => trainBaseModel(SPLIT, TRAINING));
    const second = await trainBaseModel(SPLIT, TRAINING);
    expect(hiddenLayerSizes(first.weights)).toEqual([8, 4]);
    expect(first.training.epochs).toHaveLength(1);
    expect(first.weights.layers.map((layer) => [...layer.kernel])).toEqual(
      second.weights.layers.map((layer) => [...layer.kernel]),
    );
  });

  it("stops with CANCELED when its signal is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(trainBaseModel(SPLIT, TRAINING, undefined, controller.signal)).rejects.toMatchObject({
      code: "CANCELED",
    });
  });
});

describe("measureModelActivations", () => {
  it("gives exactly the statistics measured on the trained network's own tensors, without leaking", async () => {
    const { weights } = await trainBaseModel(SPLIT, TRAINING);
    const network = buildMlpNetwork(weights);
    const fromNetwork = await measureActivations(borrowNetworkTensors(network), SPLIT.validation);
    network.dispose();
    const progress: number[] = [];
    const fromWeights = await expectNoTensorLeak(() =>
      measureModelActivations(weights, SPLIT.validation, ({ samplesDone }) => progress.push(samplesDone)),
    );
    expect(fromWeights).toEqual(fromNetwork);
    expect(progress.at(-1)).toBe(80);
  });
});

describe("rowsToExport", () => {
  const row = (id: string, status: SweepRow["status"], pareto: boolean) => ({ id, status, pareto }) as SweepRow;
  const rows = [row("a", "ok", true), row("b", "ok", false), row("c", "emptied-layer", false)];

  it("picks the Pareto rows, every row with a model, or none", () => {
    expect(rowsToExport(rows, "pareto").map((r) => r.id)).toEqual(["a"]);
    expect(rowsToExport(rows, "all").map((r) => r.id)).toEqual(["a", "b"]);
    expect(rowsToExport(rows, "none")).toEqual([]);
  });
});

describe("exportPrunedModel", () => {
  it("exports the row's physically smaller network", async () => {
    const { weights } = await trainBaseModel(SPLIT, TRAINING);
    const stats = await measureModelActivations(weights, SPLIT.validation);
    const before = tf.memory().numTensors;
    const files = await exportPrunedModel(
      weights,
      stats,
      { threshold: { kind: "rank", keepFraction: 0.5, score: "std" } },
      identityScaling(weights.layers[0]!.inputSize),
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(hiddenLayerSizes(await importLayersModel(files))).toEqual([4, 2]);
  });
});

describe("activationStatsDocument", () => {
  it("numbers layers from 1 and puts each neuron's histogram beside its statistics", () => {
    const document = activationStatsDocument({
      sampleCount: 3,
      layers: [
        {
          layerIndex: 0,
          neurons: [{ mean: 0.5, std: 0.1, min: 0, max: 1, apoz: 0.25 }],
          histograms: [{ edges: [0, 0.5, 1], counts: [1, 2] }],
        },
      ],
    });
    expect(document).toEqual({
      measuredOn: "validation",
      sampleCount: 3,
      layers: [
        {
          layer: 1,
          size: 1,
          histogramEdges: [0, 0.5, 1],
          neurons: [{ index: 0, mean: 0.5, std: 0.1, min: 0, max: 1, apoz: 0.25, histogram: [1, 2] }],
        },
      ],
    });
  });
});
