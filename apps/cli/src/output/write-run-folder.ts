import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeInputContract, type InputContract, type LayersModelFiles, WEIGHTS_FILE_NAME } from "@deadweight/core";

/** The files of one run, in memory, ready to be written. */
export interface RunFolderContents {
  readonly results: unknown;
  readonly stats: unknown;
  readonly models: ReadonlyMap<string, LayersModelFiles>;
  /** The input contract every model states (written beside each model.json); null when they read every feature. */
  readonly inputContract: InputContract | null;
}

/**
 * Writes results.json, stats.json and models/<id>/{model.json, weights.bin[, input-contract.json]} under `folder`
 * (created if missing), the layout `tf.loadLayersModel("file://…/model.json")` reads.
 */
export function writeRunFolder(folder: string, contents: RunFolderContents): void {
  writeResultsFile(folder, contents.results);
  writeFileSync(join(folder, "stats.json"), `${JSON.stringify(contents.stats)}\n`);
  for (const [id, files] of contents.models) {
    const modelFolder = join(folder, "models", id);
    mkdirSync(modelFolder, { recursive: true });
    writeFileSync(join(modelFolder, "model.json"), `${JSON.stringify(files.modelJson)}\n`);
    writeFileSync(join(modelFolder, WEIGHTS_FILE_NAME), files.weightsBin);
    if (contents.inputContract !== null) {
      const contract = encodeInputContract(contents.inputContract);
      writeFileSync(join(modelFolder, contract.name), contract.bytes);
    }
  }
}

/** Writes (or rewrites) `folder`/results.json, creating the folder if missing. */
export function writeResultsFile(folder: string, results: unknown): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
}
