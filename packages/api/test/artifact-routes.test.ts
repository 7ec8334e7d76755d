import { createHash } from "node:crypto";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor, UserActor } from "../src/access/actor.js";
import { createArtifactStore } from "../src/artifacts/artifact-store.js";
import { handleArtifactRequest } from "../src/http/artifact-routes.js";
import { createPerson, createTeam } from "./people.js";
import { createExperiment, createProject, createResultRow, createRun } from "./result-fixtures.js";
import { createTestDatabase } from "./test-database.js";

const { store, db, folder } = await createTestDatabase();
// The folder the store keeps its bytes in, looked at from outside (incoming files, tampering).
const artifacts = createArtifactStore(folder);
const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;

let member: UserActor;
let viewer: UserActor;
let outsider: UserActor;
let runId: string;
let otherRunId: string;
let rowId: string;
let outsiderRunId: string;

beforeAll(async () => {
  member = await createPerson(db, "Mo Member");
  viewer = await createPerson(db, "Vic Viewer");
  outsider = await createPerson(db, "Otto Outsider");
  const team = await createTeam(db, "Edge team", [
    [member, "member"],
    [viewer, "viewer"],
  ]);
  const otherTeam = await createTeam(db, "Other team", [[outsider, "owner"]]);
  const project = await createProject(db, team.id);
  const experiment = await createExperiment(db, project.id, member);
  runId = (await createRun(db, experiment.id)).id;
  otherRunId = (await createRun(db, experiment.id)).id;
  rowId = (await createResultRow(db, runId, { bytes: 1000 })).id;
  const theirProject = await createProject(db, otherTeam.id);
  outsiderRunId = (await createRun(db, (await createExperiment(db, theirProject.id, outsider)).id)).id;
});

const sha256Of = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function patterned(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

/** A streamed request body in 64 KiB chunks; `pulled` counts the chunks the handler read. */
function streamOf(bytes: Uint8Array) {
  const state = { pulled: 0 };
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        state.pulled += 1;
        controller.enqueue(bytes.slice(offset, offset + 65_536));
        offset += 65_536;
      },
    },
    { highWaterMark: 0 },
  ); // no read-ahead: a pull means the handler asked for bytes
  return { stream, state };
}

