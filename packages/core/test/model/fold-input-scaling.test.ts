import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { Dataset } from "../../src/data/dataset.js";
import { fitFeatureScaling, scaleDataset } from "../../src/data/feature-scaling.js";
import { exportBaseModel, exportPrunedModel } from "../../src/experiment/experiment-stages.js";
import { exportLayersModel, loadLayersModelFiles } from "../../src/export/layers-model-files.js";
import { foldInputScaling, unfoldInputScaling } from "../../src/model/fold-input-scaling.js";
import type { MlpWeights } from "../../src/model/mlp-weights.js";
import { applyPruningPlan } from "../../src/pruning/apply-pruning-plan.js";
import { planPruning } from "../../src/pruning/plan-pruning.js";
import type { ActivationStats } from "../../src/stats/activation-stats.js";
import { expectAllClose } from "../float-comparison.js";
import { denseLayer, randomMlpWeights } from "../mlp-fixtures.js";
import { randomFeatures } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

/** 64 samples of 3 raw features whose spans differ by 10^4 and 10^3: uniform in [0, 10000), [0, 1) and [0, 0.001). */
function rawFeatures(): Dataset {
  const unit = randomFeatures(64, 3, 5, 0, 1);
  const spans = [1e4, 1, 1e-3];
  const features = Float32Array.from(unit, (value, index) => value * (spans[index % 3] as number));
  return { name: "raw", features, labels: new Int32Array(64), featureCount: 3, classCount: 4 };
}

/** Softmax outputs of a layers-format model, as a TF.js user gets them with tf.loadLayersModel + predict. */
async function predictFiles(
  files: Awaited<ReturnType<typeof exportLayersModel>>,
  data: Dataset,
): Promise<Float32Array> {
  const network = await loadLayersModelFiles(files);
  try {
    return tf.tidy(() => {
      const inputs = tf.tensor2d(data.features, [data.labels.length, data.featureCount]);
      return (network.predict(inputs) as tf.Tensor).dataSync() as Float32Array;
    });
  } finally {
    network.dispose();
  }
}

