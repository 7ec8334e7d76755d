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
  const bytes = readDatasetFile(path);
  const gzip = bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
  if (!gzip && path.toLowerCase().endsWith(".gz")) {
    const start = [...bytes.subarray(0, 4)].map((byte) => byte.toString(16).padStart(2, "0")).join(" ");
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset file "${path}" is named .gz but is not gzip: it starts with bytes ${start === "" ? "(none: the file is empty)" : start}, not 1f 8b; if it is plain CSV, rename it without .gz`,
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
