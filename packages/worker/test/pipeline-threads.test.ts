import { Worker } from "node:worker_threads";
import type { ClaimedRun, RunProgress } from "@deadweight/protocol";
import { describe, expect, it } from "vitest";
import type { Claim, WorkerApi } from "../src/api/worker-api.js";
import { claimLoop } from "../src/claim/claim-loop.js";
import { runAttempt } from "../src/pipeline/run-attempt.js";
import { pipelineThreads } from "../src/thread/pipeline-threads.js";

const SCRIPTED_ENTRY = new URL("./fixtures/scripted-run-thread-entry.mjs", import.meta.url);

/** Threads started for the scripted pipeline (fixtures/scripted-run-thread.ts), each with whether it has exited. */
function scriptedThreads() {
  const threads: { readonly worker: Worker; exited: boolean; heapLimitMb: number | undefined }[] = [];
  const host = pipelineThreads({
    connection: { serverUrls: ["http://127.0.0.1:9"], token: "not-used-by-the-script" },
    // The scripted entry imports its own pipeline, not this one.
    pipelineModule: new URL("./fixtures/scripted-run-thread.ts", import.meta.url),
    startThread: (_entry, options) => {
      const worker = new Worker(SCRIPTED_ENTRY, options);
      const thread = { worker, exited: false, heapLimitMb: options.resourceLimits?.maxOldGenerationSizeMb };
      worker.once("exit", () => {
        thread.exited = true;
      });
      threads.push(thread);
      return worker;
    },
  });
  return { host, threads };
}

/** A server that keeps the claim: records heartbeats and the finish; `cancel` makes heartbeats answer cancelRequested. */
function recordingServer(options: { readonly cancel?: boolean; readonly claims?: readonly string[] } = {}) {
  const beats: (RunProgress | undefined)[] = [];
  const finished: Parameters<WorkerApi["finish"]>[0][] = [];
  const queue = [...(options.claims ?? [])];
  const refuse = () => Promise.reject(new Error("the scripted pipeline reports nothing itself"));
  const api: WorkerApi = {
    claim: async (_input, signal) => {
      const id = queue.shift();
      if (id !== undefined) return claimOf(id);
      // An empty queue: the claim waits until the worker gives it up.
      return new Promise<null>((resolve) => signal?.addEventListener("abort", () => resolve(null), { once: true }));
    },
    heartbeat: async (input) => {
      beats.push(input.progress);
      return { cancelRequested: options.cancel ?? false } as Awaited<ReturnType<WorkerApi["heartbeat"]>>;
    },
    finish: async (input) => {
      finished.push(input);
    },
    completeStage: refuse,
    recordResults: refuse,
    recordDeployment: refuse,
    uploadArtifact: refuse,
    downloadArtifact: refuse,
    getDataset: refuse,
    downloadDatasetFile: refuse,
  };
  return { api, beats, finished };
}

function claimOf(runId: string): Claim {
  const run = { id: runId, attempt: 1, maxAttempts: 3, experimentName: "scripted", seed: 1 } as unknown as ClaimedRun;
  return { run } as unknown as Claim;
}

/** 1 GiB per run, but 256 MiB (the smallest thread heap) for the run that fills its heap, so it fills it sooner. */
function memoryOf(runId: string): number {
  return runId === "out-of-memory" ? 2 ** 28 : 2 ** 30;
}

async function attempt(runId: string, options: { readonly cancel?: boolean; readonly shutdown?: AbortSignal } = {}) {
  const { host, threads } = scriptedThreads();
  const server = recordingServer(options);
  const log: string[] = [];
  const report = await runAttempt(claimOf(runId), {
    api: server.api,
    leaseSeconds: 30,
    claimedAt: Date.now(),
    shutdown: options.shutdown ?? new AbortController().signal,
    stopGraceMs: 300,
    settings: { maxMemoryBytes: memoryOf(runId) },
    host,
    log: (line) => log.push(line),
  });
  return { report, threads, log, ...server };
}

