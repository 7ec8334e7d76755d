import { datasetFilePath, type StoredDatasetFile } from "@deadweight/protocol";
import { ServerCallError } from "../api/server-call-error.js";
import {
  authorisationHeaders,
  fetchWithTimeout,
  fromStatus,
  type ServerConnection,
  toServerCallError,
} from "../api/server-connection.js";
import { sha256Hex } from "../artifacts/artifact-transfer.js";

/** Datasets can be large (MNIST is ~55 MB): as long as a model transfer. */
const TRANSFER_TIMEOUT_MS = 5 * 60_000;

/** GET /api/datasets/<id>/files/<sha256>; the bytes must hash to that sha256. */
export async function downloadDatasetFileBytes(
  connection: ServerConnection,
  datasetId: string,
  file: StoredDatasetFile,
): Promise<Uint8Array> {
  const what = `downloading ${file.name} of dataset ${datasetId}`;
  let bytes: Uint8Array;
  try {
    const response = await fetchWithTimeout(TRANSFER_TIMEOUT_MS)(
      `${connection.serverUrl}${datasetFilePath(datasetId, file.sha256)}`,
      { headers: authorisationHeaders(connection) },
    );
    if (!response.ok) {
      const text = await response.text();
      let message = text.slice(0, 300) || response.statusText;
      try {
        const body = JSON.parse(text) as { error?: { message?: unknown } };
        if (typeof body.error?.message === "string") message = body.error.message;
      } catch {
        // Not JSON: the text itself is the message.
      }
      throw fromStatus(response.status, message, connection.serverUrl, what);
    }
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw toServerCallError(error, connection.serverUrl, what);
  }
  const actual = sha256Hex(bytes);
  if (actual !== file.sha256.toLowerCase()) {
    throw new ServerCallError(
      "server",
      `${what}: the bytes received hash to ${actual}, not the recorded ${file.sha256}; the transfer was damaged`,
    );
  }
  return bytes;
}
