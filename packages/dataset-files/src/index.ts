export { CSV_TEST_FRACTION, type CsvFiles, loadCsvFiles } from "./csv-files.js";
export { readCsvText } from "./csv-text.js";
export {
  type DatasetSource,
  IDX_ALREADY_SCALED,
  type LoadedDatasets,
  loadDatasetSource,
  parseDatasetArgument,
} from "./dataset-source.js";
export { IDX_FILE_NAMES, loadIdxFolder } from "./idx-folder.js";
export { bundledMnistDirectory, loadBundledMnist } from "./mnist-files.js";
export { readDatasetFile } from "./read-dataset-file.js";
