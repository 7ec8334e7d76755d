import {
  type ActivationStatsDocument,
  encodeInputContract,
  type InputContract,
  type LayersModelFiles,
  WEIGHTS_FILE_NAME,
} from "@deadweight/core";
import type { RunAttemptRef, StoredArtifact } from "@deadweight/protocol";
import { isServerCallError } from "../api/server-call-error.js";
import type { WorkerApi } from "../api/worker-api.js";

/**
 * A run's artifacts on the server, named like the CLI's run folder: models/<id>/model.json,
 * models/<id>/weights.bin and, under input pruning, models/<id>/input-contract.json (id "base" or a
 * sweep row id), and stats.json.
 */

export const BASE_MODEL_ID = "base";
export const STATS_ARTIFACT_NAME = "stats.json";

export interface ModelArtifactNames {
  readonly modelJson: string;
  readonly weightsBin: string;
}

export function modelArtifactNames(modelId: string): ModelArtifactNames {
  return { modelJson: `models/${modelId}/model.json`, weightsBin: `models/${modelId}/${WEIGHTS_FILE_NAME}` };
}

export interface ArtifactUploadReport {
  readonly name: string;
  /** "created", "already stored" (a retry of an earlier upload), or "kept earlier" (other bytes stored by an earlier attempt). */
  readonly result: "created" | "already stored" | "kept earlier";
}

/**
 * Uploads a model. model.json goes first and weights.bin last, so a stored weights.bin means the
 * whole model is stored: that is what a resumed attempt checks before skipping training.
 */
export async function uploadModel(
  api: Pick<WorkerApi, "uploadArtifact">,
  run: RunAttemptRef,
  modelId: string,
  files: LayersModelFiles,
  /** Attach the files to this sweep row (pruned models); the base model belongs to no row. */
  resultRowKey?: string,
  /** The input contract the model reads its features through (input pruning): stored as models/<id>/input-contract.json. */
  inputContract?: InputContract,
): Promise<ArtifactUploadReport[]> {
  const names = modelArtifactNames(modelId);
  const row = resultRowKey === undefined ? {} : { resultRowKey };
  const modelJson = await uploadOnce(api, {
    ...run,
    name: names.modelJson,
    kind: "model-json",
    contentType: "application/json",
    bytes: jsonBytes(files.modelJson),
    ...row,
  });
  // Another architecture is stored under this id by an earlier attempt: keep that model whole
  // rather than pair its model.json with these weights.
  if (modelJson.result === "kept earlier") return [modelJson, { name: names.weightsBin, result: "kept earlier" }];
  // Before weights.bin, which marks the model as stored whole.
  const contract =
    inputContract === undefined ? [] : [await uploadInputContract(api, run, modelId, inputContract, row)];
  const weights = await uploadOnce(api, {
    ...run,
    name: names.weightsBin,
    kind: "weights",
    contentType: "application/octet-stream",
    bytes: files.weightsBin,
    ...row,
  });
  return [modelJson, ...contract, weights];
}

function uploadInputContract(
  api: Pick<WorkerApi, "uploadArtifact">,
  run: RunAttemptRef,
  modelId: string,
  inputContract: InputContract,
  row: { readonly resultRowKey?: string },
): Promise<ArtifactUploadReport> {
  const file = encodeInputContract(inputContract);
  return uploadOnce(api, {
    ...run,
    name: `models/${modelId}/${file.name}`,
    kind: "input-contract",
    contentType: "application/json",
    bytes: file.bytes,
    ...row,
  });
}

export function uploadStatsDocument(
  api: Pick<WorkerApi, "uploadArtifact">,
  run: RunAttemptRef,
  document: ActivationStatsDocument,
): Promise<ArtifactUploadReport> {
  return uploadOnce(api, {
    ...run,
    name: STATS_ARTIFACT_NAME,
    kind: "stats",
    contentType: "application/json",
    bytes: jsonBytes(document),
  });
}

/** The stored model.json and weights.bin of a model, when both are among `artifacts`. */
export function storedModel(
  artifacts: readonly StoredArtifact[],
  modelId: string,
): { readonly modelJson: StoredArtifact; readonly weightsBin: StoredArtifact } | null {
  const names = modelArtifactNames(modelId);
  const modelJson = artifacts.find((artifact) => artifact.name === names.modelJson);
  const weightsBin = artifacts.find((artifact) => artifact.name === names.weightsBin);
  return modelJson === undefined || weightsBin === undefined ? null : { modelJson, weightsBin };
}

/** Downloads a stored model back into memory (both files checked against their sha256). */
export async function downloadModel(
  api: Pick<WorkerApi, "downloadArtifact">,
  stored: { readonly modelJson: StoredArtifact; readonly weightsBin: StoredArtifact },
): Promise<LayersModelFiles> {
  const [modelJsonBytes, weightsBin] = await Promise.all([
    api.downloadArtifact(stored.modelJson),
    api.downloadArtifact(stored.weightsBin),
  ]);
  return {
    modelJson: JSON.parse(new TextDecoder().decode(modelJsonBytes)) as LayersModelFiles["modelJson"],
    weightsBin,
  };
}

/** The same bytes the CLI writes for a JSON file. */
function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value)}\n`);
}

async function uploadOnce(
  api: Pick<WorkerApi, "uploadArtifact">,
  upload: Parameters<WorkerApi["uploadArtifact"]>[0],
): Promise<ArtifactUploadReport> {
  try {
    const stored = await api.uploadArtifact(upload);
    return { name: upload.name, result: stored.created ? "created" : "already stored" };
  } catch (error) {
    // An earlier attempt stored this name with other bytes (e.g. it ran on another backend, whose
    // floating-point sums differ in the last bits): the stored file stays, nothing is duplicated.
    if (isServerCallError(error, "conflict") && error.field === "name") {
      return { name: upload.name, result: "kept earlier" };
    }
    throw error;
  }
}
