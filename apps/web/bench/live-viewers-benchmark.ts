/**
 * What 50 live viewers of one training run cost the server, and how late they hear each change.
 * Starts a real platform (`deadweight platform`: API server + local worker, no dashboard), queues a
 * 784-512-256-128-10 MNIST run of several epochs, and while it trains:
 *  (a) the server process's CPU (utime + stime from /proc/<pid>/stat; the worker is another
 *      process) over equal windows with 0 viewers, 50 viewers, then 0 again; the cost of the
 *      viewers is the 50-viewer window minus the mean of the two 0-viewer windows, in % of one core;
 *  (b) for every update pushed while all 50 watch, each viewer's delay: its receive time minus the
 *      update's stored updatedAt (the server wrote the change then; one machine, one clock), and
 *      the spread per update (last viewer's receive time minus the first's).
 * The viewers are tRPC clients over server-sent events (the `eventsource` package sending the
 * token), in this process, as `deadweight status --follow --run` is.
 * Prints JSON.
 *
 *   pnpm --filter @deadweight/web run bench:live       (LIVE_BENCH_WINDOW_S=15 by default)
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createNodeApiClient } from "@deadweight/api/node-client";
import { interruptPlatformChild, launchPlatformChild } from "../test/support/platform-process";

const VIEWERS = 50;
const TRAINING_EPOCHS = 60;
const TARGET_CPU_PERCENT = 5;
const TARGET_DELAY_MS = 1_000;
/** Linux's USER_HZ: /proc times are in these ticks. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface LiveViewersResult {
  readonly viewers: number;
  readonly windowSeconds: number;
  readonly serverCpu: {
    readonly idleViewersPercentOfCore: readonly [number, number];
    readonly withViewersPercentOfCore: number;
    readonly costOfViewersPercentOfCore: number;
    readonly targetPercentOfCore: number;
  };
  readonly delivery: {
    readonly updatesMeasured: number;
    readonly deliveries: number;
    readonly delayFromStoredUpdateMs: { readonly p50: number; readonly p95: number; readonly max: number };
    readonly spreadAcrossViewersMs: { readonly p50: number; readonly p95: number; readonly max: number };
    readonly targetMs: number;
  };
  readonly allWindowsInTraining: boolean;
  readonly meetsTarget: boolean;
}

/** Runs the whole measurement on a platform of its own and returns the numbers. */
export async function runLiveViewersBenchmark(
  options: { readonly windowSeconds?: number; readonly log?: (line: string) => void } = {},
): Promise<LiveViewersResult> {
  const windowSeconds = options.windowSeconds ?? 15;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const platform = await startPlatformProcess();
  const viewers: Array<{ unsubscribe(): void }> = [];
  try {
    const token = readFileSync(join(platform.dataDir, "cli-token"), "utf8").trim();
    const api = liveClient(platform.url, token);
    // Enough epochs of the full network that it still trains when the last window ends (checked below):
    // with OpenBLAS an epoch takes ~3.5 s on this machine, and 6 epochs ended inside the viewers' window,
    // which then measured the deploy stage's writes against two windows of training.
    const experiment = await api.experiment.create.mutate({
      projectId: platform.projectId,
      name: "bench: live viewers",
      tags: ["bench"],
      config: {
        dataset: "mnist",
        split: { maxTrainSamples: 60_000, maxTestSamples: 2_000 },
        model: { hidden: [512, 256, 128] },
        training: { epochs: TRAINING_EPOCHS },
      } as never,
    });
    const runId = experiment.runs.recent[0]?.id as string;
    log(
      `queued run ${runId} (784-512-256-128-10, 60,000 MNIST samples, ${TRAINING_EPOCHS} epochs); waiting for its training...`,
    );
    await untilTraining(api, runId);

    const cpu = (seconds: number) => serverCpuPercent(platform.pid, seconds);
    log(`server CPU with 0 viewers for ${windowSeconds} s...`);
    const idleBefore = await cpu(windowSeconds);

    log(`opening ${VIEWERS} viewers...`);
    const received: Array<Map<string, { receivedAt: number; updatedAt: number }>> = [];
    const firstIds: string[] = [];
    await Promise.all(
      Array.from({ length: VIEWERS }, (_, index) => {
        const seen = new Map<string, { receivedAt: number; updatedAt: number }>();
        received.push(seen);
        const client = liveClient(platform.url, token);
        return new Promise<void>((resolve, reject) => {
          viewers.push(
            client.run.watch.subscribe(
              { runId },
              {
                onData: (update) => {
                  const run = update.data as unknown as { updatedAt: string };
                  if (seen.size === 0) {
                    firstIds[index] = update.id;
                    resolve();
                  }
                  seen.set(update.id, { receivedAt: Date.now(), updatedAt: Date.parse(run.updatedAt) });
                },
                onError: reject,
              },
            ),
          );
        });
      }),
    );
    log(`server CPU with ${VIEWERS} viewers for ${windowSeconds} s...`);
    const withViewers = await cpu(windowSeconds);
    for (const viewer of viewers.splice(0)) viewer.unsubscribe();
    log(`server CPU with 0 viewers again for ${windowSeconds} s...`);
    const idleAfter = await cpu(windowSeconds);
    const stillTraining = (await api.run.get.query({ runId })).stage === "train";

    // Updates every viewer received after its own first (the state at connection time).
    const common = [...(received[0]?.keys() ?? [])].filter(
      (id) => !firstIds.includes(id) && received.every((seen) => seen.has(id)),
    );
    const delays: number[] = [];
    const spreads: number[] = [];
    for (const id of common) {
      const times = received.map((seen) => seen.get(id) as { receivedAt: number; updatedAt: number });
      for (const time of times) delays.push(time.receivedAt - time.updatedAt);
      const at = times.map((time) => time.receivedAt);
      spreads.push(Math.max(...at) - Math.min(...at));
    }
    const cost = withViewers - (idleBefore + idleAfter) / 2;
    const delay = summary(delays);
    return {
      viewers: VIEWERS,
      windowSeconds,
      serverCpu: {
        idleViewersPercentOfCore: [round(idleBefore), round(idleAfter)],
        withViewersPercentOfCore: round(withViewers),
        costOfViewersPercentOfCore: round(cost),
        targetPercentOfCore: TARGET_CPU_PERCENT,
      },
      delivery: {
        updatesMeasured: common.length,
        deliveries: delays.length,
        delayFromStoredUpdateMs: delay,
        spreadAcrossViewersMs: summary(spreads),
        targetMs: TARGET_DELAY_MS,
      },
      // The three windows must all fall in training: a stage change in one of them is not what viewers cost.
      allWindowsInTraining: stillTraining,
      meetsTarget: stillTraining && cost <= TARGET_CPU_PERCENT && common.length > 0 && delay.max <= TARGET_DELAY_MS,
    };
  } finally {
    for (const viewer of viewers) viewer.unsubscribe();
    await platform.stop();
  }
}

