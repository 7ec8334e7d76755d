import { homedir } from "node:os";
import { join } from "node:path";
import { dataRootsWith } from "@deadweight/dataset-files";

/** Where a worker's runs may take their data from (flags of `deadweight worker`). */
export interface WorkerDatasets {
  /**
   * The folders whose files a run may name as csv:<file> or idx:<folder> (symbolic links resolved);
   * the repository's datasets/ and the bundled MNIST are always among them. Any other path is refused
   * before it is opened.
   */
  readonly dataRoots: readonly string[];
  /** Where datasets the platform stores are kept once downloaded, by sha256 (`<cacheDir>/<aa>/<sha256>`). */
  readonly cacheDir: string;
  /** Where this machine keeps Fashion-MNIST; undefined: Debian's /usr/share/datasets/fashion-mnist. */
  readonly fashionMnistDirectory?: string;
}

/** The default cache of downloaded datasets: ~/.cache/deadweight/datasets. */
export function defaultDatasetCacheDir(): string {
  return join(homedir(), ".cache", "deadweight", "datasets");
}

/** A worker's datasets settings: `dataRoots` added to the ones always allowed; the default cache unless given. */
export function workerDatasets(options: {
  readonly dataRoots?: readonly string[];
  readonly cacheDir?: string;
  readonly fashionMnistDirectory?: string;
}): WorkerDatasets {
  return {
    dataRoots: dataRootsWith(options.dataRoots ?? []),
    cacheDir: options.cacheDir ?? defaultDatasetCacheDir(),
    ...(options.fashionMnistDirectory === undefined ? {} : { fashionMnistDirectory: options.fashionMnistDirectory }),
  };
}
