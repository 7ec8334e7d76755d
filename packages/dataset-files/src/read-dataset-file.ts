import { readFileSync } from "node:fs";
import { DeadweightError } from "@deadweight/core";

/** Reads a whole dataset file, turning file-system failures into INVALID_DATASET errors that name the path. */
export function readDatasetFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "does not exist; check the path"
        : code === "EISDIR"
          ? "is a directory, not a file"
          : code === "EACCES" || code === "EPERM"
            ? "cannot be read (permission denied)"
            : `cannot be read (${(error as Error).message})`;
    throw new DeadweightError("INVALID_DATASET", `dataset file "${path}" ${reason}`);
  }
}
