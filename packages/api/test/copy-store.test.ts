import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createTestPostgresDatabase, startS3Server } from "@deadweight/test-support";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { recordArtifact } from "../src/domain/artifacts/record-artifact.js";
import { copyStore, StoreCopyError } from "../src/store/copy-store.js";
import { openStore, type Store } from "../src/store/store.js";
import { createQueueTeam, queueRuns } from "./queue-fixtures.js";
import { activationStatsFixture, callerFor, runResultsFixture } from "./tracking-fixtures.js";

// Moving a team: the embedded store (SQLite + a folder) into PostgreSQL + an S3 bucket, and back.
// Both stores are real; the S3 server is s3rver on loopback.

const s3 = await startS3Server();
const s3Settings = {
  endpoint: s3.endpoint,
  region: "us-east-1",
  accessKeyId: s3.accessKeyId,
  secretAccessKey: s3.secretAccessKey,
};
const stores: Store[] = [];

async function embedded(): Promise<Store> {
  const store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), "deadweight-copy-")) });
  stores.push(store);
  return store;
}

async function onPostgres(prefix: string): Promise<Store> {
  const store = await openStore({
    dataDir: mkdtempSync(join(tmpdir(), "deadweight-copy-")),
    database: await createTestPostgresDatabase(inject("postgresUrl"), "copy"),
    artifacts: `s3://${s3.bucket}/${prefix}`,
    s3: s3Settings,
  });
  stores.push(store);
  return store;
}

let source: Store;
let runId: string;
let contents: Buffer[];

beforeAll(async () => {
  source = await embedded();
  const team = await createQueueTeam(source, "Moving");
  [runId] = (await queueRuns(source, team, 2)) as [string];
  const held = await team.worker.worker.claim({ workerName: "mover" });
  const attempt = { runId: held!.run.id, attempt: held!.run.attempt };
  runId = attempt.runId;
  await team.worker.worker.recordResults({
    ...attempt,
    results: runResultsFixture(undefined, activationStatsFixture()),
  });
  // Two artifacts with the same bytes (stored once) and one with other bytes.
  contents = [Buffer.from("weights ".repeat(50_000)), Buffer.from("model.json")];
  for (const [name, bytes] of [
    ["models/a/weights.bin", contents[0]!],
    ["models/b/weights.bin", contents[0]!],
    ["models/a/model.json", contents[1]!],
  ] as const) {
    const stored = await source.artifacts.put(Readable.from([bytes]), { maxBytes: 10_000_000 });
    await recordArtifact(
      source,
      team.people.member,
      { teamId: team.team.id, runId },
      {
        name,
        kind: "weights",
        sizeBytes: stored.sizeBytes,
        sha256: stored.sha256,
        contentType: "application/octet-stream",
      },
    );
  }
  await team.member.candidate.promote({
    projectId: team.project.id,
    alias: "edge",
    resultRowId: (await source.db.resultRow.findFirstOrThrow({ where: { runId, rowKey: "mid" } })).id,
    note: "moving day",
  });
  return async () => {
    for (const store of stores) await store.close();
  };
});

async function everything(store: Store) {
  const owner = await store.db.membership.findFirstOrThrow({ where: { role: "owner" } });
  const api = callerFor(store, { kind: "user", userId: owner.userId });
  const project = await store.db.project.findFirstOrThrow();
  return {
    experiments: await api.experiment.list({ projectId: project.id, limit: 100 }),
    run: await api.run.get({ runId }),
    results: await api.result.rows({ runId }),
    layers: await api.result.layerStats({ runId }),
    artifacts: await api.artifact.list({ runId, limit: 100 }),
    candidates: await api.candidate.list({ projectId: project.id }),
    history: await api.candidate.history({ projectId: project.id, limit: 100 }),
    audit: await store.db.auditEntry.findMany({ orderBy: { id: "asc" } }),
    sessions: await store.db.session.count(),
    tokens: await store.db.apiToken.findMany({ orderBy: { id: "asc" } }),
  };
}

describe("copying a store", () => {
  it("moves every row and artifact from SQLite and a folder into PostgreSQL and S3, and back", async () => {
    const before = await everything(source);
    const cloud = await onPostgres("moved");
    const report = await copyStore(source, cloud);
    expect(report.artifacts).toEqual({ contents: 2, bytes: contents[0]!.length + contents[1]!.length });
    expect(report.rows.resultRow).toBe(before.results.rows.length);
    expect(await everything(cloud)).toEqual(before);
    // The bytes, from the bucket, by the hash the rows name.
    for (const bytes of contents) {
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      const opened = await cloud.artifacts.open(sha256, { expectedSizeBytes: bytes.length });
      const chunks: Buffer[] = [];
      for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    }

    const back = await embedded();
    await copyStore(cloud, back);
    expect(await everything(back)).toEqual(before);
  }, 120_000);

  it("refuses a target that is not empty, and writes nothing into it", async () => {
    const target = await onPostgres("occupied");
    await target.db.team.create({ data: { name: "Already here", slug: "already-here" } });
    const refusal = await copyStore(source, target).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(StoreCopyError);
    expect(String(refusal)).toMatch(/is not empty \(team \(1\)\): copy only into a new, empty database/);
    expect(await target.db.user.count()).toBe(0);
  });
});
