import { DeadweightError } from "@deadweight/core";
import {
  datasetSourceOf,
  type LoadedDatasets,
  loadDatasetSource,
  loadStoredDataset,
  sampleLimitsOfSplit,
} from "@deadweight/dataset-files";
import type { ExperimentConfig } from "@deadweight/experiment-config";
import { isServerCallError } from "../api/server-call-error.js";
import type { WorkerApi } from "../api/worker-api.js";
import { cachedDatasetFile } from "./dataset-cache.js";
import type { WorkerDatasets } from "./worker-datasets.js";

/**
 * The train and test sets a run's configuration names: the bundled MNIST; a path on this machine,
 * read only inside the worker's data roots (anything else is refused before it is opened); or a
 * dataset the platform stores (`dataset:<id>`), its files taken from the cache or downloaded by
 * sha256 through the API and checked.
 */
export async function loadRunDatasets(
  config: ExperimentConfig,
  datasets: WorkerDatasets,
  api: Pick<WorkerApi, "getDataset" | "downloadDatasetFile">,
  log: (line: string) => void,
): Promise<LoadedDatasets> {
  const source = datasetSourceOf(config);
  if (source.kind !== "platform") {
    return loadDatasetSource(source, {
      dataRoots: datasets.dataRoots,
      sampleLimits: sampleLimitsOfSplit(config.split),
      ...(datasets.fashionMnistDirectory === undefined
        ? {}
        : { fashionMnistDirectory: datasets.fashionMnistDirectory }),
    });
  }
  const dataset = await api.getDataset(source.datasetId).catch((error: unknown) => {
    // Experiments are checked when created: a missing dataset will stay missing, retrying cannot help.
    if (!isServerCallError(error, "not-found")) throw error;
    throw new DeadweightError(
      "INVALID_DATASET",
      `dataset "${config.dataset}" is not a dataset of this worker's team (${(error as Error).message}); check the experiment's dataset with \`deadweight dataset list\``,
    );
  });
  const files = [];
  for (const file of dataset.files) {
    const { bytes, fromCache } = await cachedDatasetFile(datasets.cacheDir, file, () =>
      api.downloadDatasetFile(dataset.id, file),
    );
    if (!fromCache)
      log(`dataset "${dataset.name}" (dataset:${dataset.id}): downloaded ${file.name} (${file.sizeBytes} bytes)`);
    files.push({ name: file.name, bytes });
  }
  return loadStoredDataset(
    { id: dataset.id, name: dataset.name, kind: dataset.kind, files },
    {
      ...(config.labelColumn === undefined ? {} : { labelColumn: config.labelColumn }),
      ...(config.header === undefined ? {} : { header: config.header === "yes" }),
    },
  );
}
