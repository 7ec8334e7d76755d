import { describe, expect, it } from "vitest";
import { evaluateModelBundle } from "../../src/bundle/evaluate-model-bundle.js";
import { digestFiles } from "../../src/bundle/file-digest.js";
import { measureModelBundle } from "../../src/bundle/measure-model-bundle.js";
import { bundleBytes } from "../../src/bundle/model-bundle.js";
import type { Dataset } from "../../src/data/dataset.js";
import { randomMlpWeights } from "../mlp-fixtures.js";
import { randomFeatures } from "../synthetic-datasets.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

const WEIGHTS = randomMlpWeights([5, 4, 3], 51);
function dataset(name: string, count: number, seed: number): Dataset {
  const labels = Int32Array.from({ length: count }, (_, i) => (i * 7) % 3);
  return { name, features: randomFeatures(count, 5, seed), labels, featureCount: 5, classCount: 3 };
}
const TEST = dataset("test", 30, 52);
const VALIDATION = dataset("validation", 20, 53);

describe("measureModelBundle", () => {
  it("measures the reloaded bundle on test (and validation when given), with its bytes and digests", async () => {
    const measured = await measureModelBundle(WEIGHTS, "float16", { test: TEST, validation: VALIDATION });
    expect(measured.bundle.weightDtype).toBe("float16");
    expect(measured.bytes).toBe(bundleBytes(measured.bundle));
    expect(measured.files).toEqual(await digestFiles(measured.bundle.files));
    expect(measured.test).toEqual(await evaluateModelBundle(measured.bundle.model, TEST));
    expect(measured.validation).toEqual(await evaluateModelBundle(measured.bundle.model, VALIDATION));
    expect(measured.test.samples).toBe(30);
    expect((await measureModelBundle(WEIGHTS, "uint8", { test: TEST })).validation).toBeNull();
  });

  it("does not leak tensors", async () => {
    await expectNoTensorLeak(() => measureModelBundle(WEIGHTS, "uint8", { test: TEST, validation: VALIDATION }));
  });
});
