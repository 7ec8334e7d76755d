import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { appRouter, createCallerFactory, type RunningApiServer, startApiServer } from "@deadweight/api";
import { afterAll } from "vitest";
import { type SpawnedProcess, spawnNode } from "../spawned-process.js";

/**
 * A real API server (in this process, on a throwaway data directory and a free port) and real
 * worker processes started through the CLI, as people run them: `deadweight worker ...`.
 */

const CLI_BIN = fileURLToPath(new URL("../../../bin/deadweight.mjs", import.meta.url));
/**
 * Short, so a killed worker's run comes back quickly, but not so short that a busy machine (the test
 * runner, a server and workers training on two cores) delays a live worker's heartbeats past it: at
 * 5 s, leases of healthy workers expired now and then under the full test run.
 */
export const LEASE_SECONDS = 10;

const createCaller = createCallerFactory(appRouter);

export type OwnerCaller = ReturnType<typeof createCaller>;

export interface TestPlatform {
  readonly server: RunningApiServer;
  readonly url: string;
  readonly dataDir: string;
  readonly teamId: string;
  readonly projectId: string;
  /** The API as the local owner, in-process. */
  readonly owner: OwnerCaller;
  createToken(kind: "worker" | "user", teamId?: string): Promise<string>;
  /** Creates an experiment with `runs` runs; returns the run ids, oldest first. */
  queue(name: string, config: Record<string, unknown>, runs?: number, projectId?: string): Promise<string[]>;
  run(runId: string): ReturnType<OwnerCaller["run"]["get"]>;
}

export async function startTestPlatform(): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), "deadweight-queue-"));
  const server = await startApiServer({ dataDir, port: 0, log: () => {}, leaseSweepIntervalMs: 500 });
  const localOwner = server.localOwner;
  if (localOwner === null) throw new Error("a fresh data directory must create the local owner");
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const owner = createCaller({ store: server.store, actor: { kind: "user", userId: localOwner.userId } });
  return {
    server,
    url: server.url,
    dataDir,
    teamId: localOwner.teamId,
    projectId: localOwner.projectId,
    owner,
    createToken: async (kind, teamId = localOwner.teamId) =>
      (await owner.team.tokens.create({ teamId, name: `${kind} token`, kind })).token,
    queue: async (name, config, runs = 1, projectId = localOwner.projectId) => {
      const experiment = await owner.experiment.create({ projectId, name, config, runs });
      return experiment.runs.recent.map((run) => run.id).reverse();
    },
    run: (runId) => owner.run.get({ runId }),
  };
}

export interface SpawnedWorker extends Omit<SpawnedProcess, "output"> {
  /** Everything the worker wrote so far (its log). */
  log(): string;
}

/** `deadweight worker --server <url> --token <token> --name <name> --lease <LEASE_SECONDS> --poll 0.2 --max-poll 0.5 --data-root <QUEUE_DATA_ROOT>`. */
export function spawnWorker(url: string, token: string, name: string, extraArgs: string[] = []): SpawnedWorker {
  const worker = spawnNode(
    [
      CLI_BIN,
      "worker",
      "--server",
      url,
      "--token",
      token,
      "--name",
      name,
      "--lease",
      String(LEASE_SECONDS),
      "--poll",
      "0.2",
      "--max-poll",
      "0.5",
      "--data-root",
      QUEUE_DATA_ROOT,
      ...extraArgs,
    ],
    { ...process.env, FORCE_COLOR: "0" },
  );
  return { process: worker.process, log: worker.output, exited: worker.exited };
}

/**
 * Polls `check` until it returns a value other than undefined/false, or fails naming `what`. The
 * deadline only bounds a failure: it is far beyond what a healthy run takes on a loaded machine.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 90_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The run once it has finished (succeeded, failed or canceled); the deadline only bounds a failure. */
export function finishedRun(platform: TestPlatform, runId: string, timeoutMs = 90_000) {
  return waitFor(
    `run ${runId} to finish`,
    async () => {
      const run = await platform.run(runId);
      return run.status !== "queued" && run.status !== "running" ? run : undefined;
    },
    timeoutMs,
    200,
  );
}

/** The sha256 of a run's stored artifact `name` (models/base/weights.bin, stats.json); undefined while there is none. */
export async function artifactSha(platform: TestPlatform, runId: string, name: string): Promise<string | undefined> {
  const artifacts = await platform.owner.artifact.list({ runId, limit: 100 });
  return artifacts.items.find((artifact) => artifact.name === name)?.sha256;
}

/**
 * A CSV of `rows` samples with `features` numeric columns and an integer label (0..classes-1) last:
 * Gaussian-ish blobs around a class centre, drawn with a seeded generator so every test sees the same file.
 */
export function writeBlobsCsv(dir: string, name: string, rows: number, features = 8, classes = 3, seed = 1): string {
  let state = seed >>> 0;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const lines = [[...Array.from({ length: features }, (_, f) => `f${f}`), "label"].join(",")];
  for (let row = 0; row < rows; row++) {
    const label = row % classes;
    const values = Array.from(
      { length: features },
      (_, f) => (f % classes === label ? 1.5 : 0) + (random() - 0.5) * 1.5,
    );
    lines.push([...values.map((value) => value.toFixed(4)), String(label)].join(","));
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** The one folder the test workers may read dataset paths from (--data-root): every temporaryFolder() is in it. */
export const QUEUE_DATA_ROOT = mkdtempSync(join(tmpdir(), "deadweight-queue-data-"));

export function temporaryFolder(): string {
  const dir = mkdtempSync(join(QUEUE_DATA_ROOT, "run-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A tiny run: ~600 samples, one hidden layer of 16, 1 epoch, 4 thresholds. */
export function tinyConfig(dataset: string): Record<string, unknown> {
  return {
    dataset,
    split: { maxTrainSamples: 600, maxTestSamples: 200 },
    model: { hidden: [16] },
    training: { epochs: 1, batchSize: 64 },
    pruning: { means: [0, 0.1], stds: [0.2, 1] },
  };
}

/** The processes `pid` started that are still there (a worker's run processes), from /proc. */
export function childProcessesOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
}

/** Whether a process has ended (gone, or a zombie nobody has reaped yet). */
export function processEnded(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}