describe("a run in its own thread", () => {
  it("carries the thread's progress and log lines to the heartbeat and the log, reports success, and ends the thread", async () => {
    const { report, threads, log, beats, finished } = await attempt("succeeds");
    expect(report).toEqual({ runId: "succeeds", attempt: 1, outcome: "succeeded", reported: true });
    expect(finished).toEqual([{ runId: "succeeds", attempt: 1, outcome: "succeeded" }]);
    expect(log).toContain("run succeeds: loaded");
    // Each new stage is sent at once (beatSoon); the training step went out with its trace point.
    expect(beats.map((progress) => progress?.stage)).toContain("train");
    const train = beats.find((progress) => progress?.stage === "train");
    expect(train?.trace).toEqual([{ epoch: 1, batch: 3, loss: 0.5, accuracy: 0.75 }]);
    expect(threads).toHaveLength(1);
    expect(threads[0]?.exited).toBe(true);
    // The run's share of --max-memory bounds the thread's JavaScript heap.
    expect(threads[0]?.heapLimitMb).toBe(1024);
  });

  it("fails a run whose data is wrong once, permanently, with the stage it failed in", async () => {
    const { report, finished, threads } = await attempt("invalid-dataset");
    expect(finished).toEqual([
      {
        runId: "invalid-dataset",
        attempt: 1,
        outcome: "failed",
        error: 'load: [INVALID_DATASET] dataset "x": no such file',
        retryable: false,
      },
    ]);
    expect(report.outcome).toBe("failed");
    expect(threads.every((thread) => thread.exited)).toBe(true);
  });

  it("asks the server why a report was refused with 409 (claim ended) and stops for that reason", async () => {
    const { report, finished } = await attempt("claim-ended", { cancel: true });
    expect(report.outcome).toBe("canceled");
    expect(finished).toEqual([{ runId: "claim-ended", attempt: 1, outcome: "canceled" }]);
  });

  it.each([
    ["throws-uncaught", "train: unexpected error: the run's thread crashed: boom outside the pipeline"],
    ["exits", "train: unexpected error: the run's thread ended (exit code 3) before the run did"],
    ["out-of-memory", /^train: unexpected error: the run's thread crashed: .*memory limit/],
  ])("fails the attempt (to be retried) when its thread dies: %s", async (runId, reason) => {
    const { report, finished, threads } = await attempt(runId);
    expect(report.outcome).toBe("failed");
    expect(report.message).toMatch(reason);
    expect(finished).toEqual([{ runId, attempt: 1, outcome: "failed", error: report.message, retryable: true }]);
    expect(threads.every((thread) => thread.exited)).toBe(true);
  });

  it("hands a run back on shutdown and leaves no thread behind, whether it stops or is terminated", async () => {
    for (const runId of ["honours-stop", "ignores-stop"]) {
      const shutdown = new AbortController();
      const { host, threads } = scriptedThreads();
      const server = recordingServer();
      const ended = runAttempt(claimOf(runId), {
        api: server.api,
        leaseSeconds: 30,
        claimedAt: Date.now(),
        shutdown: shutdown.signal,
        stopGraceMs: 300,
        settings: { maxMemoryBytes: 2 ** 30 },
        host,
        log: () => {},
      });
      // Stop once the thread is in its training step (its progress reached the heartbeat).
      await waitFor(() => server.beats.some((progress) => progress?.stage === "train"));
      shutdown.abort();
      const report = await ended;
      expect(report, runId).toEqual({ runId, attempt: 1, outcome: "released", reported: true });
      expect(threads.map((thread) => thread.exited)).toEqual([true]);
    }
  });
});

describe("pipelineThreads", () => {
  it("applies the thread's progress to the worker's board in the order it was written, then ends the thread", async () => {
    const { host, threads } = scriptedThreads();
    const written: unknown[] = [];
    const execution = host({
      api: recordingServer().api,
      run: claimOf("succeeds").run,
      signal: new AbortController().signal,
      progress: {
        set: (progress) => written.push(progress.stage),
        resumedAt: (epoch) => written.push(`resumed at ${epoch}`),
      },
      settings: { maxMemoryBytes: 2 ** 30 },
      log: () => {},
    });
    await execution.done;
    await execution.dispose();
    expect(written).toEqual(["load", "train", "resumed at 2", "export"]);
    expect(threads.map((thread) => thread.exited)).toEqual([true]);
  });
});

describe("a worker whose run threads crash", () => {
  it("goes on claiming and running runs after each crash", async () => {
    const { host, threads } = scriptedThreads();
    const server = recordingServer({ claims: ["throws-uncaught", "exits", "out-of-memory", "succeeds"] });
    const shutdown = new AbortController();
    const loop = claimLoop({
      api: server.api,
      workerName: "w",
      concurrency: 2,
      leaseSeconds: 30,
      pollSeconds: 0.1,
      maxPollSeconds: 0.1,
      signal: shutdown.signal,
      settings: { maxMemoryBytes: 2 ** 28 },
      host,
      log: () => {},
    });
    await waitFor(() => server.finished.length === 4);
    shutdown.abort();
    const reports = await loop;
    expect(Object.fromEntries(reports.map((report) => [report.runId, report.outcome]))).toEqual({
      "throws-uncaught": "failed",
      exits: "failed",
      "out-of-memory": "failed",
      succeeds: "succeeded",
    });
    expect(threads).toHaveLength(4);
    expect(threads.every((thread) => thread.exited)).toBe(true);
  });
});

/** Polls until `check` holds; the deadline only bounds a failure. */
async function waitFor(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
