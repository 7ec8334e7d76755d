import { gunzipSync } from "node:zlib";
import { DeadweightError } from "@deadweight/core";
import { readDatasetFile } from "./read-dataset-file.js";

/** The two bytes every gzip stream starts with (RFC 1952). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * The text of a CSV file, UTF-8, decompressed first when it is gzip (a `.csv.gz` as published, told
 * by its first two bytes, whatever its name). Throws INVALID_DATASET naming the file when a `.gz` file
 * is not gzip, or the gzip stream is truncated or corrupt.
 */
export function readCsvText(path: string): string {
  return decodeCsvBytes(readDatasetFile(path), path);
}

/** The text of a CSV file's bytes, as readCsvText; `path` names it in errors. */
export function decodeCsvBytes(bytes: Uint8Array, path: string): string {
  const gzip = bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
  if (!gzip && path.toLowerCase().endsWith(".gz")) {
    // Its bytes are not quoted: the file may be anything on a worker's disk.
    const what = bytes.length === 0 ? "the file is empty" : "it does not start with the gzip bytes 1f 8b";
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset file "${path}" is named .gz but is not gzip: ${what}; if it is plain CSV, rename it without .gz`,
    );
  }
  return new TextDecoder("utf-8").decode(gzip ? gunzip(bytes, path) : bytes);
}

function gunzip(bytes: Uint8Array, path: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const reason =
      code === "Z_BUF_ERROR"
        ? `is a truncated gzip file (zlib: ${message}); the download or copy was cut short, fetch it again`
        : `is a corrupt gzip file (zlib: ${message}); fetch it again, or check it with gzip -t`;
    throw new DeadweightError("INVALID_DATASET", `dataset file "${path}" ${reason}`);
  }
}
