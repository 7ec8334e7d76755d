import { idxFileBytes as idxBytes, thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { idxToDataset, parseIdxImages, parseIdxLabels } from "../../src/data/idx-format.js";

// Two 2x3 images: pixel values 0..5 and 250..255.
const imageFile = idxBytes([2051, 2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
const labelFile = idxBytes([2049, 2], [7, 3]);

describe("parseIdxImages", () => {
  it("reads the big-endian header and the pixel bytes", () => {
    const images = parseIdxImages(imageFile, "imgs");
    expect(images).toMatchObject({ sourceName: "imgs", count: 2, rows: 2, cols: 3 });
    expect([...images.pixels]).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  });

  it("honours a byte offset into a larger buffer (as Node's pooled Buffers have)", () => {
    const padded = new Uint8Array(imageFile.length + 5);
    padded.set(imageFile, 5);
    const images = parseIdxImages(padded.subarray(5), "imgs");
    expect(images.count).toBe(2);
    expect(images.pixels[11]).toBe(255);
  });

  it("rejects a wrong magic, saying expected and found and which file", () => {
    const error = thrown(() => parseIdxImages(idxBytes([1234, 0, 1, 1], []), "train-images"));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('"train-images"');
    expect(error.message).toContain("2051");
    expect(error.message).toContain("1234");
  });

  it("points out swapped image and label files", () => {
    const error = thrown(() => parseIdxImages(labelFile, "labels-passed-as-images"));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("found 2049");
    expect(error.message).toContain("swapped");
  });

  it("rejects a header shorter than 16 bytes", () => {
    const error = thrown(() => parseIdxImages(new Uint8Array([0, 0, 8, 3, 0, 0]), "short-file"));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('"short-file"');
    expect(error.message).toContain("16-byte header");
    expect(error.message).toContain("only 6 bytes");
  });

  it("rejects an empty file as a too-short header", () => {
    const error = thrown(() => parseIdxImages(new Uint8Array(0), "empty-file"));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('"empty-file"');
    expect(error.message).toContain("only 0 bytes");
  });

  it("rejects truncated pixel data, giving expected and found byte counts", () => {
    const error = thrown(() => parseIdxImages(imageFile.subarray(0, imageFile.length - 1), "cut-images"));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('"cut-images"');
    expect(error.message).toContain("2 images of 2x3 (12 bytes after the header), found 11 bytes");
    expect(error.message).toContain("truncated");
  });

  it("rejects trailing bytes after the announced images", () => {
    const error = thrown(() => parseIdxImages(idxBytes([2051, 1, 1, 1], [9, 9]), "long-images"));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("found 2 bytes");
  });

  it("rejects images of zero pixels", () => {
    const error = thrown(() => parseIdxImages(idxBytes([2051, 1, 0, 28], []), "empty-images"));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("0x28");
  });

  it("recognises a gzip file and says to decompress it", () => {
    const error = thrown(() =>
      parseIdxImages(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), "x.gz"),
    );
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('"x.gz"');
    expect(error.message).toContain("decompress");
  });
});

describe("parseIdxLabels", () => {
  it("reads the labels", () => {
    expect([...parseIdxLabels(labelFile, "labels")]).toEqual([7, 3]);
  });

  it("rejects a wrong magic naming the file", () => {
    const error = thrown(() => parseIdxLabels(idxBytes([2050, 0], []), "train-labels"));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('"train-labels"');
    expect(error.message).toContain("expected IDX label magic 2049, found 2050");
  });

  it("rejects a header shorter than 8 bytes", () => {
    const error = thrown(() => parseIdxLabels(new Uint8Array([0, 0, 8, 1]), "tiny-labels"));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('"tiny-labels"');
    expect(error.message).toContain("8-byte header");
  });

  it("rejects truncated label data", () => {
    const error = thrown(() => parseIdxLabels(idxBytes([2049, 3], [1, 2]), "cut-labels"));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('"cut-labels"');
    expect(error.message).toContain("3 labels (3 bytes after the header), found 2 bytes");
  });
});

describe("idxToDataset", () => {
  const images = parseIdxImages(imageFile, "imgs");
  const labels = parseIdxLabels(labelFile, "lbls");

  it("scales pixels to [0, 1] and uses rows * cols features", () => {
    const dataset = idxToDataset({ images, labels, name: "tiny" });
    expect(dataset.name).toBe("tiny");
    expect(dataset.featureCount).toBe(6);
    expect(dataset.features).toBeInstanceOf(Float32Array);
    expect(dataset.features[0]).toBe(0);
    expect(dataset.features[1]).toBeCloseTo(1 / 255, 7);
    expect(dataset.features[11]).toBe(1);
    expect([...dataset.labels]).toEqual([7, 3]);
    expect(dataset.labels).toBeInstanceOf(Int32Array);
  });

  it("keeps only the first maxSamples samples, with the class count of every label", () => {
    const wide = parseIdxLabels(idxBytes([2049, 2], [3, 14]), "l");
    const first = idxToDataset({ images, labels: wide, name: "first", maxSamples: 1 });
    expect(first.features).toHaveLength(6);
    expect(first.features[1]).toBeCloseTo(1 / 255, 7);
    expect([...first.labels]).toEqual([3]);
    // Label 14 is only in the sample left out; the classes are still 0..14.
    expect(first.classCount).toBe(15);
    expect(idxToDataset({ images, labels, name: "all", maxSamples: 5 }).labels).toHaveLength(2);
    const error = thrown(() => idxToDataset({ images, labels, name: "none", maxSamples: 0 }));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain("maxSamples must be a positive integer, got 0");
  });

  it("defaults to 10 classes when every label is a digit", () => {
    expect(idxToDataset({ images, labels, name: "tiny" }).classCount).toBe(10);
  });

  it("defaults to the largest label + 1 above 9", () => {
    const dataset = idxToDataset({ images, labels: parseIdxLabels(idxBytes([2049, 2], [14, 0]), "l"), name: "wide" });
    expect(dataset.classCount).toBe(15);
  });

  it("keeps an explicit classCount", () => {
    expect(idxToDataset({ images, labels, name: "tiny", classCount: 8 }).classCount).toBe(8);
  });

  it("rejects labels outside an explicit classCount, naming the sample and the labels file", () => {
    const error = thrown(() => idxToDataset({ images, labels, name: "tiny", classCount: 5, labelsSourceName: "lbls" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('dataset "tiny"');
    expect(error.message).toContain('sample 0 in "lbls" has label 7');
    expect(error.message).toContain("0..4");
  });

  it("rejects a classCount that is not an integer >= 2", () => {
    const error = thrown(() => idxToDataset({ images, labels, name: "tiny", classCount: 1 }));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain("classCount");
  });

  it("rejects image and label counts that disagree, naming both files", () => {
    const threeLabels = parseIdxLabels(idxBytes([2049, 3], [1, 2, 3]), "lbls");
    const error = thrown(() => idxToDataset({ images, labels: threeLabels, name: "tiny", labelsSourceName: "lbls" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain('"imgs" holds 2 images');
    expect(error.message).toContain('"lbls" holds 3 labels');
  });

  it("rejects an empty pair of files", () => {
    const noImages = parseIdxImages(idxBytes([2051, 0, 2, 2], []), "imgs");
    const noLabels = parseIdxLabels(idxBytes([2049, 0], []), "lbls");
    const error = thrown(() => idxToDataset({ images: noImages, labels: noLabels, name: "empty" }));
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain("no samples");
  });
});
