import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDeadweightAsync } from "../run-deadweight.js";
import {
  type SpawnedWorker,
  spawnWorker,
  startTestPlatform,
  type TestPlatform,
  tinyConfig,
  waitFor,
  writeBlobsCsv,
} from "./queue-fixtures.js";

// A dataset the team uploads once (`deadweight dataset upload`) runs on a worker that has no copy
// of the file and may not read the folder it came from; the same file named by its path on the
// worker's disk is refused before it is opened, for good.

// Outside the test workers' --data-root (QUEUE_DATA_ROOT): only the upload reaches the worker.
const privateFolder = mkdtempSync(join(tmpdir(), "deadweight-private-"));
afterAll(() => rmSync(privateFolder, { recursive: true, force: true }));

let platform: TestPlatform;
let worker: SpawnedWorker;
let reference: string;
let listing: string;
const runs: Record<string, string> = {};

/** `deadweight <args>` as the team's person runs it, against the platform of this test. */
function deadweight(args: string[], token: string) {
  return runDeadweightAsync(args, { DEADWEIGHT_SERVER: platform.url, DEADWEIGHT_TOKEN: token });
}

beforeAll(async () => {
  platform = await startTestPlatform();
  const userToken = await platform.createToken("user");
  const csv = writeBlobsCsv(privateFolder, "blobs.csv", 600);
  const upload = await deadweight(["dataset", "upload", csv, "--name", "blobs"], userToken);
  expect(upload.stderr).toBe("");
  expect(upload.status).toBe(0);
  reference = /"dataset": "(dataset:\S+)"/.exec(upload.stdout)?.[1] as string;
  listing = (await deadweight(["dataset", "list"], userToken)).stdout;
  [runs.uploaded] = (await platform.queue("uploaded blobs", tinyConfig(reference))) as [string];
  [runs.path] = (await platform.queue("blobs by path", tinyConfig(`csv:${csv}`))) as [string];
  // Its own download cache: a file cached by an earlier test run would not be downloaded again.
  worker = spawnWorker(platform.url, await platform.createToken("worker"), "dataset-worker", [
    "--cache-dir",
    join(privateFolder, "worker-cache"),
  ]);
  await waitFor(
    "both runs to finish",
    async () => {
      const all = await Promise.all(Object.values(runs).map((runId) => platform.run(runId)));
      return all.every((run) => run.status !== "queued" && run.status !== "running");
    },
    90_000,
    200,
  );
}, 150_000);

describe("datasets the platform stores", () => {
  it("are uploaded and listed by the CLI", () => {
    expect(reference).toMatch(/^dataset:\S+$/);
    expect(listing).toContain(`${reference}  blobs  csv  blobs.csv`);
  });

  it("run on a worker that downloads them through the API", async () => {
    const run = await platform.run(runs.uploaded as string);
    expect(run.status, run.errorMessage ?? "").toBe("succeeded");
    expect(run.split?.train.source).toMatch(/^blobs\/blobs\.csv\[0:480\]/);
    expect(worker.log()).toMatch(/dataset "blobs" \(dataset:\S+\): downloaded blobs\.csv/);
    expect(readdirSync(join(privateFolder, "worker-cache"))).toHaveLength(1);
  });

  it("while the same file by its path outside the worker's data roots fails at once, not retried", async () => {
    const run = await platform.run(runs.path as string);
    expect(run.status).toBe("failed");
    expect(run.attempt).toBe(1);
    expect(run.errorMessage).toMatch(
      /^load: \[INVALID_DATASET\] dataset path ".*blobs\.csv" leads outside the folders/,
    );
    expect(run.errorMessage).toContain("--data-root");
  });
});
