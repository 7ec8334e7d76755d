import { isAbsolute } from "node:path";
import { type Dataset, splitDataset } from "@deadweight/core";
import { loadDatasetSource, parseDatasetArgument } from "@deadweight/dataset-files";
import { experimentConfigSchema } from "@deadweight/experiment-config";
import { describe, expect, it } from "vitest";
import { DEMO_EXPERIMENTS, IRIS_CSV_PATH, IRIS_DEMO_EXPERIMENT } from "../../src/platform/demo-experiment.js";

function speciesCounts(dataset: Dataset, classNames: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const label of dataset.labels) {
    const name = classNames[label] as string;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

describe("the demo experiments", () => {
  it.each(DEMO_EXPERIMENTS.map((demo) => [demo.name, demo] as const))("%s is a valid experiment config", (_, demo) => {
    const parsed = experimentConfigSchema.safeParse(demo.config);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it("are two datasets and two architectures: MNIST relu and the Iris CSV tanh", () => {
    const configs = DEMO_EXPERIMENTS.map((demo) => experimentConfigSchema.parse(demo.config));
    expect(configs.map((config) => [config.dataset.split(":")[0], config.model.activation])).toEqual([
      ["csv", "tanh"],
      ["mnist", "relu"],
    ]);
  });

  it("point the Iris demo at the checked-in CSV by an absolute path, whatever the worker's working directory", () => {
    expect(isAbsolute(IRIS_CSV_PATH)).toBe(true);
    expect(IRIS_CSV_PATH.endsWith("/datasets/iris/iris.csv")).toBe(true);
    expect(parseDatasetArgument(IRIS_DEMO_EXPERIMENT.config.dataset as string)).toEqual({
      kind: "csv",
      train: IRIS_CSV_PATH,
    });
  });

  // datasets/iris/README.md states these counts; the shuffle (seed 42) is what makes every part hold all three.
  it("split the Iris CSV into train, validation and test parts that each hold all three species", () => {
    const config = experimentConfigSchema.parse(IRIS_DEMO_EXPERIMENT.config);
    const loaded = loadDatasetSource(parseDatasetArgument(config.dataset));
    const classNames = loaded.classNames as string[];
    expect(classNames).toEqual(["setosa", "versicolor", "virginica"]);
    const split = splitDataset(loaded.train, loaded.test, config.split);
    expect(speciesCounts(split.train, classNames)).toEqual({ setosa: 35, versicolor: 33, virginica: 40 });
    expect(speciesCounts(split.validation, classNames)).toEqual({ setosa: 3, versicolor: 5, virginica: 4 });
    expect(speciesCounts(split.test, classNames)).toEqual({ setosa: 12, versicolor: 12, virginica: 6 });
  });
});
