import { fork } from "node:child_process";
import { Worker } from "node:worker_threads";
import type { ClaimedRun, RunProgress } from "@deadweight/protocol";
import { describe, expect, it } from "vitest";
import type { Claim, WorkerApi } from "../src/api/worker-api.js";
import { claimLoop } from "../src/claim/claim-loop.js";
import type { PipelineHost } from "../src/pipeline/pipeline-host.js";
import { runAttempt } from "../src/pipeline/run-attempt.js";
import { pipelineProcesses } from "../src/run-host/pipeline-processes.js";
import { pipelineThreads } from "../src/run-host/pipeline-threads.js";

const SCRIPTED_ENTRY = new URL("./fixtures/scripted-run-entry.mjs", import.meta.url);
const CONNECTION = { serverUrls: ["http://127.0.0.1:9"], token: "not-used-by-the-script" };
// The scripted entry imports its own pipeline, not this one.
const PIPELINE_MODULE = new URL("./fixtures/scripted-run.ts", import.meta.url);

/** A thread or process started for the scripted pipeline (fixtures/scripted-run.ts): whether it has exited, and its heap limit. */
interface Started {
  exited: boolean;
  readonly heapLimitMb: number | undefined;
}

/** A host of the scripted pipeline, and what it started. */
interface ScriptedHost {
  readonly host: PipelineHost;
  readonly started: Started[];
}

function scriptedThreads(keepWarmMs?: number): ScriptedHost {
  const started: Started[] = [];
  const host = pipelineThreads({
    connection: CONNECTION,
    pipelineModule: PIPELINE_MODULE,
    ...(keepWarmMs === undefined ? {} : { keepWarmMs }),
    startThread: (_entry, options) => {
      const worker = new Worker(SCRIPTED_ENTRY, options);
      const thread: Started = { exited: false, heapLimitMb: options.resourceLimits?.maxOldGenerationSizeMb };
      worker.once("exit", () => {
        thread.exited = true;
      });
      started.push(thread);
      return worker;
    },
  });
  return { host, started };
}

