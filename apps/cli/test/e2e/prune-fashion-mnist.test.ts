import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runDeadweight } from "./run-deadweight.js";

// The real Fashion-MNIST, read from the gzip IDX files Debian's dataset-fashion-mnist installs (the
// package's test script installs it): a 784-32-10 network on the first 3000 training images, 2
// epochs, 4 thresholds. Seconds; what matters is that the real files load, train and prune.

describe("deadweight prune --dataset fashion-mnist", () => {
  const out = join(mkdtempSync(join(tmpdir(), "deadweight-fashion-")), "run");
  let run: ReturnType<typeof runDeadweight>;

  beforeAll(() => {
    run = runDeadweight([
      "prune",
      "--dataset",
      "fashion-mnist",
      "--max-train-samples",
      "3000",
      "--max-test-samples",
      "1000",
      "--hidden",
      "32",
      "--epochs",
      "2",
      "--grid",
      "mean=0,0.5",
      "std=0.2,1",
      "--dtypes",
      "float32",
      "--out",
      out,
    ]);
  });

  it("reads the four gzip IDX files and trains a network that learned", () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(
      // Only the samples the split limits let it use are read.
      /dataset: Fashion-MNIST \(.+\): 3000 train \+ 1000 test samples read \(the first ones: the experiment's sample limits\), 784 features, 10 classes/,
    );
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    // Ten balanced classes: 10% is chance; two epochs on 2700 images reach far above it.
    expect(results.base.testAccuracy).toBeGreaterThan(0.6);
    expect(results.rows).toHaveLength(4);
  });

  it("records the ten class names, as the model card and results show them", () => {
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(results.dataset.classNames).toEqual([
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
    ]);
  });
});
