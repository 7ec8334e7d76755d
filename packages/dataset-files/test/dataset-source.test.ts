import { join } from "node:path";
import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { loadDatasetSource, parseDatasetArgument } from "../src/dataset-source.js";
import { tempFolder } from "./temp-folder.js";

describe("parseDatasetArgument", () => {
  it.each([
    ["mnist", { kind: "mnist" }],
    [" MNIST ", { kind: "mnist" }],
    ["idx:/data/fashion", { kind: "idx", dir: "/data/fashion" }],
    ["idx:C:\\data\\mnist", { kind: "idx", dir: "C:\\data\\mnist" }],
    ["csv:iris.csv", { kind: "csv", train: "iris.csv" }],
    ["csv:train.csv,test.csv", { kind: "csv", train: "train.csv", test: "test.csv" }],
    ["CSV: a.csv , b.csv", { kind: "csv", train: "a.csv", test: "b.csv" }],
  ])("parses %j", (text, expected) => {
    expect(parseDatasetArgument(text)).toEqual(expected);
  });

  it.each(["", "mnst", "idx:", "idx", "csv:", "csv:,b.csv", "csv:a.csv,", "csv:a,b,c", "tsv:x.tsv", "/data/mnist"])(
    "rejects %j, listing the accepted forms",
    (text) => {
      const error = thrown(() => parseDatasetArgument(text));
      expect(error.code).toBe("INVALID_OPTION");
      expect(error.message).toContain(`dataset argument "${text}" is not understood`);
      expect(error.message).toContain("mnist");
      expect(error.message).toContain("idx:<folder>");
      expect(error.message).toContain("csv:<train.csv>[,<test.csv>]");
    },
  );
});

describe("loadDatasetSource", () => {
  it("loads CSV files and describes them", () => {
    const dir = tempFolder({ "d.csv": "a,b,kind\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,10,x\n" });
    const loaded = loadDatasetSource({ kind: "csv", train: join(dir, "d.csv") });
    expect(loaded.classNames).toEqual(["x", "y"]);
    expect(loaded.train.labels.length).toBe(4);
    expect(loaded.test.labels.length).toBe(1);
    expect(loaded.description).toBe(
      `CSV ${join(dir, "d.csv")} (last 20% of rows held out as test): 4 train + 1 test samples, 2 features, 2 classes`,
    );
    // CSV features come as the file holds them: the configured scaling applies to them.
    expect(loaded.alreadyScaled).toBeNull();
  });

  it("rejects an IDX folder that does not exist, naming it", () => {
    const dir = join(tempFolder(), "absent");
    const error = thrown(() => loadDatasetSource({ kind: "idx", dir }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain(dir);
  });

  it("rejects an unknown kind", () => {
    const error = thrown(() => loadDatasetSource({ kind: "parquet" } as never));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain('"parquet"');
  });
});