function scriptedProcesses(keepWarmMs?: number): ScriptedHost {
  const started: Started[] = [];
  const host = pipelineProcesses({
    connection: CONNECTION,
    pipelineModule: PIPELINE_MODULE,
    ...(keepWarmMs === undefined ? {} : { keepWarmMs }),
    startProcess: (_entry, args, options) => {
      const child = fork(SCRIPTED_ENTRY, [...args], options);
      const heapFlag = options.execArgv?.find((flag) => flag.startsWith("--max-old-space-size="));
      const process: Started = {
        exited: false,
        heapLimitMb: heapFlag === undefined ? undefined : Number(heapFlag.split("=")[1]),
      };
      child.once("exit", () => {
        process.exited = true;
      });
      started.push(process);
      return child;
    },
  });
  return { host, started };
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

/** 1 GiB per run, but 256 MiB (the smallest heap of a run) for the run that fills its heap, so it fills it sooner. */
function memoryOf(runId: string): number {
  return runId === "out-of-memory" ? 2 ** 28 : 2 ** 30;
}

/** How a scripted run dies (its id), and what the attempt then says. */
type Death = readonly [runId: string, reason: string | RegExp];

/** What each host says when its run's side dies: a thread's error, or a process's exit. */
const HOSTS: readonly {
  side: "thread" | "process";
  scripted: (keepWarmMs?: number) => ScriptedHost;
  deaths: readonly Death[];
}[] = [
  {
    side: "thread",
    scripted: scriptedThreads,
    deaths: [
      ["throws-uncaught", "train: unexpected error: the run's thread crashed: boom outside the pipeline"],
      ["exits", "train: unexpected error: the run's thread ended (exit code 3) before the run did"],
      ["out-of-memory", /^train: unexpected error: the run's thread crashed: .*memory limit/],
      // A native fault takes a thread's whole process down: not something a test process can host.
    ],
  },
  {
    side: "process",
    scripted: scriptedProcesses,
    deaths: [
      ["throws-uncaught", "train: unexpected error: the run's process crashed: boom outside the pipeline"],
      ["exits", "train: unexpected error: the run's process ended (exit code 3) before the run did"],
      [
        "out-of-memory",
        /^train: unexpected error: the run's process ran out of its JavaScript heap \(256 MiB: its memory limit/,
      ],
      ["native-fault", /^train: unexpected error: the run's process crashed with SIGSEGV, a native fault/],
    ],
  },
];

describe.each(HOSTS)("a run in its own $side", ({ side, scripted, deaths }) => {
  const attempt = (runId: string, options: AttemptOptions = {}) => attemptOn(options.on ?? scripted(), runId, options);

  it(`carries the ${side}'s progress and log lines to the heartbeat and the log, reports success, and ends the ${side}`, async () => {
    const { report, started, log, beats, finished, host } = await attempt("succeeds");
    expect(report).toEqual({ runId: "succeeds", attempt: 1, outcome: "succeeded", reported: true });
    expect(finished).toEqual([{ runId: "succeeds", attempt: 1, outcome: "succeeded" }]);
    expect(log).toContain("run succeeds: loaded");
    // The training step went out with a heartbeat, whichever: the stages may follow each other faster
    // than beats, which carry the latest stage and every trace point since the previous beat.
    expect(beats.flatMap((progress) => progress?.trace ?? [])).toEqual([
      { epoch: 1, batch: 3, loss: 0.5, accuracy: 0.75 },
    ]);
    expect(started).toHaveLength(1);
    // A side whose run completed waits, warm, for the next run until the host closes.
    expect(started[0]?.exited).toBe(false);
    await host.close();
    expect(started[0]?.exited).toBe(true);
    // The run's share of --max-memory bounds the JavaScript heap of its thread or process.
    expect(started[0]?.heapLimitMb).toBe(1024);
  });

  it("fails a run whose data is wrong once, permanently, with the stage it failed in", async () => {
    const { report, finished, started } = await attempt("invalid-dataset");
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
    expect(started.every((one) => one.exited)).toBe(true);
  });

  it("asks the server why a report was refused with 409 (claim ended) and stops for that reason", async () => {
    const { report, finished } = await attempt("claim-ended", { cancel: true });
    expect(report.outcome).toBe("canceled");
    expect(finished).toEqual([{ runId: "claim-ended", attempt: 1, outcome: "canceled" }]);
  });

  it.each(deaths as Death[])(`fails the attempt (to be retried) when its ${side} dies: %s`, async (runId, reason) => {
    const { report, finished, started } = await attempt(runId);
    expect(report.outcome).toBe("failed");
    expect(report.message).toMatch(reason);
    expect(finished).toEqual([{ runId, attempt: 1, outcome: "failed", error: report.message, retryable: true }]);
    expect(started.every((one) => one.exited)).toBe(true);
  });

  it(`hands a run back on shutdown and leaves no ${side} behind, whether it stops or is ended`, async () => {
    for (const runId of ["honours-stop", "ignores-stop"]) {
      const shutdown = new AbortController();
      const { host, started } = scripted();
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
      // Stop once the run is in its training step (its progress reached the heartbeat).
      await waitFor(() => server.beats.some((progress) => progress?.stage === "train"));
      shutdown.abort();
      const report = await ended;
      expect(report, runId).toEqual({ runId, attempt: 1, outcome: "released", reported: true });
      expect(started.map((one) => one.exited)).toEqual([true]);
    }
  });

  it(`applies the ${side}'s progress to the worker's board in the order it was written, then ends the ${side}`, async () => {
    const { host, started } = scripted();
    const written: unknown[] = [];
    const execution = host.start({
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
    await host.close();
    expect(written).toEqual(["load", "train", "resumed at 2", "export"]);
    expect(started.map((one) => one.exited)).toEqual([true]);
  });

  it(`lets the worker go on claiming and running runs after each ${side} dies`, async () => {
    const { host, started } = scripted();
    const claims = [...deaths.map(([runId]) => runId), "succeeds"];
    const server = recordingServer({ claims });
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
    await waitFor(() => server.finished.length === claims.length);
    shutdown.abort();
    const reports = await loop;
    await host.close();
    expect(Object.fromEntries(reports.map((report) => [report.runId, report.outcome]))).toEqual({
      ...Object.fromEntries(deaths.map(([runId]) => [runId, "failed"])),
      succeeds: "succeeded",
    });
    expect(started).toHaveLength(claims.length);
    expect(started.every((one) => one.exited)).toBe(true);
  });
});

describe.each(HOSTS)("a worker's warm run $side", ({ side, scripted }) => {
  it(`runs the next run in the ${side} its last run completed in, and ends that ${side} once it waited keepWarmMs`, async () => {
    const on = scripted(300);
    const first = await attemptOn(on, "succeeds");
    const second = await attemptOn(on, "succeeds");
    expect([first.report.outcome, second.report.outcome]).toEqual(["succeeded", "succeeded"]);
    expect(on.started).toHaveLength(1);
    expect(second.log).toContain(`run succeeds: in a warm ${side} (1 run(s) before it)`);
    await waitFor(() => on.started[0]?.exited === true);
    // The pool let it go: the next run starts a thread of its own.
    await attemptOn(on, "succeeds");
    expect(on.started).toHaveLength(2);
    await on.host.close();
    expect(on.started.map((one) => one.exited)).toEqual([true, true]);
  });

  it(`ends a ${side} with its attempt when the run failed or was stopped, and gives the next run a fresh one`, async () => {
    const on = scripted(60_000);
    for (const [runId, options] of [
      ["invalid-dataset", {}],
      ["claim-ended", { cancel: true }],
      ["honours-stop", { cancel: true }],
    ] as const) {
      const { report, started } = await attemptOn(on, runId, options);
      expect(report.outcome, runId).not.toBe("succeeded");
      expect(started.at(-1)?.exited, runId).toBe(true);
    }
    await attemptOn(on, "succeeds");
    expect(on.started).toHaveLength(4);
    await on.host.close();
    expect(on.started.every((one) => one.exited)).toBe(true);
  });

  it(`gives every run a fresh ${side} with keepWarmMs 0`, async () => {
    const on = scripted(0);
    for (let run = 0; run < 2; run++) {
      const { report } = await attemptOn(on, "succeeds");
      expect(report.outcome).toBe("succeeded");
      expect(on.started.map((one) => one.exited)).toEqual(Array(run + 1).fill(true));
    }
  });

  it(`drops a warm ${side} that crashes while it waits, and runs the next run in a fresh one`, async () => {
    const on = scripted(60_000);
    const { report } = await attemptOn(on, "succeeds-then-crashes");
    expect(report.outcome).toBe("succeeded");
    await waitFor(() => on.started[0]?.exited === true);
    const next = await attemptOn(on, "succeeds");
    expect(next.report.outcome).toBe("succeeded");
    expect(on.started).toHaveLength(2);
    await on.host.close();
    expect(on.started[1]?.exited).toBe(true);
  });
});

describe("a worker's warm run process", () => {
  it("does not fail a run when what an earlier run left behind throws during it, and does not keep that process", async () => {
    const on = scriptedProcesses(60_000);
    const first = await attemptOn(on, "leaves-a-promise");
    const second = await attemptOn(on, "releases-the-leftover");
    expect([first.report.outcome, second.report.outcome]).toEqual(["succeeded", "succeeded"]);
    expect(second.log).toContain("run releases-the-leftover: in a warm process (1 run(s) before it)");
    expect(second.log).toContain(
      "run releases-the-leftover: something run leaves-a-promise left behind threw in this process after that run ended (boom left behind); this run goes on, and the process ends after it",
    );
    // Ended with the attempt, not kept: the next run starts a process of its own.
    await waitFor(() => on.started[0]?.exited === true);
    const third = await attemptOn(on, "succeeds");
    expect(third.report.outcome).toBe("succeeded");
    expect(on.started).toHaveLength(2);
    await on.host.close();
    expect(on.started.every((one) => one.exited)).toBe(true);
  });
});

interface AttemptOptions {
  readonly cancel?: boolean;
  readonly shutdown?: AbortSignal;
  /** The host to run on (a new one when absent). */
  readonly on?: ScriptedHost;
}

/** One attempt of the scripted run `runId` on `on`, with a server that records what the worker reported. */
async function attemptOn(on: ScriptedHost, runId: string, options: AttemptOptions = {}) {
  const server = recordingServer(options);
  const log: string[] = [];
  const report = await runAttempt(claimOf(runId), {
    api: server.api,
    leaseSeconds: 30,
    claimedAt: Date.now(),
    shutdown: options.shutdown ?? new AbortController().signal,
    stopGraceMs: 300,
    settings: { maxMemoryBytes: memoryOf(runId) },
    host: on.host,
    log: (line) => log.push(line),
  });
  return { report, log, ...on, ...server };
}

/** Polls until `check` holds; the deadline only bounds a failure. */
async function waitFor(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
