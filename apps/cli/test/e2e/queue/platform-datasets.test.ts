import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

const CLI_BIN = fileURLToPath(new URL("../../../bin/deadweight.mjs", import.meta.url));
// Outside the test workers' --data-root (QUEUE_DATA_ROOT): only the upload reaches the worker.
const privateFolder = mkdtempSync(join(tmpdir(), "deadweight-private-"));
afterAll(() => rmSync(privateFolder, { recursive: true, force: true }));

let platform: TestPlatform;
let worker: SpawnedWorker;
let reference: string;
let listing: string;
const runs: Record<string, string> = {};

/** `deadweight <args>` as a child process (the server runs in this one, so never spawnSync). */
function deadweight(args: string[], token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      env: { ...process.env, DEADWEIGHT_SERVER: platform.url, DEADWEIGHT_TOKEN: token, FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  platform = await startTestPlatform();
  const userToken = await platform.createToken("user");
  const csv = writeBlobsCsv(privateFolder, "blobs.csv", 600);
  const upload = await deadweight(["dataset", "upload", csv, "--name", "blobs"], userToken);
  expect(upload.stderr).toBe("");
  expect(upload.code).toBe(0);
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