function liveClient(url: string, token: string) {
  return createNodeApiClient({ serverUrl: url, credentials: { token } });
}

/** Resolves when the run is in its train stage (pushed by run.watch); fails if it ends first. */
function untilTraining(api: ReturnType<typeof liveClient>, runId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`run ${runId} did not reach its training in 10 minutes`));
    }, 600_000);
    const subscription = api.run.watch.subscribe(
      { runId },
      {
        onData: (update) => {
          const run = update.data as unknown as { status: string; stage: string | null; errorMessage: string | null };
          if (run.status !== "queued" && run.status !== "running") {
            reject(new Error(`run ${runId} ${run.status} before training: ${run.errorMessage}`));
          } else if (run.stage !== "train") return;
          else resolve();
          clearTimeout(deadline);
          queueMicrotask(() => subscription.unsubscribe());
        },
        onError: reject,
      },
    );
  });
}

/** The process's CPU time (user + system) over the next `seconds`, in % of one core. */
async function serverCpuPercent(pid: number, seconds: number): Promise<number> {
  const before = cpuTicks(pid);
  const startedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = (performance.now() - startedAt) / 1000;
  return (((cpuTicks(pid) - before) / CLOCK_TICKS_PER_SECOND) * 100) / elapsed;
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces, inside parentheses): utime is the 14th field, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

function summary(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? Number.NaN };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

interface PlatformProcess {
  readonly url: string;
  readonly pid: number;
  readonly dataDir: string;
  readonly projectId: string;
  stop(): Promise<void>;
}

/**
 * `deadweight platform` (API server and one local worker process; no dashboard, which the viewers
 * do not use) on a free port and a throwaway data directory. The server is this child process
 * itself (the worker is its own child), so its /proc times are the server's.
 */
async function startPlatformProcess(): Promise<PlatformProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "deadweight-live-bench-"));
  let output = "";
  const running = await launchPlatformChild({
    dataDir,
    port: 0,
    platformArguments: ["--no-dashboard"],
    onOutput: (chunk) => {
      output += chunk.toString("utf8");
    },
    outputSince: () => output,
  });
  const url = /Deadweight platform: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
  const projectId = /--project (\S+)/.exec(output)?.[1];
  const pid = running.child.pid;
  if (url === undefined || projectId === undefined || pid === undefined) {
    running.child.kill("SIGKILL");
    throw new Error(`unexpected platform output:\n${output}`);
  }
  return {
    url,
    pid,
    dataDir,
    projectId,
    stop: async () => {
      await interruptPlatformChild(running);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const windowSeconds = Number(process.env.LIVE_BENCH_WINDOW_S ?? 15);
  console.log(JSON.stringify(await runLiveViewersBenchmark({ windowSeconds }), null, 2));
}
