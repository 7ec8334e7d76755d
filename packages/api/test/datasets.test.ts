import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../src/access/actor.js";
import { handleDatasetRequest } from "../src/http/dataset-routes.js";
import { createTestDatabase } from "./test-database.js";
import { callerFor, createStaffedTeam, rejectionOf, smallConfig } from "./tracking-fixtures.js";

// Datasets a team uploads once and its experiments name as "dataset:<id>": stored by content like
// artifacts, listed through tRPC, downloadable by sha256 by the team's people and workers only.

const { store, db } = await createTestDatabase();
const MAX_UPLOAD_BYTES = 64 * 1024;
const IRIS =
  "sepal,petal,species\n5.1,1.4,setosa\n7,4.7,versicolor\n6.3,6,virginica\n4.9,1.4,setosa\n6.4,4.5,versicolor\n";
const sha256Of = (text: string) => createHash("sha256").update(text).digest("hex");

let edge: Awaited<ReturnType<typeof createStaffedTeam>>;
let other: Awaited<ReturnType<typeof createStaffedTeam>>;
let projectId: string;
let edgeWorker: Actor;
let otherWorker: Actor;

beforeAll(async () => {
  edge = await createStaffedTeam(store, "Edge");
  other = await createStaffedTeam(store, "Other");
  projectId = (await edge.member.project.create({ teamId: edge.team.id, name: "Vision" })).id;
  edgeWorker = { kind: "worker", tokenId: "token-edge", teamId: edge.team.id, tokenName: "gpu-1" };
  otherWorker = { kind: "worker", tokenId: "token-other", teamId: other.team.id, tokenName: "gpu-2" };
});

function uploadRequest(query: Record<string, string>, files: Record<string, string>): Request {
  const form = new FormData();
  for (const [name, text] of Object.entries(files)) form.append("file", new Blob([text]), name);
  return new Request(`http://platform.test/api/datasets?${new URLSearchParams(query)}`, { method: "POST", body: form });
}

/** A request as a client sends it: multipart with its Content-Length. */
async function withLength(request: Request): Promise<Request> {
  const body = new Uint8Array(await request.arrayBuffer());
  const headers = new Headers(request.headers);
  headers.set("content-length", String(body.length));
  return new Request(request.url, { method: request.method, headers, body });
}

async function upload(actor: Actor, query: Record<string, string>, files: Record<string, string>) {
  const response = await handleDatasetRequest(await withLength(uploadRequest(query, files)), {
    store,
    actor,
    maxUploadBytes: MAX_UPLOAD_BYTES,
    logError: (message, error) => console.error(message, error),
  });
  type Answer = { dataset: { id: string }; error: { message: string } };
  return { status: response.status, body: (await response.json()) as Answer };
}

async function download(actor: Actor, datasetId: string, sha256: string) {
  return handleDatasetRequest(new Request(`http://platform.test/api/datasets/${datasetId}/files/${sha256}`), {
    store,
    actor,
    maxUploadBytes: MAX_UPLOAD_BYTES,
    logError: () => {},
  });
}

describe("uploading a dataset", () => {
  it("stores a member's CSV by content, records it with its file and an audit entry", async () => {
    const { status, body } = await upload(
      edge.people.member,
      { teamId: edge.team.id, name: "iris", kind: "csv" },
      { "iris.csv": IRIS },
    );
    expect(status).toBe(201);
    expect(body.dataset).toMatchObject({
      teamId: edge.team.id,
      name: "iris",
      kind: "csv",
      files: [{ name: "iris.csv", sha256: sha256Of(IRIS), sizeBytes: IRIS.length }],
      createdBy: { id: edge.people.member.userId },
      reference: `dataset:${body.dataset.id}`,
    });
    const audit = await db.auditEntry.findMany({ where: { action: "dataset.upload", targetId: body.dataset.id } });
    expect(audit).toHaveLength(1);
  });

  it("refuses a viewer, another team's member and a worker token, storing nothing", async () => {
    const query = { teamId: edge.team.id, name: "refused", kind: "csv" };
    expect((await upload(edge.people.viewer, query, { "a.csv": IRIS })).status).toBe(403);
    expect((await upload(other.people.owner, query, { "a.csv": IRIS })).status).toBe(404);
    expect((await upload(edgeWorker, query, { "a.csv": IRIS })).status).toBe(403);
    expect(await db.dataset.count({ where: { name: "refused" } })).toBe(0);
  });

  it("refuses a name the team already uses, and files that do not fit the kind, saying what fits", async () => {
    const taken = await upload(
      edge.people.member,
      { teamId: edge.team.id, name: "iris", kind: "csv" },
      { "again.csv": IRIS },
    );
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toContain('the team already has a dataset named "iris"');
    const idx = await upload(
      edge.people.member,
      { teamId: edge.team.id, name: "digits", kind: "idx" },
      { "train-images-idx3-ubyte.gz": "x", "train-labels-idx1-ubyte": "y" },
    );
    expect(idx.status).toBe(400);
    expect(idx.body.error.message).toContain("2 file(s) sent; an idx dataset is the four files");
    const wrongName = await upload(
      edge.people.member,
      { teamId: edge.team.id, name: "notes", kind: "csv" },
      { "notes.txt": IRIS },
    );
    expect(wrongName.status).toBe(400);
    expect(wrongName.body.error.message).toContain('file "notes.txt" does not fit');
    expect(await db.dataset.count({ where: { teamId: edge.team.id } })).toBe(1);
  });

  it("refuses an upload larger than the limit before reading it", async () => {
    const big = "1,2,0\n".repeat(MAX_UPLOAD_BYTES / 4);
    const response = await upload(
      edge.people.member,
      { teamId: edge.team.id, name: "big", kind: "csv" },
      { "big.csv": big },
    );
    expect(response.status).toBe(413);
    expect(await db.dataset.count({ where: { name: "big" } })).toBe(0);
  });
});

