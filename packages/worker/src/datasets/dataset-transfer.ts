import { datasetFilePath, type StoredDatasetFile } from "@deadweight/protocol";
import type { ServerConnection } from "../api/server-connection.js";
import { downloadCheckedBytes } from "../artifacts/artifact-transfer.js";

/** GET /api/datasets/<id>/files/<sha256>; the bytes must hash to that sha256. */
export function downloadDatasetFileBytes(
  connection: ServerConnection,
  datasetId: string,
  file: StoredDatasetFile,
): Promise<Uint8Array> {
  return downloadCheckedBytes(
    connection,
    datasetFilePath(datasetId, file.sha256),
    file.sha256,
    `downloading ${file.name} of dataset ${datasetId}`,
  );
}
