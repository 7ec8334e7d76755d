import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { splitDataset } from "@deadweight/core";
import { idxFileBytes as idxBytes, thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { loadDatasetSource } from "../src/dataset-source.js";
import { IDX_FILE_NAMES, loadIdxFolder, sampleLimitsOfSplit } from "../src/idx-folder.js";
import { tempFolder } from "./temp-folder.js";

/** Three 2x2 training images and two test images, with digit labels. */
function tinyIdxFiles(): Record<string, Uint8Array> {
  return {
    [IDX_FILE_NAMES.trainImages]: idxBytes([2051, 3, 2, 2], [0, 255, 0, 255, 51, 51, 51, 51, 255, 0, 0, 0]),
    [IDX_FILE_NAMES.trainLabels]: idxBytes([2049, 3], [5, 0, 4]),
    [IDX_FILE_NAMES.testImages]: idxBytes([2051, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]),
    [IDX_FILE_NAMES.testLabels]: idxBytes([2049, 2], [7, 2]),
  };
}

describe("loadIdxFolder", () => {
  it("loads train and test sets from the four IDX files", () => {
    const dir = tempFolder(tinyIdxFiles());
    const { train, test } = loadIdxFolder(dir, "tiny");
    expect(train.name).toBe("tiny train");
    expect(test.name).toBe("tiny test");
    expect(train.featureCount).toBe(4);
    expect([...train.labels]).toEqual([5, 0, 4]);
    expect([...test.labels]).toEqual([7, 2]);
    expect(train.features[1]).toBe(1);
    expect(train.features[4]).toBeCloseTo(0.2, 6);
    expect(train.classCount).toBe(10);
    expect(test.classCount).toBe(10);
  });

  it("keeps only the first samples of each set within the given limits, as the split would use", () => {
    const dir = tempFolder(tinyIdxFiles());
    const { train, test } = loadIdxFolder(dir, "tiny", { train: 2, test: 1 });
    expect([...train.labels]).toEqual([5, 0]);
    expect(train.features).toHaveLength(8);
    expect([...test.labels]).toEqual([7]);
    const loaded = loadDatasetSource(
      { kind: "idx", dir },
      { sampleLimits: sampleLimitsOfSplit({ maxTrainSamples: 2 }) },
    );
    expect(loaded.train.labels).toHaveLength(2);
    expect(loaded.test.labels).toHaveLength(2);
    expect(loaded.description).toContain("2 train + 2 test samples read (the first ones");
    // The split of the limited load is the split of the whole one.
    const whole = splitDataset(loadIdxFolder(dir).train, loadIdxFolder(dir).test, { maxTrainSamples: 2 });
    const limited = splitDataset(loaded.train, loaded.test, { maxTrainSamples: 2 });
    expect(limited.train.features).toEqual(whole.train.features);
    expect(limited.validation.labels).toEqual(whole.validation.labels);
  });

  it("names the datasets after the folder by default", () => {
    const dir = tempFolder(tinyIdxFiles());
    expect(loadIdxFolder(dir).train.name).toBe(`${dir} train`);
  });

  it("gives train and test the same class count", () => {
    const files = { ...tinyIdxFiles(), [IDX_FILE_NAMES.testLabels]: idxBytes([2049, 2], [12, 2]) };
    const { train, test } = loadIdxFolder(tempFolder(files));
    expect(train.classCount).toBe(13);
    expect(test.classCount).toBe(13);
  });

  it("rejects a folder that does not exist, naming it", () => {
    const missing = join(tempFolder(), "nope");
    const error = thrown(() => loadIdxFolder(missing));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain(`"${missing}" does not exist`);
  });

  it("rejects a file passed as the folder", () => {
    const dir = tempFolder({ "a.txt": "x" });
    const error = thrown(() => loadIdxFolder(join(dir, "a.txt")));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("is a file, not a folder");
  });

  it("lists the missing files, never the other files of the folder", () => {
    const { [IDX_FILE_NAMES.testImages]: _images, [IDX_FILE_NAMES.testLabels]: _labels, ...rest } = tinyIdxFiles();
    const dir = tempFolder({ ...rest, "notes.txt": "hi" });
    const error = thrown(() => loadIdxFolder(dir));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain(`"${dir}" lacks t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte`);
    expect(error.message).not.toContain("lacks train");
    // The folder may be anything on a worker's disk: its listing is not for the team to read.
    expect(error.message).not.toContain("notes.txt");
  });

  it("reads gzip IDX files (.gz, as MNIST and Fashion-MNIST are published) as the plain ones", () => {
    const gzipped = Object.fromEntries(
      Object.entries(tinyIdxFiles()).map(([name, bytes]) => [`${name}.gz`, gzipSync(bytes)]),
    );
    const plain = loadIdxFolder(tempFolder(tinyIdxFiles()), "tiny");
    const fromGzip = loadIdxFolder(tempFolder(gzipped), "tiny");
    expect(fromGzip).toEqual(plain);
    // A folder may mix the two; a plain file is read when both are there.
    const mixed = { ...tinyIdxFiles(), [`${IDX_FILE_NAMES.trainImages}.gz`]: new Uint8Array([0x1f, 0x8b, 1]) };
    expect(loadIdxFolder(tempFolder(mixed), "tiny")).toEqual(plain);
  });

  it("refuses a truncated .gz, a .gz that is not gzip and a .gz that is not IDX, naming the file", () => {
    const gzipped = () =>
      Object.fromEntries(Object.entries(tinyIdxFiles()).map(([name, bytes]) => [`${name}.gz`, gzipSync(bytes)]));
    const trainImages = `${IDX_FILE_NAMES.trainImages}.gz`;
    const whole = gzipSync(tinyIdxFiles()[IDX_FILE_NAMES.trainImages] as Uint8Array);

    const truncatedDir = tempFolder({ ...gzipped(), [trainImages]: whole.subarray(0, whole.length - 12) });
    const truncated = thrown(() => loadIdxFolder(truncatedDir));
    expect(truncated.code).toBe("INVALID_DATASET");
    expect(truncated.message).toBe(
      `dataset file "${join(truncatedDir, trainImages)}" is a truncated gzip file (zlib: unexpected end of file); the download or copy was cut short, fetch it again`,
    );

    const notGzipDir = tempFolder({ ...gzipped(), [trainImages]: new TextEncoder().encode("<html>404</html>") });
    expect(thrown(() => loadIdxFolder(notGzipDir)).message).toBe(
      `dataset file "${join(notGzipDir, trainImages)}" is named .gz but is not gzip: it does not start with the gzip bytes 1f 8b; if it is not compressed, rename it without .gz`,
    );

    const notIdxDir = tempFolder({ ...gzipped(), [trainImages]: gzipSync(new TextEncoder().encode("a,b\n1,2\n")) });
    const notIdx = thrown(() => loadIdxFolder(notIdxDir));
    expect(notIdx.code).toBe("INVALID_DATASET");
    expect(notIdx.message).toContain(join(notIdxDir, trainImages));
  });

  it("names a file missing in both forms", () => {
    const { [IDX_FILE_NAMES.testLabels]: _labels, ...rest } = tinyIdxFiles();
    const dir = tempFolder(rest);
    expect(thrown(() => loadIdxFolder(dir)).message).toBe(
      `IDX folder "${dir}" lacks t10k-labels-idx1-ubyte (plain or .gz); it must hold the four files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each uncompressed or gzip as published`,
    );
  });

  it("reports a corrupt file by its path", () => {
    const files = { ...tinyIdxFiles(), [IDX_FILE_NAMES.trainLabels]: idxBytes([2051, 3], [5, 0, 4]) };
    const dir = tempFolder(files);
    const error = thrown(() => loadIdxFolder(dir));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain(join(dir, IDX_FILE_NAMES.trainLabels));
    expect(error.message).toContain("expected IDX label magic 2049, found 2051");
  });

  it("reports image and label counts that disagree, naming both files", () => {
    const files = { ...tinyIdxFiles(), [IDX_FILE_NAMES.testLabels]: idxBytes([2049, 1], [7]) };
    const dir = tempFolder(files);
    const error = thrown(() => loadIdxFolder(dir));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain(`"${join(dir, IDX_FILE_NAMES.testImages)}" holds 2 images`);
    expect(error.message).toContain(`"${join(dir, IDX_FILE_NAMES.testLabels)}" holds 1 labels`);
  });

  it("rejects train and test images of different sizes", () => {
    const files = { ...tinyIdxFiles(), [IDX_FILE_NAMES.testImages]: idxBytes([2051, 2, 1, 2], [1, 2, 3, 4]) };
    const error = thrown(() => loadIdxFolder(tempFolder(files)));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("4 pixels per image");
    expect(error.message).toContain("has 2");
  });
});