describe("listing, reading and downloading datasets", () => {
  it("lists and gets the team's datasets for its viewers; another team sees none", async () => {
    const list = await edge.viewer.dataset.list({ teamId: edge.team.id });
    expect(list.map((dataset) => dataset.name)).toEqual(["iris"]);
    const id = (list[0] as { id: string }).id;
    expect((await edge.viewer.dataset.get({ datasetId: id })).files[0]?.name).toBe("iris.csv");
    expect((await rejectionOf(other.owner.dataset.get({ datasetId: id }))).code).toBe("NOT_FOUND");
    expect((await rejectionOf(other.owner.dataset.list({ teamId: edge.team.id }))).code).toBe("NOT_FOUND");
  });

  it("serves a file by sha256 to the team's worker, verified; another team's worker gets 404", async () => {
    const [dataset] = await edge.viewer.dataset.list({ teamId: edge.team.id });
    const id = dataset?.id as string;
    expect((await callerFor(store, edgeWorker).worker.dataset({ datasetId: id })).name).toBe("iris");
    const response = await download(edgeWorker, id, sha256Of(IRIS));
    expect(response.status).toBe(200);
    expect(response.headers.get("x-content-sha256")).toBe(sha256Of(IRIS));
    expect(await response.text()).toBe(IRIS);
    expect((await download(otherWorker, id, sha256Of(IRIS))).status).toBe(404);
    expect((await rejectionOf(callerFor(store, otherWorker).worker.dataset({ datasetId: id }))).code).toBe("NOT_FOUND");
  });

  it("serves only the dataset's own files: another content of the store is 404 through it", async () => {
    const [dataset] = await edge.viewer.dataset.list({ teamId: edge.team.id });
    const stranger = await store.artifacts.put(
      (async function* () {
        yield new TextEncoder().encode("another team's secret artifact");
      })(),
      { maxBytes: 1000 },
    );
    expect((await download(edgeWorker, dataset?.id as string, stranger.sha256)).status).toBe(404);
  });
});

describe("experiments naming a dataset", () => {
  it("accepts dataset:<id> of the team", async () => {
    const [dataset] = await edge.viewer.dataset.list({ teamId: edge.team.id });
    const experiment = await edge.member.experiment.create({
      projectId,
      name: "iris on the platform",
      config: smallConfig({ dataset: `dataset:${dataset?.id}` }),
    });
    expect(experiment.dataset).toBe(`dataset:${dataset?.id}`);
  });

  it("refuses an unknown dataset and another team's, creating nothing", async () => {
    const [dataset] = await edge.viewer.dataset.list({ teamId: edge.team.id });
    const theirProject = await other.member.project.create({ teamId: other.team.id, name: "Theirs" });
    for (const [caller, project, reference] of [
      [edge.member, projectId, "dataset:nope"],
      [other.member, theirProject.id, `dataset:${dataset?.id}`],
    ] as const) {
      const error = await rejectionOf(
        caller.experiment.create({ projectId: project, name: "refused", config: smallConfig({ dataset: reference }) }),
      );
      expect(error.code).toBe("BAD_REQUEST");
      expect(error.message).toContain(`config.dataset: "${reference}" names no dataset of this team`);
    }
    expect(await db.experiment.count({ where: { name: "refused" } })).toBe(0);
  });
});
