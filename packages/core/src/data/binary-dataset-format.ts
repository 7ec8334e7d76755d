import { DeadweightError } from "../errors.js";
import { assertValidDataset, type Dataset, sampleCount } from "./dataset.js";

/**
 * A dataset as one binary file, so a process without Deadweight (the standalone bundle verifier)
 * reads exactly the features the core evaluated, float32 for float32. Layout, little-endian:
 * "DWDS" magic, uint32 version (1), uint32 sample count, uint32 feature count, uint32 class count,
 * then count x features float32 features (row-major), then count int32 labels.
 */
export const BINARY_DATASET_MAGIC = "DWDS";
export const BINARY_DATASET_VERSION = 1;
const HEADER_BYTES = 20;

/** The file's bytes for `dataset` (validated first). */
export function encodeBinaryDataset(dataset: Dataset): Uint8Array {
  assertValidDataset(dataset);
  const count = sampleCount(dataset);
  const bytes = new Uint8Array(HEADER_BYTES + count * dataset.featureCount * 4 + count * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) bytes[i] = BINARY_DATASET_MAGIC.charCodeAt(i);
  view.setUint32(4, BINARY_DATASET_VERSION, true);
  view.setUint32(8, count, true);
  view.setUint32(12, dataset.featureCount, true);
  view.setUint32(16, dataset.classCount, true);
  let offset = HEADER_BYTES;
  for (const value of dataset.features) {
    view.setFloat32(offset, value, true);
    offset += 4;
  }
  for (const label of dataset.labels) {
    view.setInt32(offset, label, true);
    offset += 4;
  }
  return bytes;
}

/** Reads the file's bytes back into a Dataset named `name`. Throws INVALID_DATASET saying what does not match. */
export function parseBinaryDataset(bytes: Uint8Array, name: string): Dataset {
  if (bytes.byteLength < HEADER_BYTES) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${name}": ${bytes.byteLength} bytes is shorter than the ${HEADER_BYTES}-byte header of a ${BINARY_DATASET_MAGIC} file`,
    );
  }
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== BINARY_DATASET_MAGIC) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${name}": expected magic "${BINARY_DATASET_MAGIC}", found ${JSON.stringify(magic)}; this is not a binary dataset file`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== BINARY_DATASET_VERSION) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${name}": format version ${version} is not supported (this reader knows ${BINARY_DATASET_VERSION})`,
    );
  }
  const count = view.getUint32(8, true);
  const featureCount = view.getUint32(12, true);
  const classCount = view.getUint32(16, true);
  const expected = HEADER_BYTES + count * featureCount * 4 + count * 4;
  if (bytes.byteLength !== expected) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${name}": header says ${count} samples of ${featureCount} features (${expected} bytes) but the file has ${bytes.byteLength} bytes`,
    );
  }
  const features = new Float32Array(count * featureCount);
  const labels = new Int32Array(count);
  let offset = HEADER_BYTES;
  for (let i = 0; i < features.length; i++) {
    features[i] = view.getFloat32(offset, true);
    offset += 4;
  }
  for (let i = 0; i < count; i++) {
    labels[i] = view.getInt32(offset, true);
    offset += 4;
  }
  const dataset = { name, features, labels, featureCount, classCount };
  assertValidDataset(dataset);
  return dataset;
}
