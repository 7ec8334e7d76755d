import { Readable } from "node:stream";
import { uploadArtifactInput } from "@deadweight/protocol";
import { ZodError, type z } from "zod";
import type { Actor, SignedInActor } from "../access/actor.js";
import { ARTIFACT_HTTP_PATH, type ArtifactView } from "../domain/artifacts/artifact-view.js";
import { getArtifact } from "../domain/artifacts/get-artifact.js";
import { openArtifactDownload } from "../domain/artifacts/open-artifact-download.js";
import { uploadArtifact } from "../domain/artifacts/upload-artifact.js";
import { AppError } from "../errors/app-error.js";
import type { Store } from "../store/store.js";
import { failureResponse, methodNotAllowed } from "./error-response.js";

export interface ArtifactRequestContext {
  readonly store: Store;
  readonly actor: Actor;
  /** Uploads larger than this are refused with 413 (from Content-Length, or while streaming). */
  readonly maxUploadBytes: number;
}

/**
 * Artifact bytes over plain HTTP beside tRPC (models are binary), on fetch API objects so any
 * server can mount it under /api/artifacts (the request URL keeps that prefix):
 * - `POST /api/artifacts?runId=&name=&kind=[&resultRowId= | &resultRowKey=][&attempt=]`, body = the bytes, `Content-Type`,
 *   optional `X-Content-Sha256`: 201 `{ artifact, created: true }`, or 200 `{ artifact, created: false }`
 *   for a re-upload of the same name and bytes; the same name with other bytes is 409.
 * - `GET|HEAD /api/artifacts/<id>`: the bytes, with Content-Type, Content-Length, ETag and X-Content-Sha256.
 * People: members upload, viewers download. Worker tokens: upload to their team's running runs (409
 * when the run is not running, or `attempt` names a claim that ended) and download their team's artifacts.
 * Errors are `{ error: { code, message, field? } }` with the status of httpStatusOf. The handler never
 * cancels the request body: when it answers without reading all of it, the server drains or closes.
 */
export async function handleArtifactRequest(request: Request, context: ArtifactRequestContext): Promise<Response> {
  try {
    const url = new URL(request.url);
    const route = routeOf(url.pathname);
    if (route === null) {
      throw new AppError(
        "NOT_FOUND",
        `no artifact route at ${url.pathname}: upload with POST ${ARTIFACT_HTTP_PATH}?runId=...&name=...&kind=..., download with GET ${ARTIFACT_HTTP_PATH}/<id>`,
      );
    }
    if (route.kind === "upload") {
      if (request.method !== "POST") return methodNotAllowed(request.method, "POST");
      return await handleUpload(request, url, signedIn(context.actor), context);
    }
    if (request.method !== "GET" && request.method !== "HEAD") return methodNotAllowed(request.method, "GET, HEAD");
    return await handleDownload(request, route.artifactId, signedIn(context.actor), context);
  } catch (error) {
    return failureResponse(error instanceof ZodError ? invalidInput(error) : error, "artifact route");
  }
}

type Route = { readonly kind: "upload" } | { readonly kind: "download"; readonly artifactId: string };

function routeOf(pathname: string): Route | null {
  if (pathname === ARTIFACT_HTTP_PATH || pathname === `${ARTIFACT_HTTP_PATH}/`) return { kind: "upload" };
  if (!pathname.startsWith(`${ARTIFACT_HTTP_PATH}/`)) return null;
  const rest = pathname.slice(ARTIFACT_HTTP_PATH.length + 1);
  if (rest.includes("/")) return null;
  try {
    return { kind: "download", artifactId: decodeURIComponent(rest) };
  } catch {
    return null;
  }
}

function signedIn(actor: Actor): SignedInActor {
  if (actor.kind === "anonymous") {
    throw new AppError("UNAUTHORIZED", "sign in, or send an API token as 'Authorization: Bearer <token>'");
  }
  return actor;
}

