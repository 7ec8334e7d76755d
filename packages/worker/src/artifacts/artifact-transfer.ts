import { createHash } from "node:crypto";
import type { StoredArtifact } from "@deadweight/protocol";
import { ServerCallError } from "../api/server-call-error.js";
import {
  authorisationHeaders,
  fetchWithTimeout,
  fromStatus,
  type ServerConnection,
  toServerCallError,
} from "../api/server-connection.js";
import type { ArtifactUpload, UploadedArtifact } from "../api/worker-api.js";

/** Artifact bytes move over plain HTTP beside tRPC; models can take a while on a slow link. */
const TRANSFER_TIMEOUT_MS = 5 * 60_000;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * POST /api/artifacts with the bytes and their sha256 in X-Content-Sha256, so the server verifies
 * them and a retried upload of the same name and bytes answers with the stored artifact.
 */
export async function uploadArtifactBytes(
  connection: ServerConnection,
  upload: ArtifactUpload,
): Promise<UploadedArtifact> {
  const what = `uploading ${upload.name} of run ${upload.runId}`;
  const query = new URLSearchParams({
    runId: upload.runId,
    attempt: String(upload.attempt),
    name: upload.name,
    kind: upload.kind,
  });
  if (upload.resultRowKey !== undefined) query.set("resultRowKey", upload.resultRowKey);
  let response: Response;
  try {
    response = await fetchWithTimeout(TRANSFER_TIMEOUT_MS)(`${connection.serverUrl}/api/artifacts?${query}`, {
      method: "POST",
      headers: {
        ...authorisationHeaders(connection),
        "content-type": upload.contentType,
        "x-content-sha256": sha256Hex(upload.bytes),
      },
      body: upload.bytes,
    });
  } catch (error) {
    throw toServerCallError(error, connection.serverUrl, what);
  }
  const body = await readJson(response);
  if (!response.ok) {
    throw fromStatus(response.status, errorMessageOf(body, response), connection.serverUrl, what, errorFieldOf(body));
  }
  const { artifact, created } = body as { artifact: StoredArtifact; created: boolean };
  return {
    id: artifact.id,
    name: artifact.name,
    kind: artifact.kind,
    sha256: artifact.sha256,
    sizeBytes: artifact.sizeBytes,
    contentType: artifact.contentType,
    created,
  };
}

/** GET /api/artifacts/<id>; the bytes must hash to the sha256 the run's record holds. */
export function downloadArtifactBytes(
  connection: ServerConnection,
  artifact: Pick<StoredArtifact, "id" | "name" | "sha256">,
): Promise<Uint8Array> {
  return downloadCheckedBytes(
    connection,
    `/api/artifacts/${encodeURIComponent(artifact.id)}`,
    artifact.sha256,
    `downloading ${artifact.name} (artifact ${artifact.id})`,
  );
}

/**
 * GET `path` on the server: the bytes, which must hash to `sha256` (a damaged transfer is a
 * ServerCallError, retried like any other); `what` names the transfer in errors.
 */
export async function downloadCheckedBytes(
  connection: ServerConnection,
  path: string,
  sha256: string,
  what: string,
): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    const response = await fetchWithTimeout(TRANSFER_TIMEOUT_MS)(`${connection.serverUrl}${path}`, {
      headers: authorisationHeaders(connection),
    });
    if (!response.ok) {
      throw fromStatus(response.status, errorMessageOf(await readJson(response), response), connection.serverUrl, what);
    }
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw toServerCallError(error, connection.serverUrl, what);
  }
  const actual = sha256Hex(bytes);
  if (actual !== sha256.toLowerCase()) {
    throw new ServerCallError(
      "server",
      `${what}: the bytes received hash to ${actual}, not the recorded ${sha256}; the transfer was damaged`,
    );
  }
  return bytes;
}

function errorFieldOf(body: unknown): string | undefined {
  const field = (body as { error?: { field?: unknown } } | null)?.error?.field;
  return typeof field === "string" ? field : undefined;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorMessageOf(body: unknown, response: Response): string {
  const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
  if (typeof message === "string") return message;
  return typeof body === "string" && body !== "" ? body.slice(0, 300) : response.statusText;
}
