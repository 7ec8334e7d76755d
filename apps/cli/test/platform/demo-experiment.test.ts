import { isAbsolute } from "node:path";
import { type Dataset, splitDataset } from "@deadweight/core";
import { loadDatasetSource, parseDatasetArgument } from "@deadweight/dataset-files";
import { experimentConfigSchema } from "@deadweight/experiment-config";
import { describe, expect, it } from "vitest";
import { demoExperiments, IRIS_CSV_PATH, irisDemoExperiment } from "../../src/platform/demo-experiment.js";
import { datasetFilesAt } from "../../src/server/dataset-upload.js";

const IRIS_REFERENCE = "dataset:ckiris";
const DEMO_EXPERIMENTS = demoExperiments(IRIS_REFERENCE);
const IRIS_DEMO_EXPERIMENT = irisDemoExperiment(IRIS_REFERENCE);

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

  it("are two datasets and two architectures: MNIST relu and the uploaded Iris CSV tanh", () => {
    const configs = DEMO_EXPERIMENTS.map((demo) => experimentConfigSchema.parse(demo.config));
    expect(configs.map((config) => [config.dataset, config.model.activation])).toEqual([
      [IRIS_REFERENCE, "tanh"],
      ["mnist", "relu"],
    ]);
  });

  it("name the Iris CSV by the dataset the platform stores, not by a path on one machine", () => {
    expect(parseDatasetArgument(IRIS_DEMO_EXPERIMENT.config.dataset as string)).toEqual({
      kind: "platform",
      datasetId: "ckiris",
    });
    // What the platform uploads: the checked-in file, one CSV.
    expect(isAbsolute(IRIS_CSV_PATH)).toBe(true);
    const upload = datasetFilesAt(IRIS_CSV_PATH);
    expect(upload.kind).toBe("csv");
    expect(upload.files.map((file) => file.name)).toEqual(["iris.csv"]);
  });

  // datasets/iris/README.md states these counts; the shuffle (seed 42) is what makes every part hold all three.
  it("split the Iris CSV into train, validation and test parts that each hold all three species", () => {
    const config = experimentConfigSchema.parse(IRIS_DEMO_EXPERIMENT.config);
    const loaded = loadDatasetSource({ kind: "csv", train: IRIS_CSV_PATH });
    const classNames = loaded.classNames as string[];
    expect(classNames).toEqual(["setosa", "versicolor", "virginica"]);
    const split = splitDataset(loaded.train, loaded.test, config.split);
    expect(speciesCounts(split.train, classNames)).toEqual({ setosa: 35, versicolor: 33, virginica: 40 });
    expect(speciesCounts(split.validation, classNames)).toEqual({ setosa: 3, versicolor: 5, virginica: 4 });
    expect(speciesCounts(split.test, classNames)).toEqual({ setosa: 12, versicolor: 12, virginica: 6 });
  });
});