describe("foldInputScaling", () => {
  it("divides each input's kernel row by its scale and moves offset/scale times it into the bias (by hand)", () => {
    // One neuron fed by 2 inputs, W = [2, 3], b = 1; offsets 10 and 100, scales 2 and 50:
    // W' = [2/2, 3/50] = [1, 0.06]; b' = 1 - (10/2)*2 - (100/50)*3 = 1 - 10 - 6 = -15.
    const weights: MlpWeights = {
      layers: [denseLayer(2, 1, [2, 3], [1], "relu"), denseLayer(1, 2, [1, -1], [0, 0], "softmax")],
    };
    const folded = foldInputScaling(weights, { offset: [10, 100], scale: [2, 50] });
    expect([...folded.layers[0]!.kernel]).toEqual([1, Math.fround(0.06)]);
    expect([...folded.layers[0]!.bias]).toEqual([-15]);
    // Later layers are the same objects: folding touches the first layer only.
    expect(folded.layers[1]).toBe(weights.layers[1]);
    // x = (12, 150): scaled (1, 1) -> 2 + 3 + 1 = 6; raw through the folded layer: 12 + 9 - 15 = 6.
    expect(12 * 1 + 150 * Math.fround(0.06) - 15).toBeCloseTo(6, 5);
  });

  it("gives, on raw features, the outputs the unfolded model gives on scaled features", async () => {
    const raw = rawFeatures();
    const weights = randomMlpWeights([3, 8, 6, 4], 9);
    for (const method of ["standard", "minmax"] as const) {
      const scaling = fitFeatureScaling(raw, method);
      const reference = await predictFiles(await exportLayersModel(weights), scaleDataset(raw, scaling));
      const folded = await expectNoTensorLeak(async () => predictFiles(await exportBaseModel(weights, scaling), raw));
      // Tolerance: each folded first-layer term x·W/s + (-m/s·W) carries float32 rounding of about
      // 2^-24 · (|x/s| + |m/s|) · |W| ≈ 6e-8 · 4 · 1 here (|m/s| <= 1.8 for uniform features, |W| <= 1),
      // summed over 3 inputs and carried through two layers of at most 8 unit weights: ~1e-5 on a
      // logit, so 1e-5 on a probability (softmax is 1/4-Lipschitz per logit) with room to spare.
      expectAllClose(folded, reference, { relative: 0, absolute: 1e-5 });
    }
  });

  it("commutes with pruning: folding a pruned network equals pruning the folded one, bit for bit", async () => {
    const raw = rawFeatures();
    const scaling = fitFeatureScaling(raw, "standard");
    const weights = randomMlpWeights([3, 8, 6, 4], 11);
    // Hand-made statistics: neurons 1, 4 and 6 of layer 1 and 0 and 5 of layer 2 are near-constant.
    const neuron = (std: number) => ({ mean: 0.3, std, min: 0, max: 1, apoz: 0 });
    const stats: ActivationStats = {
      sampleCount: 64,
      layers: [
        { layerIndex: 0, neurons: [1, 0, 1, 1, 0, 1, 0, 1].map((on) => neuron(on * 0.5)), histograms: [] },
        { layerIndex: 1, neurons: [0, 1, 1, 1, 1, 0].map((on) => neuron(on * 0.5)), histograms: [] },
      ],
    };
    for (const threshold of [
      { kind: "meanStd" as const, mean: 1, std: 0.1 },
      // stdFold also changes the next layer's bias (the removed neurons' means): still away from layer 1's inputs.
      { kind: "stdFold" as const, std: 0.1 },
    ]) {
      const plan = planPruning(stats, threshold);
      expect(plan.layers.map((layer) => layer.kept)).toEqual([
        [0, 2, 3, 5, 7],
        [1, 2, 3, 4],
      ]);
      const foldThenPrune = applyPruningPlan(foldInputScaling(weights, scaling), plan);
      const pruneThenFold = foldInputScaling(applyPruningPlan(weights, plan), scaling);
      // The pruned, folded first layer keeps only the surviving neurons' columns.
      expect(pruneThenFold.layers[0]!.outputSize).toBe(5);
      expect(pruneThenFold.layers.map((layer) => [...layer.kernel, ...layer.bias])).toEqual(
        foldThenPrune.layers.map((layer) => [...layer.kernel, ...layer.bias]),
      );
      // And the exported pruned model is that network: same outputs as the pruned model on scaled features.
      const exported = await predictFiles(await exportPrunedModel(weights, stats, { threshold }, scaling), raw);
      const reference = await predictFiles(
        await exportLayersModel(applyPruningPlan(weights, plan)),
        scaleDataset(raw, scaling),
      );
      expectAllClose(exported, reference, { relative: 0, absolute: 1e-5 }); // as in the test above
    }
  });

  it("is undone by unfoldInputScaling up to float32 rounding", () => {
    const raw = rawFeatures();
    const scaling = fitFeatureScaling(raw, "standard");
    const weights = randomMlpWeights([3, 8, 4], 13);
    const back = unfoldInputScaling(foldInputScaling(weights, scaling), scaling);
    // Kernel: (W / s) * s, two float32 roundings: within 2^-23 relative. Bias: b - m/s·W + m·(W/s) cancels
    // terms of size |m/s|·|W| <= 1.8, each rounded to float32 once: within 4 · 2^-24 · 1.8 · 3 absolute.
    expectAllClose(back.layers[0]!.kernel, weights.layers[0]!.kernel, { relative: 2 ** -22 });
    expectAllClose(back.layers[0]!.bias, weights.layers[0]!.bias, { relative: 0, absolute: 2e-6 });
  });

  it("returns the very weights for the identity scaling (no rounding for unscaled data)", () => {
    const weights = randomMlpWeights([3, 4, 2], 1);
    const identity = { offset: [0, 0, 0], scale: [1, 1, 1] };
    expect(foldInputScaling(weights, identity)).toBe(weights);
    expect(unfoldInputScaling(weights, identity)).toBe(weights);
  });

  it("refuses vectors that do not match the inputs, a scale that is not > 0 and an offset that is not finite", () => {
    const weights = randomMlpWeights([3, 4, 2], 1);
    const short = thrown(() => foldInputScaling(weights, { offset: [0, 0], scale: [1, 1] }));
    expect(short.code).toBe("INVALID_OPTION");
    expect(short.message).toContain("2 offsets and 2 scales but the first layer takes 3 inputs");
    expect(thrown(() => foldInputScaling(weights, { offset: [0, 0, 0], scale: [1, 0, 1] })).message).toContain(
      "scale[1] is 0; every scale must be a finite number > 0 (a constant feature takes scale 1)",
    );
    expect(thrown(() => foldInputScaling(weights, { offset: [0, Number.NaN, 0], scale: [1, 1, 1] })).message).toContain(
      "offset[1] is NaN",
    );
  });
});
