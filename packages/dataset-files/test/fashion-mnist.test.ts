import { join } from "node:path";
import { thrownDeadweightError as thrown } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import { loadDatasetSource, parseDatasetArgument } from "../src/dataset-source.js";
import { DEBIAN_FASHION_MNIST_DIRECTORY } from "../src/fashion-mnist-files.js";
import { tempFolder } from "./temp-folder.js";

// The real Fashion-MNIST, as Debian's dataset-fashion-mnist installs it (four gzip IDX files);
// the package script ensure-fashion-mnist.mjs installs it before these tests.
const directory = process.env.DEADWEIGHT_FASHION_MNIST_DIR || DEBIAN_FASHION_MNIST_DIRECTORY;

describe("fashion-mnist", () => {
  it("loads the 60000 + 10000 images from the gzip IDX files, with the ten class names", () => {
    const loaded = loadDatasetSource(parseDatasetArgument("fashion-mnist"), { fashionMnistDirectory: directory });
    expect(loaded.train.labels.length).toBe(60_000);
    expect(loaded.test.labels.length).toBe(10_000);
    expect(loaded.train.featureCount).toBe(784);
    expect(loaded.train.classCount).toBe(10);
    expect(loaded.classNames?.[9]).toBe("Ankle boot");
    // The first training image is an ankle boot (label 9), as in the dataset's own documentation.
    expect(loaded.train.labels[0]).toBe(9);
    // Every class has 6000 training images.
    const counts = new Array<number>(10).fill(0);
    for (const label of loaded.train.labels) counts[label] = (counts[label] as number) + 1;
    expect(counts).toEqual(new Array(10).fill(6000));
    expect(Math.max(...loaded.train.features.subarray(0, 784))).toBeLessThanOrEqual(1);
    expect(loaded.description).toMatch(
      /^Fashion-MNIST \(.+\): 60000 train \+ 10000 test samples, 784 features, 10 classes$/,
    );
  });

  it("says which package to install, or which variable to set, when it is not there", () => {
    const missing = join(tempFolder({}), "nowhere");
    const error = thrown(() =>
      loadDatasetSource(parseDatasetArgument("fashion-mnist"), { fashionMnistDirectory: missing }),
    );
    expect(error.code).toBe("INVALID_DATASET");
    expect(error.message).toContain(
      `Fashion-MNIST is not in ${missing}: install Debian's package (sudo apt-get install dataset-fashion-mnist)`,
    );
    expect(error.message).toContain("set DEADWEIGHT_FASHION_MNIST_DIR");
  });
});
