import { Readable } from "node:stream";
import { DATASET_HTTP_PATH, uploadDatasetInput } from "@deadweight/protocol";
import type { Actor, SignedInActor, UserActor } from "../access/actor.js";
import { openDatasetFile } from "../domain/datasets/open-dataset-file.js";
import { uploadDataset } from "../domain/datasets/upload-dataset.js";
import { AppError } from "../errors/app-error.js";
import type { Store } from "../store/store.js";
import { failureResponse, methodNotAllowed } from "./error-response.js";

export interface DatasetRequestContext {
  readonly store: Store;
  readonly actor: Actor;
  /** A dataset's files above this, in all, are refused with 413. */
  readonly maxUploadBytes: number;
  readonly logError: (message: string, error: unknown) => void;
}

/**
 * Dataset bytes over plain HTTP beside tRPC (the metadata is `dataset.list` / `dataset.get`):
 * - `POST /api/datasets?teamId=&name=&kind=csv|idx`, body multipart/form-data with one "file" part per
 *   file (in order: for csv the training file, then the test file), Content-Length required: 201
 *   `{ dataset }`. People of the team, member or higher.
 * - `GET /api/datasets/<datasetId>/files/<sha256>`: one file's bytes, verified against its sha256.
 *   People of the team (viewer or higher) and the team's worker tokens.
 * Errors are `{ error: { code, message, field? } }` with the status of httpStatusOf.
 */
export async function handleDatasetRequest(request: Request, context: DatasetRequestContext): Promise<Response> {
  try {
    const url = new URL(request.url);
    const actor = signedIn(context.actor);
    if (url.pathname === DATASET_HTTP_PATH || url.pathname === `${DATASET_HTTP_PATH}/`) {
      if (request.method !== "POST") return methodNotAllowed(request.method, "POST");
      return await handleUpload(request, url, actor, context);
    }
    const match = /^\/api\/datasets\/([^/]+)\/files\/([^/]+)$/.exec(url.pathname);
    if (match === null) {
      throw new AppError(
        "NOT_FOUND",
        `no dataset route at ${url.pathname}: upload with POST ${DATASET_HTTP_PATH}?teamId=...&name=...&kind=..., download with GET ${DATASET_HTTP_PATH}/<id>/files/<sha256>`,
      );
    }
    if (request.method !== "GET") return methodNotAllowed(request.method, "GET");
    const download = await openDatasetFile(context.store, actor, {
      datasetId: decodeURIComponent(match[1] as string),
      sha256: decodeURIComponent(match[2] as string),
    });
    const body = Readable.toWeb(download.stream) as unknown as ReadableStream<Uint8Array>;
    return new Response(body, {
      status: 200,
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(download.sizeBytes),
        "x-content-sha256": download.sha256,
        "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(download.name)}`,
        "cache-control": "private, no-cache",
      },
    });
  } catch (error) {
    if (!(error instanceof AppError)) context.logError(`${request.method} ${request.url} failed`, error);
    return failureResponse(error, "dataset route");
  }
}

async function handleUpload(request: Request, url: URL, actor: SignedInActor, context: DatasetRequestContext) {
  if (actor.kind === "worker") {
    throw new AppError("FORBIDDEN", "worker tokens cannot upload datasets; use a person's token or sign in");
  }
  const parsed = uploadDatasetInput.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? "");
    throw new AppError("BAD_REQUEST", `query parameter ${field}: ${issue?.message ?? "is invalid"}`, field);
  }
  const declared = request.headers.get("content-length");
  if (declared === null || !/^\d+$/.test(declared.trim())) {
    throw new AppError(
      "BAD_REQUEST",
      "Content-Length header: a dataset upload must say its size; send the files as multipart/form-data with a Content-Length",
      "contentLength",
    );
  }
  if (Number(declared) > context.maxUploadBytes) {
    throw new AppError(
      "PAYLOAD_TOO_LARGE",
      `the upload is ${declared} bytes; this server accepts datasets of up to ${context.maxUploadBytes} bytes`,
    );
  }
  if (!(request.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    throw new AppError(
      "BAD_REQUEST",
      'Content-Type header: send the files as multipart/form-data, one "file" part per file',
      "contentType",
    );
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch (error) {
    throw new AppError("BAD_REQUEST", `body: not readable multipart/form-data (${(error as Error).message})`, "body");
  }
  const files = form.getAll("file").map((part) => {
    if (typeof part === "string") {
      throw new AppError("BAD_REQUEST", 'body: every "file" part must be a file, with a file name', "files");
    }
    return {
      name: part.name,
      body: part.stream() as unknown as AsyncIterable<Uint8Array>,
    };
  });
  const dataset = await uploadDataset(context.store, actor as UserActor, parsed.data, files, {
    maxBytes: context.maxUploadBytes,
  });
  return Response.json({ dataset }, { status: 201 });
}

function signedIn(actor: Actor): SignedInActor {
  if (actor.kind === "anonymous") {
    throw new AppError("UNAUTHORIZED", "sign in, or send an API token as 'Authorization: Bearer <token>'");
  }
  return actor;
}
