export { CSV_TEST_FRACTION, type CsvFiles, type CsvText, loadCsvFiles, loadCsvTexts } from "./csv-files.js";
export { decodeCsvBytes, readCsvText } from "./csv-text.js";
export { dataRootsWith, repositoryDatasetsDirectory, resolveInsideDataRoots } from "./data-roots.js";
export {
  type DatasetSource,
  datasetSourceOf,
  IDX_ALREADY_SCALED,
  type LoadedDatasets,
  type LoadOptions,
  loadDatasetSource,
  parseDatasetArgument,
} from "./dataset-source.js";
export {
  DEBIAN_FASHION_MNIST_DIRECTORY,
  FASHION_MNIST_CLASS_NAMES,
  loadFashionMnist,
} from "./fashion-mnist-files.js";
export {
  IDX_FILE_NAMES,
  idxDatasetsOf,
  idxFilePaths,
  loadIdxFolder,
  type SampleLimits,
  sampleLimitsOfSplit,
} from "./idx-folder.js";
export { bundledMnistDirectory, loadBundledMnist } from "./mnist-files.js";
export { readDatasetFile } from "./read-dataset-file.js";
export { loadStoredDataset, type StoredDatasetFiles } from "./stored-dataset.js";
