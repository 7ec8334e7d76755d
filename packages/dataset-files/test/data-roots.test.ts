import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { dataRootsWith, repositoryDatasetsDirectory, resolveInsideDataRoots } from "../src/data-roots.js";
import { loadDatasetSource } from "../src/dataset-source.js";
import { tempFolder } from "./temp-folder.js";

// A worker reads dataset paths only inside the folders its operator allows. Each refusal below is
// proved to happen before the path is opened: the path is one whose reading would fail another way
// (it does not exist, or it is a folder), so only the check can produce the "outside" message.

const CSV = "a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n";

function layout() {
  const outside = tempFolder({ "private.csv": "user,secret\nalice,hunter2\nbob,swordfish\n" });
  const root = tempFolder({ "ok.csv": CSV });
  mkdirSync(join(root, "sub"));
  return { root, outside };
}

describe("resolveInsideDataRoots", () => {
  it("gives the real path of a file inside a root", () => {
    const { root } = layout();
    expect(resolveInsideDataRoots(join(root, "ok.csv"), [root])).toMatch(/ok\.csv$/);
  });

  it("refuses a path outside every root without looking at it (a missing file is refused, not reported missing)", () => {
    const { root, outside } = layout();
    const missing = join(outside, "no-such-file.csv");
    const error = thrown(() => resolveInsideDataRoots(missing, [root]));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain(
      `dataset path "${missing}" leads outside the folders this worker reads datasets from`,
    );
    expect(error.message).toContain("--data-root <dir>");
    expect(error.message).toContain("deadweight dataset upload");
    expect(error.message).not.toContain("does not exist");
  });

  it("refuses a .. path that climbs out of a root", () => {
    const { root, outside } = layout();
    const climbing = join(root, "sub", "..", "..", outside.split("/").pop() as string, "private.csv");
    const error = thrown(() => resolveInsideDataRoots(climbing, [root]));
    expect(error.message).toContain("leads outside the folders");
  });

  it("refuses a symbolic link inside a root that points outside it", () => {
    const { root, outside } = layout();
    symlinkSync(join(outside, "private.csv"), join(root, "link.csv"));
    symlinkSync(outside, join(root, "linked-folder"));
    const error = thrown(() => resolveInsideDataRoots(join(root, "link.csv"), [root]));
    expect(error.message).toContain(
      "leads outside the folders this worker reads datasets from through a symbolic link",
    );
    expect(error.message).not.toContain(outside);
    const viaFolder = thrown(() => resolveInsideDataRoots(join(root, "linked-folder", "private.csv"), [root]));
    expect(viaFolder.message).toContain("through a symbolic link");
  });

  it("says a missing path inside a root does not exist", () => {
    const { root } = layout();
    expect(thrown(() => resolveInsideDataRoots(join(root, "nope.csv"), [root])).message).toContain("does not exist");
  });

  it("always allows the repository's datasets folder", () => {
    expect(dataRootsWith([])).toContain(repositoryDatasetsDirectory());
    const iris = join(repositoryDatasetsDirectory(), "iris", "iris.csv");
    expect(resolveInsideDataRoots(iris, dataRootsWith([]))).toMatch(/iris\.csv$/);
  });
});

describe("loadDatasetSource with data roots", () => {
  it("loads a CSV inside a root", () => {
    const { root } = layout();
    const loaded = loadDatasetSource({ kind: "csv", train: join(root, "ok.csv") }, { dataRoots: [root] });
    expect(loaded.train.labels.length).toBe(4);
  });

  it("refuses a CSV outside the roots before reading it, and never shows its contents", () => {
    const { root, outside } = layout();
    const error = thrown(() =>
      loadDatasetSource({ kind: "csv", train: join(outside, "private.csv") }, { dataRoots: [root] }),
    );
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("leads outside the folders");
    expect(error.message).not.toContain("alice");
  });

  it("refuses a test file outside the roots even when the training file is inside", () => {
    const { root, outside } = layout();
    const error = thrown(() =>
      loadDatasetSource(
        { kind: "csv", train: join(root, "ok.csv"), test: join(outside, "private.csv") },
        { dataRoots: [root] },
      ),
    );
    expect(error.message).toContain(`"${join(outside, "private.csv")}" leads outside`);
  });

  it("refuses an IDX folder outside the roots without listing or checking it", () => {
    const { root } = layout();
    // "/" exists and is a folder: loading it would say which IDX files it lacks.
    const error = thrown(() => loadDatasetSource({ kind: "idx", dir: "/" }, { dataRoots: [root] }));
    expect(error.message).toContain('dataset path "/" leads outside');
    expect(error.message).not.toContain("lacks");
  });

  it("refuses an IDX folder inside a root whose file is a symbolic link leading outside", () => {
    const { root, outside } = layout();
    const idx = join(root, "idx");
    mkdirSync(idx);
    symlinkSync(join(outside, "private.csv"), join(idx, "train-images-idx3-ubyte"));
    const error = thrown(() => loadDatasetSource({ kind: "idx", dir: idx }, { dataRoots: [root] }));
    expect(error.message).toContain(`"${join(idx, "train-images-idx3-ubyte")}" leads outside`);
    expect(error.message).toContain("through a symbolic link");
  });

  it("reads any path when no roots are given (the CLI's prune on the user's own machine)", () => {
    const { outside } = layout();
    writeFileSync(join(outside, "mine.csv"), CSV);
    expect(loadDatasetSource({ kind: "csv", train: join(outside, "mine.csv") }).train.labels.length).toBe(4);
  });
});
