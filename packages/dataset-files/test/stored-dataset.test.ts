import { gzipSync } from "node:zlib";
import { idxFileBytes as idxBytes, thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { loadDatasetSource, parseDatasetArgument } from "../src/dataset-source.js";
import { IDX_FILE_NAMES } from "../src/idx-folder.js";
import { loadStoredDataset } from "../src/stored-dataset.js";

const encode = (text: string) => new TextEncoder().encode(text);
const CSV = "a,b,kind\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,10,x\n";

describe("dataset:<id> references", () => {
  it("parses as a platform dataset, which only a worker can fetch", () => {
    expect(parseDatasetArgument("dataset:ckdata123")).toEqual({ kind: "platform", datasetId: "ckdata123" });
    const error = thrown(() => loadDatasetSource({ kind: "platform", datasetId: "ckdata123" }));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain("a worker downloads it through the API");
  });

  it.each(["dataset:", "dataset:a/b", "dataset:../x"])("refuses %j", (text) => {
    expect(thrown(() => parseDatasetArgument(text)).code).toBe("INVALID_OPTION");
  });
});

describe("loadStoredDataset", () => {
  it("loads a CSV (gzip too) as the same file on disk would load, describing where it came from", () => {
    for (const bytes of [encode(CSV), Uint8Array.from(gzipSync(encode(CSV)))]) {
      const loaded = loadStoredDataset({ id: "d1", name: "kinds", kind: "csv", files: [{ name: "k.csv", bytes }] });
      expect(loaded.classNames).toEqual(["x", "y"]);
      expect(loaded.train.labels.length).toBe(4);
      expect(loaded.test.labels.length).toBe(1);
      expect(loaded.description).toBe(
        'platform dataset "kinds" (dataset:d1), CSV k.csv (last 20% of rows held out as test): 4 train + 1 test samples, 2 features, 2 classes',
      );
    }
  });

  it("uses a second CSV file as the test set", () => {
    const loaded = loadStoredDataset({
      id: "d2",
      name: "pair",
      kind: "csv",
      files: [
        { name: "train.csv", bytes: encode(CSV) },
        { name: "test.csv", bytes: encode("a,b,kind\n1,1,y\n") },
      ],
    });
    expect(loaded.train.labels.length).toBe(5);
    expect(loaded.test.labels.length).toBe(1);
  });

  it("loads the four IDX files, gzip or not", () => {
    const files = [
      { name: IDX_FILE_NAMES.trainImages, bytes: idxBytes([2051, 2, 1, 2], [0, 255, 255, 0]) },
      { name: `${IDX_FILE_NAMES.trainLabels}.gz`, bytes: Uint8Array.from(gzipSync(idxBytes([2049, 2], [0, 1]))) },
      { name: IDX_FILE_NAMES.testImages, bytes: idxBytes([2051, 1, 1, 2], [255, 255]) },
      { name: IDX_FILE_NAMES.testLabels, bytes: idxBytes([2049, 1], [1]) },
    ];
    const loaded = loadStoredDataset({ id: "d3", name: "tiny", kind: "idx", files });
    expect([...loaded.train.labels]).toEqual([0, 1]);
    expect(loaded.test.featureCount).toBe(2);
    expect(loaded.alreadyScaled).not.toBeNull();
  });

  it("names the IDX files an IDX dataset lacks", () => {
    const error = thrown(() =>
      loadStoredDataset({ id: "d4", name: "half", kind: "idx", files: [{ name: "x", bytes: encode("x") }] }),
    );
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain(`dataset "half" (dataset:d4) lacks ${IDX_FILE_NAMES.trainImages}`);
  });
});
