import { thrownDeadweightError } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { encodeBinaryDataset, parseBinaryDataset } from "../../src/data/binary-dataset-format.js";
import type { Dataset } from "../../src/data/dataset.js";
import { randomFeatures } from "../synthetic-datasets.js";

const TWO: Dataset = {
  name: "two",
  features: Float32Array.from([1, -0.5, 0.25, 2]),
  labels: Int32Array.from([2, 0]),
  featureCount: 2,
  classCount: 3,
};

describe("encodeBinaryDataset", () => {
  it("writes the header, float32 features and int32 labels, little-endian", () => {
    const bytes = encodeBinaryDataset(TWO);
    expect(bytes.byteLength).toBe(20 + 4 * 4 + 2 * 4);
    expect([...bytes.subarray(0, 20)]).toEqual([
      ...[0x44, 0x57, 0x44, 0x53], // "DWDS"
      ...[1, 0, 0, 0], // version 1
      ...[2, 0, 0, 0], // 2 samples
      ...[2, 0, 0, 0], // 2 features
      ...[3, 0, 0, 0], // 3 classes
    ]);
    // 1.0f = 0x3f800000, little-endian; label 2 as int32.
    expect([...bytes.subarray(20, 24)]).toEqual([0x00, 0x00, 0x80, 0x3f]);
    expect([...bytes.subarray(36, 40)]).toEqual([2, 0, 0, 0]);
  });

  it("round-trips every float bit for bit", () => {
    const features = randomFeatures(30, 7, 3);
    const labels = Int32Array.from({ length: 30 }, (_, i) => i % 4);
    const dataset = { name: "random", features, labels, featureCount: 7, classCount: 4 };
    expect(parseBinaryDataset(encodeBinaryDataset(dataset), "random")).toEqual(dataset);
  });

  it("reads from a view at an odd offset of a larger buffer", () => {
    const bytes = encodeBinaryDataset(TWO);
    const larger = new Uint8Array(bytes.byteLength + 3);
    larger.set(bytes, 1);
    expect(parseBinaryDataset(larger.subarray(1, 1 + bytes.byteLength), "two")).toEqual(TWO);
  });
});

describe("parseBinaryDataset", () => {
  it("rejects another file, a truncated file and an unknown version with INVALID_DATASET", () => {
    const bytes = encodeBinaryDataset(TWO);
    const idx = Uint8Array.from([0, 0, 8, 3, ...new Array(20).fill(0)]);
    expect(thrownDeadweightError(() => parseBinaryDataset(idx, "t10k")).message).toContain(
      'dataset "t10k": expected magic "DWDS"',
    );
    const short = thrownDeadweightError(() => parseBinaryDataset(bytes.subarray(0, bytes.byteLength - 4), "cut"));
    expect(short.code).toBe("INVALID_DATASET");
    expect(short.message).toContain(
      'dataset "cut": header says 2 samples of 2 features (44 bytes) but the file has 40',
    );
    const future = bytes.slice();
    future[4] = 2;
    expect(thrownDeadweightError(() => parseBinaryDataset(future, "v2")).message).toContain("format version 2");
    expect(thrownDeadweightError(() => parseBinaryDataset(new Uint8Array(3), "tiny")).message).toContain(
      "3 bytes is shorter than the 20-byte header",
    );
  });

  it("rejects a label outside the class range (the dataset checks apply)", () => {
    const bytes = encodeBinaryDataset(TWO);
    bytes[36] = 5;
    expect(thrownDeadweightError(() => parseBinaryDataset(bytes, "bad")).message).toContain(
      "sample 0 has label 5, outside the class range 0..2",
    );
  });
});
