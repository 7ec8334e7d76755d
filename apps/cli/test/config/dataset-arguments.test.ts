import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseDatasetArguments } from "../../src/config/dataset-arguments.js";
import { parseWorkerArguments } from "../../src/config/worker-arguments.js";
import { datasetFilesAt } from "../../src/server/dataset-upload.js";
import { refusal } from "./config-refusal.js";

const NO_ENV = { server: undefined, token: undefined };
const SERVER = ["--server", "http://127.0.0.1:4100/", "--token", "dw_abc"];

describe("deadweight worker --data-root / --cache-dir", () => {
  it("takes several data roots as absolute paths, and the cache folder", () => {
    const a = mkdtempSync(join(tmpdir(), "deadweight-root-a-"));
    const b = mkdtempSync(join(tmpdir(), "deadweight-root-b-"));
    const args = parseWorkerArguments([...SERVER, "--data-root", a, "--data-root", b, "--cache-dir", "cache"], NO_ENV);
    expect(args.dataRoots).toEqual([a, b]);
    expect(args.datasetCacheDir).toBe(join(process.cwd(), "cache"));
    expect(parseWorkerArguments(SERVER, NO_ENV).dataRoots).toBeUndefined();
  });

  it("refuses a data root that is not a folder, at start rather than at the first run", () => {
    const file = join(mkdtempSync(join(tmpdir(), "deadweight-root-")), "file.csv");
    writeFileSync(file, "1,0\n");
    for (const root of [file, "/no/such/folder"]) {
      expect(refusal(() => parseWorkerArguments([...SERVER, "--data-root", root], NO_ENV))).toBe(
        `--data-root: "${root}" is not a folder on this machine; give an existing folder`,
      );
    }
  });
});

describe("deadweight dataset", () => {
  it("parses upload and list", () => {
    expect(parseDatasetArguments(["upload", "iris.csv", "--name", "iris", ...SERVER], NO_ENV)).toEqual({
      action: "upload",
      connection: { serverUrl: "http://127.0.0.1:4100", token: "dw_abc" },
      path: "iris.csv",
      testPath: undefined,
      name: "iris",
      teamId: undefined,
    });
    expect(parseDatasetArguments(["list", "--team", "t1", ...SERVER], NO_ENV)).toMatchObject({
      action: "list",
      teamId: "t1",
    });
    expect(parseDatasetArguments([], NO_ENV)).toEqual({ action: "help" });
  });

  it("says what is missing", () => {
    expect(refusal(() => parseDatasetArguments(["upload", "iris.csv", ...SERVER], NO_ENV))).toContain(
      "--name <name> is required",
    );
    expect(refusal(() => parseDatasetArguments(["upload", ...SERVER, "--name", "x"], NO_ENV))).toContain(
      "give one <path>",
    );
    expect(refusal(() => parseDatasetArguments(["remove", ...SERVER], NO_ENV))).toContain(
      '"remove" is not an action; use upload or list',
    );
  });

  it("reads a CSV (with its test file) or a folder of IDX files, gzip or not", () => {
    const dir = mkdtempSync(join(tmpdir(), "deadweight-upload-"));
    writeFileSync(join(dir, "train.csv"), "1,0\n");
    writeFileSync(join(dir, "test.csv"), "2,1\n");
    expect(datasetFilesAt(join(dir, "train.csv"), join(dir, "test.csv")).files.map((file) => file.name)).toEqual([
      "train.csv",
      "test.csv",
    ]);
    const idx = mkdtempSync(join(tmpdir(), "deadweight-upload-idx-"));
    for (const name of ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"]) {
      writeFileSync(join(idx, `${name}.gz`), gzipSync("x"));
    }
    expect(refusal(() => datasetFilesAt(idx))).toContain("lacks t10k-labels-idx1-ubyte (or t10k-labels-idx1-ubyte.gz)");
    writeFileSync(join(idx, "t10k-labels-idx1-ubyte"), "x");
    const upload = datasetFilesAt(idx);
    expect(upload.kind).toBe("idx");
    expect(upload.files.map((file) => file.name)).toEqual([
      "train-images-idx3-ubyte.gz",
      "train-labels-idx1-ubyte.gz",
      "t10k-images-idx3-ubyte.gz",
      "t10k-labels-idx1-ubyte",
    ]);
  });
});
