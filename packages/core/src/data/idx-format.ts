import { DeadweightError } from "../errors.js";
import { assertValidDataset, type Dataset } from "./dataset.js";

/** IDX magic numbers: 0x08 (unsigned byte data) in the third byte, the dimension count in the fourth. */
const IMAGES_MAGIC = 2051;
const LABELS_MAGIC = 2049;
const IMAGES_HEADER_BYTES = 16;
const LABELS_HEADER_BYTES = 8;

/** The contents of an IDX3 image file: `count` images of rows x cols unsigned bytes, row-major. */
export interface IdxImages {
  /** The file the images came from, for error messages. */
  readonly sourceName: string;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  readonly pixels: Uint8Array;
}

/** Parses the bytes of an IDX3 image file (magic 2051, big-endian count, rows, cols, then one byte per pixel). */
export function parseIdxImages(bytes: Uint8Array, sourceName: string): IdxImages {
  const header = readIdxHeader(bytes, sourceName, IMAGES_MAGIC, IMAGES_HEADER_BYTES, "image");
  const count = header.getUint32(4);
  const rows = header.getUint32(8);
  const cols = header.getUint32(12);
  if (rows === 0 || cols === 0) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${sourceName}": header says each image is ${rows}x${cols} pixels; an image needs at least one pixel`,
    );
  }
  const pixels = readIdxBody(bytes, sourceName, IMAGES_HEADER_BYTES, count, rows * cols, `images of ${rows}x${cols}`);
  return { sourceName, count, rows, cols, pixels };
}

/** Parses the bytes of an IDX1 label file (magic 2049, big-endian count, then one byte per label). */
export function parseIdxLabels(bytes: Uint8Array, sourceName: string): Uint8Array {
  const header = readIdxHeader(bytes, sourceName, LABELS_MAGIC, LABELS_HEADER_BYTES, "label");
  const count = header.getUint32(4);
  return readIdxBody(bytes, sourceName, LABELS_HEADER_BYTES, count, 1, "labels");
}

export interface IdxDatasetInput {
  readonly images: IdxImages;
  readonly labels: Uint8Array;
  readonly name: string;
  /** Defaults to the largest label + 1, but at least 10 (the MNIST convention) when every label is a digit. */
  readonly classCount?: number;
  /** The file the labels came from, for error messages. */
  readonly labelsSourceName?: string;
  /**
   * Keep only the first this many samples (a quick run's split reads no more): the others are never
   * converted to float32. The class count still comes from every label, so the network's shape does
   * not depend on it. Default: all.
   */
  readonly maxSamples?: number;
}

/** Pairs parsed IDX images and labels into a Dataset whose features are the pixels scaled to [0, 1]. */
export function idxToDataset(input: IdxDatasetInput): Dataset {
  const { images, labels, name } = input;
  const labelsSource = input.labelsSourceName === undefined ? "the labels file" : `"${input.labelsSourceName}"`;
  if (images.count !== labels.length) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${name}": "${images.sourceName}" holds ${images.count} images but ${labelsSource} holds ${labels.length} labels; use the image and label files of the same split`,
    );
  }
  let maxLabel = 0;
  for (const label of labels) maxLabel = Math.max(maxLabel, label);
  let classCount: number;
  if (input.classCount === undefined) {
    classCount = Math.max(maxLabel + 1, 10);
  } else {
    classCount = input.classCount;
    if (!Number.isInteger(classCount) || classCount < 2) {
      throw new DeadweightError(
        "INVALID_OPTION",
        `dataset "${name}": classCount must be an integer >= 2, got ${classCount}`,
      );
    }
    const outside = labels.findIndex((label) => label >= classCount);
    if (outside >= 0) {
      throw new DeadweightError(
        "INVALID_DATASET",
        `dataset "${name}": sample ${outside} in ${labelsSource} has label ${labels[outside]}, outside the class range 0..${classCount - 1} given by classCount ${classCount}; pass classCount >= ${maxLabel + 1} or check the labels file`,
      );
    }
  }
  const { maxSamples } = input;
  if (maxSamples !== undefined && (!Number.isInteger(maxSamples) || maxSamples < 1)) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `dataset "${name}": maxSamples must be a positive integer, got ${maxSamples}`,
    );
  }
  const kept = Math.min(maxSamples ?? images.count, images.count);
  const pixels = images.pixels.subarray(0, kept * images.rows * images.cols);
  const features = new Float32Array(pixels.length);
  for (let i = 0; i < features.length; i++) features[i] = (pixels[i] as number) / 255;
  const dataset: Dataset = {
    name,
    features,
    labels: Int32Array.from(labels.subarray(0, kept)),
    featureCount: images.rows * images.cols,
    classCount,
  };
  assertValidDataset(dataset);
  return dataset;
}

function readIdxHeader(
  bytes: Uint8Array,
  sourceName: string,
  expectedMagic: number,
  headerBytes: number,
  kind: "image" | "label",
): DataView {
  // A .gz file renamed or passed by mistake is the most common wrong input; name the fix.
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${sourceName}": the file is gzip-compressed; decompress it first (e.g. gunzip) and pass the raw IDX file`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, headerBytes));
  // The magic tells more about a wrong file than its length does, so it is checked first when present.
  const magic = bytes.length >= 4 ? view.getUint32(0) : expectedMagic;
  if (magic !== expectedMagic) {
    const hint =
      magic === IMAGES_MAGIC
        ? " (that is an image file: are the image and label files swapped?)"
        : magic === LABELS_MAGIC
          ? " (that is a label file: are the image and label files swapped?)"
          : "";
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${sourceName}": expected IDX ${kind} magic ${expectedMagic}, found ${magic}${hint}`,
    );
  }
  if (bytes.length < headerBytes) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${sourceName}": an IDX ${kind} file starts with a ${headerBytes}-byte header, but the file has only ${bytes.length} bytes`,
    );
  }
  return view;
}

function readIdxBody(
  bytes: Uint8Array,
  sourceName: string,
  headerBytes: number,
  count: number,
  bytesPerSample: number,
  what: string,
): Uint8Array {
  const expected = count * bytesPerSample;
  const found = bytes.length - headerBytes;
  if (found !== expected) {
    const problem = found < expected ? "the file is truncated" : "the file has trailing bytes";
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${sourceName}": header announces ${count} ${what} (${expected} bytes after the header), found ${found} bytes; ${problem}, re-download or re-extract it`,
    );
  }
  return bytes.subarray(headerBytes);
}
