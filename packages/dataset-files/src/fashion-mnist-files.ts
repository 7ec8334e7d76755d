import { existsSync } from "node:fs";
import { type Dataset, DeadweightError } from "@deadweight/core";
import { loadIdxFolder, type SampleLimits } from "./idx-folder.js";

/** Where Debian's dataset-fashion-mnist package installs the four gzip IDX files. */
export const DEBIAN_FASHION_MNIST_DIRECTORY = "/usr/share/datasets/fashion-mnist";

/** Fashion-MNIST's ten classes, by label (Xiao, Rasul and Vollgraf, 2017). */
export const FASHION_MNIST_CLASS_NAMES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

/**
 * Loads Fashion-MNIST (60000 training and 10000 test images of 28x28 pixels, named "fashion-mnist
 * train"/"fashion-mnist test") from `directory`: the four IDX files, gzip as published or plain.
 * Throws INVALID_DATASET saying which package to install or which variable to set when it is missing.
 * With `limits`, only the first samples of each set are kept.
 */
export function loadFashionMnist(
  directory: string = DEBIAN_FASHION_MNIST_DIRECTORY,
  limits: SampleLimits = {},
): {
  train: Dataset;
  test: Dataset;
} {
  if (!existsSync(directory)) {
    throw new DeadweightError(
      "INVALID_DATASET",
      `Fashion-MNIST is not in ${directory}: install Debian's package (sudo apt-get install dataset-fashion-mnist), or download its four files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, from github.com/zalandoresearch/fashion-mnist) into a folder and set DEADWEIGHT_FASHION_MNIST_DIR to it`,
    );
  }
  return loadIdxFolder(directory, "fashion-mnist", limits);
}
