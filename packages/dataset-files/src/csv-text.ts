import { gunzippedIfGzip } from "./gzip-bytes.js";
import { readDatasetFile } from "./read-dataset-file.js";

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
  return new TextDecoder("utf-8").decode(gunzippedIfGzip(bytes, path));
}