async function handleUpload(request: Request, url: URL, actor: SignedInActor, context: ArtifactRequestContext) {
  const query = url.searchParams;
  const input = parseUploadInput({
    runId: query.get("runId") ?? undefined,
    name: query.get("name") ?? undefined,
    kind: query.get("kind") ?? undefined,
    resultRowId: query.get("resultRowId") ?? undefined,
    resultRowKey: query.get("resultRowKey") ?? undefined,
    attempt: query.get("attempt") ?? undefined,
    contentType: request.headers.get("content-type") ?? undefined,
    expectedSha256: request.headers.get("x-content-sha256") ?? undefined,
  });
  const declaredSizeBytes = contentLengthOf(request.headers);
  const recorded = await uploadArtifact(context.store, actor, input, {
    // preventCancel: refusing an upload must not tear down the connection before the answer is sent.
    // (Node's web streams have values(); the cast keeps this compiling under the DOM lib the dashboard uses.)
    body:
      request.body === null
        ? null
        : (
            request.body as unknown as {
              values(options: { preventCancel: boolean }): AsyncIterableIterator<Uint8Array>;
            }
          ).values({ preventCancel: true }),
    ...(declaredSizeBytes === undefined ? {} : { declaredSizeBytes }),
    maxBytes: context.maxUploadBytes,
  });
  return Response.json(recorded, {
    status: recorded.created ? 201 : 200,
    headers: { location: recorded.artifact.downloadPath },
  });
}

async function handleDownload(
  request: Request,
  artifactId: string,
  actor: SignedInActor,
  context: ArtifactRequestContext,
) {
  // Answers that need no bytes skip reading (and verifying) the file.
  if (request.method === "HEAD" || request.headers.has("if-none-match")) {
    const artifact = await getArtifact(context.store, actor, { artifactId });
    if (matchesEtag(request.headers, artifact)) {
      const headers = downloadHeaders(artifact);
      headers.delete("content-length");
      return new Response(null, { status: 304, headers });
    }
    if (request.method === "HEAD") return new Response(null, { status: 200, headers: downloadHeaders(artifact) });
  }
  const download = await openArtifactDownload(context.store, actor, { artifactId });
  // Readable.toWeb's type is node's web stream; Response takes the same class under undici's name.
  const body = Readable.toWeb(download.stream) as unknown as ReadableStream<Uint8Array>;
  return new Response(body, { status: 200, headers: downloadHeaders(download.artifact) });
}

function matchesEtag(headers: Headers, artifact: ArtifactView): boolean {
  const tags = (headers.get("if-none-match") ?? "").split(",").map((tag) => tag.trim().replace(/^W\//, ""));
  return tags.includes("*") || tags.includes(etagOf(artifact));
}

function etagOf(artifact: ArtifactView): string {
  return `"${artifact.sha256}"`;
}

function downloadHeaders(artifact: ArtifactView): Headers {
  const fileName = artifact.name.split("/").pop() ?? artifact.name;
  return new Headers({
    "content-type": artifact.contentType,
    "content-length": String(artifact.sizeBytes),
    etag: etagOf(artifact),
    "x-content-sha256": artifact.sha256,
    "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    // Private and revalidated: access can be revoked, and the ETag makes revalidation cheap.
    "cache-control": "private, no-cache",
    // The content type is the uploader's word; a browser must not second-guess it into HTML.
    "x-content-type-options": "nosniff",
  });
}

/** Where each upload field comes from, so an error names what the client actually sent. */
const UPLOAD_FIELD_SOURCES: Record<string, string> = {
  runId: "query parameter runId",
  name: "query parameter name",
  kind: "query parameter kind",
  resultRowId: "query parameter resultRowId",
  resultRowKey: "query parameter resultRowKey",
  attempt: "query parameter attempt",
  contentType: "Content-Type header",
  expectedSha256: "X-Content-Sha256 header",
};

function parseUploadInput(raw: Record<string, string | undefined>): z.output<typeof uploadArtifactInput> {
  const parsed = uploadArtifactInput.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw invalidInput(parsed.error);
}

function invalidInput(error: ZodError): AppError {
  const fields = error.issues.map((issue) => {
    const key = String(issue.path[0] ?? "");
    const source = UPLOAD_FIELD_SOURCES[key] ?? key;
    const message = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
    return { key, text: `${source}: ${message}` };
  });
  return new AppError("BAD_REQUEST", `invalid upload: ${fields.map((f) => f.text).join("; ")}`, fields[0]?.key);
}

function contentLengthOf(headers: Headers): number | undefined {
  const value = headers.get("content-length");
  if (value === null) return undefined;
  if (!/^\d+$/.test(value.trim())) {
    throw new AppError("BAD_REQUEST", `Content-Length header: "${value}" is not a number of bytes`, "contentLength");
  }
  return Number(value.trim());
}
