import { gunzipSync } from "node:zlib";
import { DeadweightError } from "@deadweight/core";

/** The two bytes every gzip stream starts with (RFC 1952). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * A dataset file's bytes, decompressed when they are gzip (told by their first two bytes, whatever
 * the name: MNIST, Fashion-MNIST and many CSVs are published gzip). Throws INVALID_DATASET naming the
 * file when a file named `.gz` is not gzip, or its gzip stream is truncated or corrupt. `path` names
 * the file in errors; its bytes are never quoted (it may be any file of a worker's disk).
 */
export function gunzippedIfGzip(bytes: Uint8Array, path: string): Uint8Array {
  const gzip = bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
  if (!gzip && path.toLowerCase().endsWith(".gz")) {
    const what = bytes.length === 0 ? "the file is empty" : "it does not start with the gzip bytes 1f 8b";
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset file "${path}" is named .gz but is not gzip: ${what}; if it is not compressed, rename it without .gz`,
    );
  }
  return gzip ? gunzip(bytes, path) : bytes;
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
