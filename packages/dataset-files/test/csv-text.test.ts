import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { loadCsvFiles } from "../src/csv-files.js";
import { readCsvText } from "../src/csv-text.js";
import { tempFolder } from "./temp-folder.js";

/** Six flowers, named classes, under a header: small enough to read by eye. */
const CSV =
  "length,width,species\n1.4,0.2,setosa\n4.7,1.4,versicolor\n6.0,2.5,virginica\n1.3,0.2,setosa\n4.5,1.5,versicolor\n";

describe("readCsvText", () => {
  it("reads a .csv.gz file directly, the same text as the plain file", () => {
    const dir = tempFolder({ "flowers.csv.gz": gzipSync(CSV), "flowers.csv": CSV });
    expect(readCsvText(join(dir, "flowers.csv.gz"))).toBe(CSV);
    const zipped = loadCsvFiles({ train: join(dir, "flowers.csv.gz") });
    const plain = loadCsvFiles({ train: join(dir, "flowers.csv") });
    expect([...zipped.train.features]).toEqual([...plain.train.features]);
    expect(zipped.classNames).toEqual(["setosa", "versicolor", "virginica"]);
    expect([...zipped.train.labels]).toEqual([0, 1, 2, 0]);
  });

  it("knows gzip by its first bytes, whatever the file is called", () => {
    const dir = tempFolder({ "flowers.data": gzipSync(CSV) });
    expect(readCsvText(join(dir, "flowers.data"))).toBe(CSV);
  });

  it("refuses a truncated gzip file, saying so and what to do", () => {
    const whole = gzipSync(CSV);
    const path = join(tempFolder({ "cut.csv.gz": whole.subarray(0, whole.length - 12) }), "cut.csv.gz");
    const error = thrown(() => readCsvText(path));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toBe(
      `dataset file "${path}" is a truncated gzip file (zlib: unexpected end of file); the download or copy was cut short, fetch it again`,
    );
  });

  it("refuses a corrupt gzip stream", () => {
    const bytes = Uint8Array.from(gzipSync(CSV));
    bytes[12] = (bytes[12] as number) ^ 0xff;
    const path = join(tempFolder({ "bad.csv.gz": bytes }), "bad.csv.gz");
    const error = thrown(() => readCsvText(path));
    expect(error.message).toMatch(
      new RegExp(`^dataset file "${path}" is a corrupt gzip file \\(zlib: .+\\); fetch it again`),
    );
  });

  it("refuses a .gz file that is not gzip, without quoting its bytes", () => {
    const path = join(tempFolder({ "plain.csv.gz": CSV }), "plain.csv.gz");
    const error = thrown(() => readCsvText(path));
    expect(error.message).toBe(
      `dataset file "${path}" is named .gz but is not gzip: it does not start with the gzip bytes 1f 8b; if it is not compressed, rename it without .gz`,
    );
  });

  it("says an empty .gz file is empty", () => {
    const path = join(tempFolder({ "empty.csv.gz": "" }), "empty.csv.gz");
    expect(thrown(() => readCsvText(path)).message).toContain("is named .gz but is not gzip: the file is empty");
  });
});

describe("loadCsvFiles' header setting", () => {
  it("reads a first line of numbers as data when told there is no header, and as a header when told there is", () => {
    const dir = tempFolder({ "numbers.csv": "1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n11,12,1\n" });
    const path = join(dir, "numbers.csv");
    expect(loadCsvFiles({ train: path, header: false }).train.labels.length).toBe(5);
    const withHeader = loadCsvFiles({ train: path, header: true });
    expect(withHeader.train.labels.length).toBe(4);
    expect(withHeader.train.featureNames).toEqual(["1", "2"]);
  });
});
