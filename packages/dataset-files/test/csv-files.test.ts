import { join } from "node:path";
import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { loadCsvFiles } from "../src/csv-files.js";
import { tempFolder } from "./temp-folder.js";

/** `count` rows "i,2i,label" with labels cycling through `labels`, under a header. */
function csvRows(count: number, labels: readonly string[]): string {
  const rows = Array.from({ length: count }, (_, i) => `${i},${2 * i},${labels[i % labels.length]}`);
  return `x,y,class\n${rows.join("\n")}\n`;
}

describe("loadCsvFiles", () => {
  it("holds out the last 20% of a lone file as the test set and says so in the names", () => {
    const dir = tempFolder({ "data.csv": csvRows(10, ["0", "1"]) });
    const path = join(dir, "data.csv");
    const { train, test, classNames } = loadCsvFiles({ train: path });
    expect(classNames).toBeNull();
    expect(train.labels.length).toBe(8);
    expect(test.labels.length).toBe(2);
    expect(test.features[0]).toBe(8);
    expect(train.name).toBe(`${path}[0:8] (first 80%)`);
    expect(test.name).toBe(`${path}[8:10] (last 20%, no test file)`);
  });

  it("keeps at least one row for each side of a lone file", () => {
    const path = join(tempFolder({ "two.csv": "1,0\n2,1\n" }), "two.csv");
    const { train, test } = loadCsvFiles({ train: path });
    expect([train.labels.length, test.labels.length]).toEqual([1, 1]);
  });

  it("rejects a lone file with a single row", () => {
    const path = join(tempFolder({ "one.csv": "a,b,label\n1,2,0\n" }), "one.csv");
    const error = thrown(() => loadCsvFiles({ train: path }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain(path);
  });

  it("loads a separate test file", () => {
    const dir = tempFolder({ "train.csv": csvRows(6, ["0", "1", "2"]), "test.csv": csvRows(3, ["1"]) });
    const { train, test } = loadCsvFiles({ train: join(dir, "train.csv"), test: join(dir, "test.csv") });
    expect(train.name).toBe(join(dir, "train.csv"));
    expect(test.name).toBe(join(dir, "test.csv"));
    expect(train.labels.length).toBe(6);
    expect(test.labels.length).toBe(3);
    expect(test.classCount).toBe(3);
    expect(train.classCount).toBe(3);
  });

  it("maps class names through the union of both files", () => {
    const dir = tempFolder({
      "train.csv": csvRows(4, ["dog", "cat"]),
      "test.csv": csvRows(3, ["emu", "dog"]),
    });
    const { train, test, classNames } = loadCsvFiles({ train: join(dir, "train.csv"), test: join(dir, "test.csv") });
    expect(classNames).toEqual(["cat", "dog", "emu"]);
    expect([...train.labels]).toEqual([1, 0, 1, 0]);
    expect([...test.labels]).toEqual([2, 1, 2]);
    expect(train.classCount).toBe(3);
    expect(test.classCount).toBe(3);
  });

  it("accepts a test file holding a single class", () => {
    const dir = tempFolder({ "train.csv": csvRows(4, ["dog", "cat"]), "test.csv": csvRows(2, ["dog"]) });
    const { test, classNames } = loadCsvFiles({ train: join(dir, "train.csv"), test: join(dir, "test.csv") });
    expect(classNames).toEqual(["cat", "dog"]);
    expect([...test.labels]).toEqual([1, 1]);
    expect(test.classCount).toBe(2);
  });

  it("uses the label column given by name", () => {
    const dir = tempFolder({ "d.csv": "class,x\nb,1\na,2\nb,3\na,4\nb,5\n" });
    const { train, classNames } = loadCsvFiles({ train: join(dir, "d.csv"), labelColumn: "class" });
    expect(classNames).toEqual(["a", "b"]);
    expect([...train.features]).toEqual([1, 2, 3, 4]);
  });

  it("rejects a train file that does not exist, naming the path", () => {
    const path = join(tempFolder(), "missing.csv");
    const error = thrown(() => loadCsvFiles({ train: path }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toBe(`dataset file "${path}" does not exist; check the path`);
  });

  it("rejects a test file that does not exist, naming the path", () => {
    const dir = tempFolder({ "train.csv": csvRows(4, ["0", "1"]) });
    const error = thrown(() => loadCsvFiles({ train: join(dir, "train.csv"), test: join(dir, "nope.csv") }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain(join(dir, "nope.csv"));
  });

  it("rejects a folder passed as a file", () => {
    const dir = tempFolder();
    const error = thrown(() => loadCsvFiles({ train: dir }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain(`"${dir}" is a directory`);
  });

  it("rejects train and test files with different columns, naming both", () => {
    const dir = tempFolder({ "train.csv": csvRows(4, ["0", "1"]), "test.csv": "a,label\n1,0\n2,1\n" });
    const error = thrown(() => loadCsvFiles({ train: join(dir, "train.csv"), test: join(dir, "test.csv") }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain(`"${join(dir, "test.csv")}" has 1 feature columns`);
    expect(error.message).toContain(`"${join(dir, "train.csv")}" has 2`);
  });

  it("reports a bad cell with the file name and line", () => {
    const dir = tempFolder({ "bad.csv": "x,y,class\n1,2,0\n3,oops,1\n" });
    const error = thrown(() => loadCsvFiles({ train: join(dir, "bad.csv") }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain(`dataset "${join(dir, "bad.csv")}": line 3, column 2 ("y")`);
  });
});
