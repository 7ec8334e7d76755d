import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  applyInputContractToDataset,
  borrowNetworkTensors,
  buildMlpNetwork,
  DeadweightError,
  datasetRange,
  describeInputContract,
  evaluateAccuracy,
  float32Bytes,
  hiddenLayerSizes,
  INPUT_CONTRACT_FILE_NAME,
  type InputContract,
  importLayersModel,
  initialiseBackend,
  parameterCount,
  parseInputContract,
  WEIGHTS_FILE_NAME,
} from "@deadweight/core";
import { loadDatasetSource, parseDatasetArgument } from "@deadweight/dataset-files";
import { ConfigError } from "../config/config-error.js";
import { datasetLoadOptions } from "../config/dataset-load-options.js";
import type { CliEnv } from "../env.js";
import type { CommandStreams } from "./prune-command.js";

export const EVALUATE_USAGE = `deadweight evaluate <model-folder> [options]

Loads a model folder (model.json + weights.bin, e.g. runs/demo/models/mean0.1-std0.4) and reports its
architecture, size and accuracy on a dataset's test set: a check that the file behaves as the table said.
A folder with an input-contract.json (a model with pruned inputs) is given the contract's kept features
of the full-width test set.

Options:
  --dataset <source>          mnist | idx:<folder> | csv:<train.csv>[,<test.csv>]   (default mnist)
  --max-test-samples <n>      evaluate only the first n test samples
  --backend <auto|tensorflow|wasm|cpu>                                              (default auto)
`;

/** `deadweight evaluate`: reload an exported model and measure it. */
export async function evaluateCommand(
  argv: readonly string[],
  streams: CommandStreams,
  env: Pick<CliEnv, "fashionMnistDir"> = { fashionMnistDir: undefined },
): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h" },
        dataset: { type: "string", default: "mnist" },
        "max-test-samples": { type: "string" },
        backend: { type: "string", default: "auto" },
      },
    });
  } catch (error) {
    throw new ConfigError(`${error instanceof Error ? error.message : String(error)}\n\n${EVALUATE_USAGE}`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help === true) {
    streams.stdout.write(EVALUATE_USAGE);
    return;
  }
  const [folder, ...extra] = parsed.positionals;
  if (folder === undefined || extra.length > 0) {
    throw new ConfigError(`evaluate takes exactly one model folder\n\n${EVALUATE_USAGE}`);
  }
  const limitText = values["max-test-samples"] as string | undefined;
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new ConfigError(`--max-test-samples: "${limitText}" is not a positive integer`);
  }

  const backend = await initialiseBackend(values.backend as "auto");
  const weights = await importLayersModel(
    { modelJson: readModelJson(folder), weightsBin: readModelFile(folder, WEIGHTS_FILE_NAME) },
    folder,
  );
  const loaded = loadDatasetSource(parseDatasetArgument(values.dataset as string), datasetLoadOptions(env));
  const inputSize = weights.layers[0]?.inputSize;
  const contract = readInputContract(folder);
  const sourceName = loaded.description.split(":")[0];
  if (contract !== null && loaded.test.featureCount !== contract.originalWidth) {
    throw new DeadweightError(
      "MODEL_SHAPE_MISMATCH",
      `${folder}: ${sourceName} has ${loaded.test.featureCount} features per sample but ${describeInputContract(contract)}; evaluate it on the dataset it was pruned on`,
    );
  }
  const fullTest = contract === null ? loaded.test : applyInputContractToDataset(loaded.test, contract);
  if (inputSize !== fullTest.featureCount) {
    throw new DeadweightError(
      "MODEL_SHAPE_MISMATCH",
      contract === null
        ? `${folder} takes ${inputSize} inputs but ${sourceName} has ${loaded.test.featureCount} features per sample` +
            (inputSize !== undefined && inputSize < loaded.test.featureCount
              ? ` (a model with pruned inputs needs the ${INPUT_CONTRACT_FILE_NAME} it was exported with beside model.json)`
              : "")
        : `${folder}: ${INPUT_CONTRACT_FILE_NAME} keeps ${contract.keptFeatures.length} features but model.json takes ${inputSize}; the files do not belong together`,
    );
  }
  const count = Math.min(limit ?? fullTest.labels.length, fullTest.labels.length);
  const test = datasetRange(fullTest, 0, count);
  const network = buildMlpNetwork(weights);
  try {
    const accuracy = evaluateAccuracy(borrowNetworkTensors(network), test);
    streams.stdout.write(
      [
        `model: ${folder}`,
        `architecture: ${[inputSize, ...hiddenLayerSizes(weights), weights.layers.at(-1)?.outputSize].join("-")}`,
        ...(contract === null
          ? []
          : [
              `inputs: ${contract.keptFeatures.length} of ${contract.originalWidth} features (${INPUT_CONTRACT_FILE_NAME} applied)`,
            ]),
        `parameters: ${parameterCount(weights)} (${float32Bytes(weights)} bytes as float32)`,
        `test accuracy: ${(100 * accuracy).toFixed(2)}% on ${count} samples of ${loaded.description}`,
        `backend: ${backend.description}`,
        "",
      ].join("\n"),
    );
  } finally {
    network.dispose();
  }
}

/** The folder's input-contract.json, or null when it has none (the model reads every feature). */
function readInputContract(folder: string): InputContract | null {
  if (!existsSync(join(folder, INPUT_CONTRACT_FILE_NAME))) return null;
  return parseInputContract(readModelFile(folder, INPUT_CONTRACT_FILE_NAME), join(folder, INPUT_CONTRACT_FILE_NAME));
}

function readModelJson(folder: string) {
  const text = new TextDecoder().decode(readModelFile(folder, "model.json"));
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DeadweightError(
      "MODEL_SHAPE_MISMATCH",
      `${join(folder, "model.json")} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function readModelFile(folder: string, name: string): Uint8Array {
  const path = join(folder, name);
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DeadweightError(
      "MODEL_SHAPE_MISMATCH",
      code === "ENOENT"
        ? `${path} does not exist: a model folder holds model.json and ${WEIGHTS_FILE_NAME} (see models/ in a run folder)`
        : `${path} cannot be read (${code ?? String(error)})`,
    );
  }
}
