import type { BundleFile } from "../bundle/model-bundle.js";
import { DeadweightError } from "../errors.js";
import { assertValidInputContract, type InputContract } from "./input-contract.js";

/** The file beside model.json that states a bundle's input contract; model.json itself stays plain TF.js. */
export const INPUT_CONTRACT_FILE_NAME = "input-contract.json";

/** The `format` field every input-contract.json carries. */
export const INPUT_CONTRACT_FORMAT = "deadweight-input-contract";

/** A contract as the file holds it: one line of JSON and a newline (stable bytes, so its sha256 is too). */
export function encodeInputContract(contract: InputContract): BundleFile {
  const document = {
    format: INPUT_CONTRACT_FORMAT,
    version: 1,
    originalWidth: contract.originalWidth,
    keptFeatures: [...contract.keptFeatures],
    ...(contract.featureNames === undefined ? {} : { featureNames: [...contract.featureNames] }),
  };
  return { name: INPUT_CONTRACT_FILE_NAME, bytes: new TextEncoder().encode(`${JSON.stringify(document)}\n`) };
}

/** Reads an input-contract.json. Throws MODEL_SHAPE_MISMATCH naming `sourceName` when it is not a valid contract. */
export function parseInputContract(bytes: Uint8Array, sourceName = INPUT_CONTRACT_FILE_NAME): InputContract {
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(new TextDecoder("utf-8").decode(bytes)) as Record<string, unknown>;
  } catch (error) {
    throw new DeadweightError(
      "MODEL_SHAPE_MISMATCH",
      `${sourceName} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (document === null || typeof document !== "object" || document.format !== INPUT_CONTRACT_FORMAT) {
    throw new DeadweightError("MODEL_SHAPE_MISMATCH", `${sourceName}: not a ${INPUT_CONTRACT_FORMAT} file`);
  }
  if (document.version !== 1) {
    throw new DeadweightError(
      "MODEL_SHAPE_MISMATCH",
      `${sourceName}: version ${String(document.version)} is not supported (this Deadweight reads version 1)`,
    );
  }
  const contract = {
    originalWidth: document.originalWidth,
    keptFeatures: document.keptFeatures,
    ...(document.featureNames === undefined ? {} : { featureNames: document.featureNames }),
  } as InputContract;
  assertValidInputContract(contract, sourceName);
  return contract;
}