function send(actor: Actor, path: string, init: RequestInit = {}): Promise<Response> {
  const request = new Request(`http://127.0.0.1:4100${path}`, {
    ...init,
    ...(init.body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  return handleArtifactRequest(request, { store, actor, maxUploadBytes: MAX_UPLOAD_BYTES });
}

interface UploadOptions {
  readonly run?: string;
  readonly name?: string;
  readonly kind?: string;
  readonly resultRowId?: string;
  readonly resultRowKey?: string;
  readonly headers?: Record<string, string>;
}

function upload(actor: Actor, body: RequestInit["body"], options: UploadOptions = {}): Promise<Response> {
  const query = new URLSearchParams({
    runId: options.run ?? runId,
    name: options.name ?? "models/mean0.1-std0.4/weights.bin",
    kind: options.kind ?? "weights",
    ...(options.resultRowId === undefined ? {} : { resultRowId: options.resultRowId }),
    ...(options.resultRowKey === undefined ? {} : { resultRowKey: options.resultRowKey }),
  });
  return send(actor, `/api/artifacts?${query}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/octet-stream", ...options.headers },
  });
}

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, code: body.error.code, message: body.error.message };
}

async function uploaded(response: Response) {
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return (await response.json()) as { created: boolean; artifact: { id: string; sha256: string; sizeBytes: number } };
}

function incomingFiles(): string[] {
  try {
    return readdirSync(join(artifacts.root, ".incoming"));
  } catch {
    return [];
  }
}

describe("artifact upload and download over HTTP", () => {
  it("streams a 5 MB upload in and back out byte for byte, with its sha256 checked both ways", async () => {
    const bytes = patterned(5 * 1024 * 1024, 42);
    const sha256 = sha256Of(bytes);
    const { stream, state } = streamOf(bytes);

    const response = await upload(member, stream, {
      name: "models/base/weights.bin",
      resultRowId: rowId,
      headers: { "x-content-sha256": sha256.toUpperCase() },
    });
    expect(response.status).toBe(201);
    const { artifact, created } = await uploaded(response);
    expect(created).toBe(true);
    expect(state.pulled).toBe(80);
    expect(artifact).toMatchObject({
      runId,
      resultRowId: rowId,
      kind: "weights",
      name: "models/base/weights.bin",
      sizeBytes: bytes.length,
      sha256,
      contentType: "application/octet-stream",
      downloadPath: `/api/artifacts/${artifact.id}`,
    });
    expect(response.headers.get("location")).toBe(`/api/artifacts/${artifact.id}`);

    const download = await send(viewer, `/api/artifacts/${artifact.id}`);
    expect(download.status).toBe(200);
    expect(Object.fromEntries(download.headers)).toMatchObject({
      "content-type": "application/octet-stream",
      "content-length": String(bytes.length),
      etag: `"${sha256}"`,
      "x-content-sha256": sha256,
      "content-disposition": "attachment; filename*=UTF-8''weights.bin",
    });
    const received = new Uint8Array(await download.arrayBuffer());
    expect(received.length).toBe(bytes.length);
    expect(sha256Of(received)).toBe(sha256);
    expect(Buffer.compare(received, bytes)).toBe(0);
  });

  it("answers a re-upload of the same bytes with the existing record, and other bytes with 409", async () => {
    const bytes = patterned(20_000, 1);
    const name = "results.json";
    const first = await uploaded(await upload(member, bytes, { name, kind: "results" }));
    const again = await upload(member, bytes, { name, kind: "results" });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ created: false, artifact: { id: first.artifact.id } });

    const different = patterned(20_000, 2);
    const conflict = await errorOf(await upload(member, different, { name, kind: "results" }));
    expect(conflict).toMatchObject({ status: 409, code: "CONFLICT" });
    expect(conflict.message).toContain(`already has an artifact "${name}" with other content`);
    expect(conflict.message).toContain(sha256Of(bytes));
    expect(conflict.message).toContain(sha256Of(different));

    // With the sha256 announced, both answers come before a byte of the body is read.
    const retry = streamOf(bytes);
    const announcedSame = await upload(member, retry.stream, {
      name,
      kind: "results",
      headers: { "x-content-sha256": sha256Of(bytes) },
    });
    expect(announcedSame.status).toBe(200);
    const clash = streamOf(different);
    const announcedOther = await upload(member, clash.stream, {
      name,
      kind: "results",
      headers: { "x-content-sha256": sha256Of(different) },
    });
    expect(announcedOther.status).toBe(409);
    expect([retry.state.pulled, clash.state.pulled]).toEqual([0, 0]);

    expect(await db.artifact.count({ where: { runId, name } })).toBe(1);
    expect(await db.auditEntry.count({ where: { action: "artifact.upload", targetId: first.artifact.id } })).toBe(1);
  });

  it("limits the size from Content-Length before reading, and while streaming without it", async () => {
    const declared = streamOf(new Uint8Array(10));
    const tooLargeDeclared = await errorOf(
      await upload(member, declared.stream, {
        name: "declared-too-large.bin",
        headers: { "content-length": String(MAX_UPLOAD_BYTES + 1) },
      }),
    );
    expect(tooLargeDeclared).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE" });
    expect(tooLargeDeclared.message).toContain(`the limit is ${MAX_UPLOAD_BYTES} bytes`);
    expect(declared.state.pulled).toBe(0);

    const bytes = patterned(MAX_UPLOAD_BYTES + 65_536 * 3, 3);
    const streamed = streamOf(bytes);
    const tooLargeStreamed = await errorOf(await upload(member, streamed.stream, { name: "streamed-too-large.bin" }));
    expect(tooLargeStreamed).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE" });
    // Reading stopped at the limit, not at the end of the body.
    expect(streamed.state.pulled).toBeLessThanOrEqual(MAX_UPLOAD_BYTES / 65_536 + 2);
    expect(incomingFiles()).toEqual([]);
    expect(await db.artifact.count({ where: { name: { contains: "too-large" } } })).toBe(0);
  });

  it("rejects bytes that do not match X-Content-Sha256, naming both hashes", async () => {
    const bytes = patterned(1_000, 4);
    const announced = sha256Of(patterned(1_000, 5));
    const mismatch = await errorOf(
      await upload(member, bytes, { name: "corrupted.bin", headers: { "x-content-sha256": announced } }),
    );
    expect(mismatch).toMatchObject({ status: 400, code: "BAD_REQUEST" });
    expect(mismatch.message).toContain(`announced as sha256 ${announced} but its bytes hash to ${sha256Of(bytes)}`);
    expect(await db.artifact.count({ where: { name: "corrupted.bin" } })).toBe(0);
  });

  it("reports a file changed on disk clearly instead of sending wrong bytes", async () => {
    const bytes = patterned(3_000, 6);
    const { artifact } = await uploaded(await upload(member, bytes, { name: "tampered.bin" }));
    const changed = Uint8Array.from(bytes);
    changed[100] = (changed[100] ?? 0) ^ 0xff;
    writeFileSync(artifacts.pathOf(artifact.sha256), changed);

    const damaged = await errorOf(await send(viewer, `/api/artifacts/${artifact.id}`));
    expect(damaged.status).toBe(500);
    expect(damaged.message).toContain(`artifact ${artifact.id} ("tampered.bin" of run ${runId})`);
    expect(damaged.message).toContain(`now hash to ${sha256Of(changed)}`);
    expect(damaged.message).toContain("upload the artifact again");

    // Re-uploading the same bytes (idempotent) repairs the stored copy.
    expect((await upload(member, bytes, { name: "tampered.bin" })).status).toBe(200);
    expect((await send(viewer, `/api/artifacts/${artifact.id}`)).status).toBe(200);
  });

  it("answers HEAD with the headers only and a matching If-None-Match with 304", async () => {
    const bytes = patterned(2_000, 7);
    const { artifact } = await uploaded(
      await upload(member, bytes, {
        name: "model.json",
        kind: "model-json",
        headers: { "content-type": "application/json" },
      }),
    );
    const head = await send(viewer, `/api/artifacts/${artifact.id}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("2000");
    expect(head.headers.get("content-type")).toBe("application/json");
    expect(await head.text()).toBe("");

    const cached = await send(viewer, `/api/artifacts/${artifact.id}`, {
      headers: { "if-none-match": `"${artifact.sha256}"` },
    });
    expect(cached.status).toBe(304);
    expect(cached.headers.get("etag")).toBe(`"${artifact.sha256}"`);
    const stale = await send(viewer, `/api/artifacts/${artifact.id}`, { headers: { "if-none-match": '"other"' } });
    expect(stale.status).toBe(200);
    expect(sha256Of(new Uint8Array(await stale.arrayBuffer()))).toBe(artifact.sha256);
  });
});

describe("who may upload and download", () => {
  it("answers anonymous requests with 401", async () => {
    const { artifact } = await uploaded(await upload(member, patterned(100, 8), { name: "anon.bin" }));
    expect(await errorOf(await upload({ kind: "anonymous" }, patterned(100, 8)))).toMatchObject({
      status: 401,
      code: "UNAUTHORIZED",
    });
    expect(await errorOf(await send({ kind: "anonymous" }, `/api/artifacts/${artifact.id}`))).toMatchObject({
      status: 401,
      code: "UNAUTHORIZED",
    });
  });

  it("lets a viewer download but not upload", async () => {
    const body = streamOf(patterned(100, 9));
    const refused = await errorOf(await upload(viewer, body.stream, { name: "by-viewer.bin" }));
    expect(refused).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect(refused.message).toContain("needs the member role");
    expect(body.state.pulled).toBe(0);
    expect(await db.artifact.count({ where: { name: "by-viewer.bin" } })).toBe(0);
  });

  it("answers another team's run and artifact exactly like missing ones", async () => {
    const { artifact } = await uploaded(await upload(member, patterned(500, 10), { name: "private.bin" }));

    const foreignDownload = await errorOf(await send(outsider, `/api/artifacts/${artifact.id}`));
    const missingDownload = await errorOf(await send(outsider, "/api/artifacts/no-such-artifact"));
    expect(foreignDownload).toEqual({
      status: 404,
      code: "NOT_FOUND",
      message: `artifact ${artifact.id} does not exist`,
    });
    expect(missingDownload).toEqual({
      status: 404,
      code: "NOT_FOUND",
      message: "artifact no-such-artifact does not exist",
    });
    const foreignHead = await send(outsider, `/api/artifacts/${artifact.id}`, { method: "HEAD" });
    expect(foreignHead.status).toBe(404);

    const foreignUpload = await errorOf(await upload(outsider, patterned(10, 11), { run: runId }));
    const missingUpload = await errorOf(await upload(outsider, patterned(10, 11), { run: "no-such-run" }));
    expect(foreignUpload).toEqual({ status: 404, code: "NOT_FOUND", message: `run ${runId} does not exist` });
    expect(missingUpload).toEqual({ status: 404, code: "NOT_FOUND", message: "run no-such-run does not exist" });

    // Their own run, our result row: refused without saying whether the row exists.
    const foreignRow = await errorOf(
      await upload(outsider, patterned(10, 12), { run: outsiderRunId, resultRowId: rowId }),
    );
    const missingRow = await errorOf(
      await upload(outsider, patterned(10, 12), { run: outsiderRunId, resultRowId: "no-such-row" }),
    );
    expect(foreignRow.status).toBe(400);
    expect(foreignRow.message.replace(rowId, "<row>")).toBe(missingRow.message.replace("no-such-row", "<row>"));
  });
});

describe("bad upload requests", () => {
  it("names the query parameter or header at fault", async () => {
    const cases: Array<[string, Promise<Response>, RegExp]> = [
      [
        "missing runId",
        send(member, "/api/artifacts?name=a.bin&kind=weights", { method: "POST", body: "x" }),
        /query parameter runId: is required/,
      ],
      [
        "missing name",
        send(member, `/api/artifacts?runId=${runId}&kind=weights`, { method: "POST", body: "x" }),
        /query parameter name: is required/,
      ],
      ["bad kind", upload(member, "x", { kind: "Weights!" }), /query parameter kind: must be 1-40 lowercase/],
      [
        "name with control characters",
        upload(member, "x", { name: "a\u0000b" }),
        /query parameter name: must not contain control characters/,
      ],
      [
        "name with spaces around",
        upload(member, "x", { name: " a.bin" }),
        /query parameter name: must not start or end with spaces/,
      ],
      [
        "bad sha256 header",
        upload(member, "x", { headers: { "x-content-sha256": "abc" } }),
        /X-Content-Sha256 header: must be 64 hex digits/,
      ],
      [
        "bad content type",
        upload(member, "x", { headers: { "content-type": "not a type" } }),
        /Content-Type header: must be a media type/,
      ],
    ];
    for (const [label, call, message] of cases) {
      const error = await errorOf(await call);
      expect({ label, status: error.status, code: error.code }).toEqual({ label, status: 400, code: "BAD_REQUEST" });
      expect(error.message, label).toMatch(message);
    }
  });

  it("refuses an empty body and a result row of another run", async () => {
    const empty = await errorOf(await upload(member, null, { name: "empty.bin" }));
    expect(empty).toMatchObject({ status: 400, code: "BAD_REQUEST" });
    expect(empty.message).toMatch(/the upload is empty/);
    expect((await errorOf(await upload(member, new Uint8Array(0), { name: "empty.bin" }))).status).toBe(400);

    const wrongRow = await errorOf(await upload(member, "x", { run: otherRunId, resultRowId: rowId, name: "row.bin" }));
    expect(wrongRow).toMatchObject({ status: 400, code: "BAD_REQUEST" });
    expect(wrongRow.message).toContain(`run ${otherRunId} has no result row ${rowId}`);
    expect(await db.artifact.count({ where: { name: { in: ["empty.bin", "row.bin"] } } })).toBe(0);
  });

  it("attaches an upload to a row named by its key, and refuses a key the run does not have", async () => {
    const row = await db.resultRow.findUniqueOrThrow({ where: { id: rowId }, select: { rowKey: true, runId: true } });
    const byKey = await uploaded(
      await upload(member, "by key", { run: row.runId, resultRowKey: row.rowKey, name: "by-key.bin" }),
    );
    expect((await db.artifact.findUniqueOrThrow({ where: { id: byKey.artifact.id } })).resultRowId).toBe(rowId);

    const unknown = await errorOf(
      await upload(member, "x", { run: row.runId, resultRowKey: "mean9-std9", name: "k.bin" }),
    );
    expect(unknown).toMatchObject({ status: 400, code: "BAD_REQUEST" });
    expect(unknown.message).toContain('has no result row "mean9-std9"');
    const both = await errorOf(
      await upload(member, "x", { run: row.runId, resultRowId: rowId, resultRowKey: row.rowKey, name: "k.bin" }),
    );
    expect(both.message).toContain("not both");
  });

  it("answers unknown paths with 404 and wrong methods with 405", async () => {
    expect((await errorOf(await send(member, "/api/artifacts/a/b"))).status).toBe(404);
    expect((await errorOf(await send(member, "/api/other"))).status).toBe(404);
    const wrongMethod = await send(member, "/api/artifacts", { method: "GET" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    const deleteArtifact = await send(member, "/api/artifacts/some-id", { method: "DELETE" });
    expect(deleteArtifact.status).toBe(405);
    expect(deleteArtifact.headers.get("allow")).toBe("GET, HEAD");
  });
});
