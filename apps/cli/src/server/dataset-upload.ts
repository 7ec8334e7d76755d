import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import {
  DATASET_HTTP_PATH,
  type DatasetKind,
  IDX_DATASET_FILE_NAMES,
  type StoredDataset,
  storedDataset,
} from "@deadweight/protocol";
import {
  authorisationHeaders,
  fetchWithTimeout,
  fromStatus,
  type ServerConnection,
  toServerCallError,
} from "@deadweight/worker";
import { ConfigError } from "../config/config-error.js";

/** Datasets can be large (MNIST is ~55 MB): as long as a model transfer. */
const UPLOAD_TIMEOUT_MS = 10 * 60_000;

export interface DatasetFilesToUpload {
  readonly kind: DatasetKind;
  readonly files: readonly { readonly name: string; readonly bytes: Uint8Array }[];
}

/**
 * The files of a dataset on this machine: a CSV file (and an optional CSV test file), or a folder
 * holding the four MNIST-style IDX files (each maybe gzip, named .gz). ConfigError naming the path otherwise.
 */
export function datasetFilesAt(path: string, testPath?: string): DatasetFilesToUpload {
  const kindOf = (candidate: string) => {
    try {
      return statSync(candidate).isDirectory() ? "folder" : "file";
    } catch {
      throw new ConfigError(`"${candidate}" does not exist; give a CSV file or a folder of IDX files`);
    }
  };
  if (kindOf(path) === "file") {
    const files = [path, ...(testPath === undefined ? [] : [testPath])].map((file) => {
      if (kindOf(file) !== "file") throw new ConfigError(`"${file}" is a folder; a CSV dataset is one or two files`);
      return { name: basename(file), bytes: readFileSync(file) };
    });
    return { kind: "csv", files };
  }
  if (testPath !== undefined) throw new ConfigError("--test goes with a CSV file, not with a folder of IDX files");
  const present = new Set(readdirSync(path));
  const files = IDX_DATASET_FILE_NAMES.map((name) => {
    const found = [name, `${name}.gz`].find((candidate) => present.has(candidate));
    if (found === undefined) {
      throw new ConfigError(
        `folder "${path}" lacks ${name} (or ${name}.gz); an IDX dataset is the four files ${IDX_DATASET_FILE_NAMES.join(", ")}`,
      );
    }
    return { name: found, bytes: readFileSync(join(path, found)) };
  });
  return { kind: "idx", files };
}

/** POST /api/datasets: the files as multipart/form-data; answers the stored dataset. */
export async function uploadDatasetFiles(
  connection: ServerConnection,
  input: { readonly teamId: string; readonly name: string } & DatasetFilesToUpload,
): Promise<StoredDataset> {
  const what = `uploading dataset "${input.name}"`;
  const form = new FormData();
  for (const file of input.files) form.append("file", new Blob([file.bytes]), file.name);
  const query = new URLSearchParams({ teamId: input.teamId, name: input.name, kind: input.kind });
  let response: Response;
  let text: string;
  try {
    response = await fetchWithTimeout(UPLOAD_TIMEOUT_MS)(`${connection.serverUrl}${DATASET_HTTP_PATH}?${query}`, {
      method: "POST",
      headers: authorisationHeaders(connection),
      body: form,
    });
    text = await response.text();
  } catch (error) {
    throw toServerCallError(error, connection.serverUrl, what);
  }
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: reported as text below.
  }
  if (!response.ok) {
    const error = (body as { error?: { message?: unknown; field?: unknown } } | null)?.error;
    const message = typeof error?.message === "string" ? error.message : text.slice(0, 300) || response.statusText;
    throw fromStatus(
      response.status,
      message,
      connection.serverUrl,
      what,
      typeof error?.field === "string" ? error.field : undefined,
    );
  }
  return storedDataset.parse((body as { dataset: unknown }).dataset);
}
