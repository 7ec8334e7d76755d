import type { LoadOptions } from "@deadweight/dataset-files";
import type { CliEnv } from "../env.js";

/** Where this machine keeps the datasets a name stands for (Fashion-MNIST: DEADWEIGHT_FASHION_MNIST_DIR). */
export function datasetLoadOptions(env: Pick<CliEnv, "fashionMnistDir">): LoadOptions {
  return env.fashionMnistDir === undefined ? {} : { fashionMnistDirectory: env.fashionMnistDir };
}
