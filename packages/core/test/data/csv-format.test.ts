import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { parseCsvDataset, parseCsvDatasets } from "../../src/data/csv-format.js";

describe("parseCsvDataset: reading", () => {
  it("reads numeric features and integer labels from the last column, headerless", () => {
    const { dataset, classNames } = parseCsvDataset("0.5,1,0\n2,-3e1,1\n", { name: "plain.csv" });
    expect(classNames).toBeNull();
    expect(dataset.name).toBe("plain.csv");
    expect(dataset.featureCount).toBe(2);
    expect([...dataset.features]).toEqual([0.5, 1, 2, -30]);
    expect([...dataset.labels]).toEqual([0, 1]);
    expect(dataset.classCount).toBe(2);
  });

  it("detects a header of names and skips it", () => {
    const { dataset } = parseCsvDataset("a,b,label\n1,2,0\n3,4,1", { name: "h.csv" });
    expect([...dataset.features]).toEqual([1, 2, 3, 4]);
    expect([...dataset.labels]).toEqual([0, 1]);
  });

  it("detects a header of numeric feature names by its label cell", () => {
    const { dataset, classNames } = parseCsvDataset("0,1,label\n5,6,1\n7,8,0\n", { name: "pixels.csv" });
    expect(classNames).toBeNull();
    expect([...dataset.features]).toEqual([5, 6, 7, 8]);
  });

  it("does not take a headerless first row with a class name for a header", () => {
    const { dataset, classNames } = parseCsvDataset("5.1,3.5,setosa\n6.2,2.9,versicolor\n", { name: "iris.csv" });
    expect(classNames).toEqual(["setosa", "versicolor"]);
    expect(dataset.labels.length).toBe(2);
  });

  it("names the features from the header and the classes from the labels, on the dataset itself", () => {
    const { dataset } = parseCsvDataset("width,height,kind\n1,2,cat\n3,4,dog\n", { name: "named.csv" });
    expect(dataset.featureNames).toEqual(["width", "height"]);
    expect(dataset.classNames).toEqual(["cat", "dog"]);
    const { dataset: plain } = parseCsvDataset("1,2,0\n3,4,1\n", { name: "plain.csv" });
    expect(plain.featureNames).toBeUndefined();
    expect(plain.classNames).toBeUndefined();
  });

  it("refuses a first line of counts and class names (as scikit-learn ships its CSVs), naming it and the fix", () => {
    // breast_cancer.csv's first line: 569 rows, 30 features, then the names of labels 0 and 1.
    const rows = Array.from({ length: 4 }, (_, i) => `${i},${i + 1},${i % 2}`).join("\n");
    const error = thrown(() => parseCsvDataset(`4,2,malignant,benign\n${rows}\n`, { name: "breast_cancer.csv" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toBe(
      'dataset "breast_cancer.csv": line 1 has 4 columns but the 4 rows after it have 3, so it is neither a header nor a sample. It looks like a count line, as some libraries ship their CSVs: 4 rows and 2 features, then 2 class names (labels 0..1). Delete that line (e.g. `tail -n +2 breast_cancer.csv > fixed.csv`) or replace it with a header of 3 column names.',
    );
    expect(error.message).not.toContain("malignant");
  });

  it("refuses a count line with as many columns as the rows (scikit-learn's iris.csv), rather than read it as a header", () => {
    const rows = "5.1,3.5,1.4,0.2,0\n7,3.2,4.7,1.4,1\n6.3,3.3,6,2.5,2\n";
    const error = thrown(() => parseCsvDataset(`3,4,setosa,versicolor,virginica\n${rows}`, { name: "iris.csv.gz" }));
    expect(error.message).toContain("line 1 counts the 3 rows after it");
    expect(error.message).not.toContain("setosa");
    expect(error.message).toContain("`zcat iris.csv.gz | tail -n +2 > fixed.csv`");
  });

  it("refuses a first line with other columns than the rows after it, whatever it holds", () => {
    const error = thrown(() => parseCsvDataset("exported by tool v2\n1,2,0\n3,4,1\n", { name: "odd.csv" }));
    expect(error.message).toContain(
      "line 1 has 1 columns but the 2 rows after it have 3, so it is neither a header nor a sample. Delete that line",
    );
    expect(error.message).not.toContain("exported by");
  });

  it("obeys hasHeader when given", () => {
    const withHeader = parseCsvDataset("1,2,0\n3,4,1\n5,6,1", { name: "x", hasHeader: true });
    expect([...withHeader.dataset.features]).toEqual([3, 4, 5, 6]);
    const error = thrown(() => parseCsvDataset("a,b,c\n1,2,0", { name: "forced.csv", hasHeader: false }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("line 1");
  });

  it("maps class names to the indices of their sorted list", () => {
    const text = "x,species\n1,virginica\n2,setosa\n3,versicolor\n4,setosa\n";
    const { dataset, classNames } = parseCsvDataset(text, { name: "iris.csv" });
    expect(classNames).toEqual(["setosa", "versicolor", "virginica"]);
    expect([...dataset.labels]).toEqual([2, 0, 1, 0]);
    expect(dataset.classCount).toBe(3);
  });

  it("uses a fixed classNames mapping when given", () => {
    const { dataset, classNames } = parseCsvDataset("1,b\n2,b\n", { name: "t", classNames: ["a", "b", "c"] });
    expect(classNames).toEqual(["a", "b", "c"]);
    expect([...dataset.labels]).toEqual([1, 1]);
    expect(dataset.classCount).toBe(3);
  });

  it("finds the label column by name or index", () => {
    const text = "label,f1,f2\n1,10,20\n0,30,40\n";
    const byName = parseCsvDataset(text, { name: "n", labelColumn: "label" });
    const byIndex = parseCsvDataset(text, { name: "i", labelColumn: 0 });
    for (const { dataset } of [byName, byIndex]) {
      expect([...dataset.features]).toEqual([10, 20, 30, 40]);
      expect([...dataset.labels]).toEqual([1, 0]);
    }
  });

  it("handles CRLF, a byte-order mark, blank lines, spaces and no trailing newline", () => {
    const text = "\uFEFFa, b, y\r\n\r\n1, 2, 1\r\n   \r\n3 ,4 ,0";
    const { dataset } = parseCsvDataset(text, { name: "win.csv" });
    expect([...dataset.features]).toEqual([1, 2, 3, 4]);
    expect([...dataset.labels]).toEqual([1, 0]);
  });

  it("reads quoted cells containing commas and doubled quotes", () => {
    const text = 'f1,f2,"the ""class"", quoted"\n1,"2","big, red"\n3,4,small\n';
    const { dataset, classNames } = parseCsvDataset(text, { name: "q.csv", labelColumn: 'the "class", quoted' });
    expect(classNames).toEqual(["big, red", "small"]);
    expect([...dataset.features]).toEqual([1, 2, 3, 4]);
  });

  it("keeps an explicit classCount larger than the labels need", () => {
    expect(parseCsvDataset("1,0\n2,1\n", { name: "c", classCount: 10 }).dataset.classCount).toBe(10);
  });
});

describe("parseCsvDataset: errors name the line and column", () => {
  it("rejects a non-numeric feature cell, saying what was expected without quoting the cell", () => {
    // A worker's error reaches every member of the team: it must not carry the file's contents.
    const error = thrown(() => parseCsvDataset("user,b,y\n1,2,0\n3,alice,1\n", { name: "bad.csv" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toBe(
      'dataset "bad.csv": line 3, column 2 ("b") is text, not a number; every feature must be numeric (encode categorical features first)',
    );
    expect(error.message).not.toContain("alice");
  });

  it.each(["NaN", "Infinity", "-inf", "nan"])("rejects a %s feature cell", (cell) => {
    const error = thrown(() => parseCsvDataset(`1,2,0\n${cell},4,1\n`, { name: "nf.csv" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("line 2, column 1 is NaN or infinite");
    expect(error.message).toContain("finite");
  });

  it("rejects a feature too large for float32", () => {
    const error = thrown(() => parseCsvDataset("1,2,0\n1e39,4,1\n", { name: "big.csv" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("line 2, column 1 is too large for a 32-bit float");
    expect(error.message).not.toContain("1e39");
  });

  it("rejects an empty feature cell", () => {
    const error = thrown(() => parseCsvDataset("1,2,0\n3,,1\n", { name: "gap.csv" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("line 2, column 2 is empty");
  });

  it("rejects an empty label cell", () => {
    const error = thrown(() => parseCsvDataset("1,2,0\n3,4,\n", { name: "nolabel.csv" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("line 2, column 3 (the label) is empty");
  });

  it("rejects rows with the wrong number of columns", () => {
    const error = thrown(() => parseCsvDataset("a,b,y\n1,2,0\n\n3,4,5,1\n", { name: "ragged.csv" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("line 4 has 4 columns, expected 3");
  });

  it("rejects an empty file", () => {
    const error = thrown(() => parseCsvDataset("\n \r\n", { name: "empty.csv" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('dataset "empty.csv"');
    expect(error.message).toContain("no rows");
  });

  it("rejects a header without data rows", () => {
    const error = thrown(() => parseCsvDataset("a,b,label\n", { name: "header-only.csv" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("no data rows");
  });

  it("rejects a single-column file, suggesting the separator is wrong", () => {
    const error = thrown(() => parseCsvDataset("1;2;0\n3;4;1\n", { name: "semicolons.csv" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("line 1 has 1 column");
    expect(error.message).toContain("comma-separated");
  });

  it("rejects an unknown labelColumn name, listing the columns", () => {
    const error = thrown(() => parseCsvDataset("a,b,y\n1,2,0\n", { name: "cols.csv", labelColumn: "species" }));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain('labelColumn "species" is not in the header');
    expect(error.message).toContain('"a", "b", "y"');
  });

  it("rejects a labelColumn name when there is no header", () => {
    const error = thrown(() => parseCsvDataset("1,2,0\n", { name: "n.csv", labelColumn: "y", hasHeader: false }));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain("no header row");
  });

  it("rejects a labelColumn index outside the columns", () => {
    const error = thrown(() => parseCsvDataset("1,2,0\n", { name: "n.csv", labelColumn: 3 }));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain("labelColumn 3");
    expect(error.message).toContain("0..2");
  });

  it("rejects a negative numeric label", () => {
    const error = thrown(() => parseCsvDataset("a,y\n1,0\n2,-1\n", { name: "neg.csv" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('line 3, column 2 ("y") has a numeric label that is not an integer 0..k-1');
    expect(error.message).not.toContain("label -1");
  });

  it("rejects a non-integer numeric label", () => {
    const error = thrown(() => parseCsvDataset("1,0\n2,1.5\n", { name: "frac.csv" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("line 2, column 2 has a numeric label that is not an integer 0..k-1");
    expect(error.message).not.toContain("1.5");
  });

  it("rejects labels outside an explicit classCount, naming the line", () => {
    const error = thrown(() => parseCsvDataset("1,0\n2,1\n3,4\n", { name: "cc.csv", classCount: 3 }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("line 3, column 2 has a label outside the class range 0..2");
  });

  it("rejects more class names than an explicit classCount", () => {
    const error = thrown(() => parseCsvDataset("1,a\n2,b\n3,c\n", { name: "names.csv", classCount: 2 }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("3 class names");
  });

  it("rejects a label missing from a fixed classNames mapping", () => {
    const error = thrown(() => parseCsvDataset("1,a\n2,z\n", { name: "fixed.csv", classNames: ["a", "b"] }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('line 2, column 2 has a label that is not one of the class names "a", "b"');
    expect(error.message).not.toContain('"z"');
  });

  it("rejects a single class", () => {
    const error = thrown(() => parseCsvDataset("1,0\n2,0\n", { name: "one.csv" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("at least 2 classes");
  });

  it("rejects an unclosed quote", () => {
    const error = thrown(() => parseCsvDataset('1,"2,0\n', { name: "quote.csv" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("line 1, column 2");
  });
});

describe("parseCsvDatasets", () => {
  it("maps class names through the sorted union of all texts", () => {
    const { datasets, classNames } = parseCsvDatasets(
      [
        { text: "x,class\n1,dog\n2,cat\n", name: "train.csv" },
        { text: "x,class\n3,emu\n4,dog\n", name: "test.csv" },
      ],
      {},
    );
    expect(classNames).toEqual(["cat", "dog", "emu"]);
    expect(datasets.map((dataset) => dataset.name)).toEqual(["train.csv", "test.csv"]);
    expect(datasets.map((dataset) => [...dataset.labels])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    expect(datasets.map((dataset) => dataset.classCount)).toEqual([3, 3]);
  });

  it("accepts a text holding a single class when the group has more", () => {
    const { datasets } = parseCsvDatasets(
      [
        { text: "1,0\n2,1\n3,2\n", name: "train.csv" },
        { text: "4,1\n5,1\n", name: "test.csv" },
      ],
      {},
    );
    expect(datasets.map((dataset) => dataset.classCount)).toEqual([3, 3]);
    const named = parseCsvDatasets(
      [
        { text: "1,a\n2,b\n", name: "train.csv" },
        { text: "3,b\n", name: "test.csv" },
      ],
      {},
    );
    expect([...(named.datasets[1]?.labels ?? [])]).toEqual([1]);
  });

  it("rejects texts with different feature counts, naming both", () => {
    const error = thrown(() =>
      parseCsvDatasets(
        [
          { text: "1,2,0\n3,4,1\n", name: "train.csv" },
          { text: "1,0\n2,1\n", name: "test.csv" },
        ],
        {},
      ),
    );
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('dataset "test.csv" has 1 feature columns but "train.csv" has 2');
  });

  it("names the text and line of a label outside an explicit classCount", () => {
    const error = thrown(() =>
      parseCsvDatasets(
        [
          { text: "1,0\n2,1\n", name: "train.csv" },
          { text: "1,0\n2,7\n", name: "test.csv" },
        ],
        { classCount: 2 },
      ),
    );
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('dataset "test.csv": line 2, column 2 has a label outside the class range 0..1');
  });

  it("rejects an empty list of sources", () => {
    expect(thrown(() => parseCsvDatasets([], {})).code).toBe("INVALID_OPTION");
  });
});
