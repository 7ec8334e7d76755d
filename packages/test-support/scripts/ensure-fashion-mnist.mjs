#!/usr/bin/env node
// The dataset tests and an end-to-end run read the real Fashion-MNIST as Debian's
// dataset-fashion-mnist package installs it (the four gzip IDX files in /usr/share/datasets/fashion-mnist),
// or from DEADWEIGHT_FASHION_MNIST_DIR. Missing: install the package with apt when this user may.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { aptInstall } from "./apt-install.mjs";

const folder = process.env.DEADWEIGHT_FASHION_MNIST_DIR || "/usr/share/datasets/fashion-mnist";
const installed = () =>
  ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"].every(
    (file) => existsSync(join(folder, file)) || existsSync(join(folder, `${file}.gz`)),
  );
if (installed()) process.exit(0);

aptInstall(["dataset-fashion-mnist"], `The Fashion-MNIST tests need its four IDX files in ${folder}`);
if (!installed()) {
  console.error(`apt installed dataset-fashion-mnist, but ${folder} does not hold its four IDX files`);
  process.exit(1);
}
