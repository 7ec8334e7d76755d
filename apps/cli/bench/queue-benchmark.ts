/**
 * Benchmark of the job queue and the worker. Prints one JSON object:
 * - queue.emptyRunsPerSecond: runs claimed and finished per second by 4 workers that do no work
 *   (claim -> finish over HTTP), against a server in its own process: the queue's own capacity.
 * - queue.smallRunsPerSecond: trivially small real runs (CSV, 600 samples, one hidden layer of 8,
 *   1 epoch, 2 thresholds) completed per second by 4 `deadweight worker` processes.
 * - overhead: a small full run through server + worker, queued -> finished, against the same run
 *   through the core directly (load + runExperiment) in one process; medians of 3 after a warm-up
 *   each. Two sizes: "small" (the default prune run with 1 epoch instead of 5, ~25 s; the target,
 *   overhead <= 10%, applies to it) and "demo" (the platform's 1.5 s demo run, where the worker's
 *   fixed cost per run, ~25 HTTP calls and the model uploads, shows most).
 * - replicas: the same two throughputs on PostgreSQL + an S3-compatible bucket (s3rver), served by 1 and
 *   then by 2 API server processes (the empty-run clients and the workers spread over them).
 * - concurrency: one `deadweight worker` running the same 8 small MNIST runs at --concurrency 1 and
 *   then 2 (each run in a process of its own): wall time from the first start to the last finish, the
 *   speed-up, each stage's median time, where the cores went (the machine's, the server's, the worker's
 *   process and its runs' processes; /proc), and the speed-up the measured work would allow at best.
 *   First, the ceiling: the same runs' computation in plain processes (no server, no worker), 8 in one
 *   process and then 4 in each of two at once. Run only with --only concurrency (it measures cores, so
 *   it wants a quiet machine).
 * Usage: pnpm --filter @deadweight/cli run bench:queue [-- --empty-runs 200 --small-runs 40 --repeats 3]
 *   [--only queue|overhead|demo|replicas|concurrency] (a part alone: "overhead" is both sizes, "demo" the demo run only)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { AppRouter } from "@deadweight/api";
import { createTestPostgresDatabase, startStandaloneS3Server, startTestPostgres } from "@deadweight/test-support";
import { createHttpWorkerApi } from "@deadweight/worker";
import { createTRPCClient, httpLink } from "@trpc/client";
import { DEMO_EXPERIMENT } from "../src/platform/demo-experiment.js";
import { machineCpuSeconds, processOwnCpuSeconds, processTreeCpuSeconds } from "./process-cpu.js";

const { values } = parseArgs({
  // `pnpm run bench:... -- --flag` passes its "--" through to the script.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    "empty-runs": { type: "string", default: "200" },
    "small-runs": { type: "string", default: "40" },
    repeats: { type: "string", default: "3" },
    only: { type: "string" },
  },
});
const EMPTY_RUNS = Number(values["empty-runs"]);
const SMALL_RUNS = Number(values["small-runs"]);
const REPEATS = Number(values.repeats);
const ONLY = values.only;
if (ONLY !== undefined && !["queue", "overhead", "demo", "replicas", "concurrency"].includes(ONLY)) {
  console.error(`--only "${ONLY}": expected queue, overhead, demo, replicas or concurrency`);
  process.exit(2);
}
const wanted = (part: "queue" | "small" | "demo" | "replicas" | "concurrency") =>
  part === "concurrency"
    ? ONLY === part
    : ONLY === undefined ||
      (part === "queue" || part === "replicas" ? ONLY === part : ONLY === "overhead" || ONLY === part);
const WORKERS = 4;
const CLI_BIN = fileURLToPath(new URL("../bin/deadweight.mjs", import.meta.url));
const TSX_RUN = (script: string) => ["--import", "tsx", fileURLToPath(new URL(script, import.meta.url))];

const scratch = mkdtempSync(join(tmpdir(), "deadweight-queue-bench-"));
const children: ChildProcess[] = [];
process.on("exit", () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
});

/** Starts a child and resolves with the payload of its first line starting with `marker`. */
function startChild(
  args: string[],
  marker: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; payload: unknown }> {
  const child = spawn(process.execPath, args, {
    stdio: ["pipe", "pipe", "inherit"],
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    env: { ...process.env, ...env },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code} before ${marker}`)));
    nextLine(child, marker).then((payload) => resolve({ child, payload }), reject);
  });
}

/** The payload of the child's next stdout line starting with `marker`. */
function nextLine(child: ChildProcess, marker: string): Promise<unknown> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      if (!line.startsWith(`${marker} `)) return;
      lines.close();
      resolve(JSON.parse(line.slice(marker.length + 1)));
    });
  });
}

/**
 * A direct-run-for-benchmark.ts process for `config` (the experiment straight through the core, no
 * platform), once it is ready: `run()` has it do one run and resolves with that run's RESULT line.
 */
async function startDirectRuns(config: Record<string, unknown>) {
  const { child } = await startChild([...TSX_RUN("./direct-run-for-benchmark.ts"), JSON.stringify(config)], "READY");
  const waiting: ((result: { seconds: number; stages: Record<string, number> }) => void)[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    if (line.startsWith("RESULT ")) waiting.shift()?.(JSON.parse(line.slice("RESULT ".length)));
  });
  return {
    run: () =>
      new Promise<{ seconds: number; stages: Record<string, number> }>((resolve) => {
        waiting.push(resolve);
        child.stdin?.write("run\n");
      }),
    end: () => child.kill("SIGTERM"),
  };
}

interface Served {
  readonly url: string;
  readonly workerToken: string;
  readonly userToken: string;
  readonly projectId: string;
}

/** A shared store for replicas: a PostgreSQL database, a bucket, the session secret. */
interface SharedStore {
  readonly database: string;
  readonly artifacts: string;
  readonly env: Record<string, string>;
}

async function startServer(
  name: string,
  shared?: SharedStore,
): Promise<{ served: Served; pid: number; stop: () => Promise<void> }> {
  const dataDir = join(scratch, name);
  const { child, payload } = await startChild(
    [
      ...TSX_RUN("./serve-queue-for-benchmark.ts"),
      dataDir,
      ...(shared === undefined ? [] : [shared.database, shared.artifacts]),
    ],
    "READY",
    shared?.env,
  );
  return {
    served: payload as Served,
    pid: child.pid as number,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

function userClient(served: Served) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${served.url}/api/trpc`, headers: { authorization: `Bearer ${served.userToken}` } })],
  });
}

async function queueRuns(served: Served, count: number, config: Record<string, unknown>): Promise<string[]> {
  const client = userClient(served);
  const ids: string[] = [];
  for (let queued = 0; queued < count; queued += 10) {
    const experiment = await client.experiment.create.mutate({
      projectId: served.projectId,
      name: `bench ${queued}`,
      config,
      runs: Math.min(10, count - queued),
    });
    ids.push(...experiment.runs.recent.map((run) => run.id));
  }
  return ids;
}

/**
 * Waits for the runs to end, then reads each once. Times come from the server's timestamps, so a
 * slow poll costs no precision. The poll is one list of the project's unfinished runs a second, so
 * the benchmark's own requests do not compete with the worker for the CPU (it used to read every
 * run in full each second: half of the server's requests during the concurrency part).
 */
async function waitUntilFinished(served: Served, runIds: readonly string[]) {
  const client = userClient(served);
  const waitingFor = new Set(runIds);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [queued, running] = await Promise.all(
      (["queued", "running"] as const).map((status) =>
        client.run.list.query({ projectId: served.projectId, status, limit: 100 }),
      ),
    );
    const unfinished = [...queued!.items, ...running!.items].filter((run) => waitingFor.has(run.id));
    if (unfinished.length === 0 && queued!.nextCursor === null && running!.nextCursor === null) break;
  }
  return Promise.all(runIds.map((runId) => client.run.get.query({ runId })));
}

function spawnWorker(served: Served, name: string, extraArgs: readonly string[] = []): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      CLI_BIN,
      "worker",
      "--server",
      served.url,
      "--token",
      served.workerToken,
      "--name",
      name,
      "--poll",
      "0.2",
      "--max-poll",
      "0.5",
      // The benchmark's CSV lives in its scratch folder: the one folder its workers may read.
      "--data-root",
      scratch,
      ...extraArgs,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  children.push(child);
  return child;
}

async function untilPolling(worker: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    createInterface({ input: worker.stderr as NodeJS.ReadableStream }).on("line", (line) => {
      if (line.includes("polling")) resolve();
    });
  });
}

/** Counts the worker's log lines that match `pattern` from now on; the returned function reads the count. */
function countLogLines(worker: ChildProcess, pattern: RegExp): () => number {
  let count = 0;
  createInterface({ input: worker.stderr as NodeJS.ReadableStream }).on("line", (line) => {
    if (pattern.test(line)) count++;
  });
  return () => count;
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise((resolve) => {
          worker.once("exit", resolve);
          worker.kill("SIGTERM");
        }),
    ),
  );
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const round = (value: number, digits = 3) => Number(value.toFixed(digits));
const seconds = (from: string | Date, to: string | Date) => (new Date(to).getTime() - new Date(from).getTime()) / 1000;

// 1. The queue alone: 4 clients claim and finish empty runs as fast as the server lets them.
async function emptyRunThroughput(servers?: readonly Served[], stopAll?: () => Promise<void>) {
  const started1 = servers === undefined ? await startServer("empty") : null;
  const everyServer = servers ?? [started1!.served];
  const served = everyServer[0]!;
  const stop = stopAll ?? started1!.stop;
  await queueRuns(served, EMPTY_RUNS, {});
  const started = performance.now();
  let finished = 0;
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, index) => {
      // Spread over the replicas: client i talks to replica i mod n.
      const mine = everyServer[index % everyServer.length]!;
      const api = createHttpWorkerApi({ serverUrls: [mine.url], token: served.workerToken });
      for (;;) {
        const claim = await api.claim({ workerName: `empty-${index}` });
        if (claim === null) return;
        await api.finish({ runId: claim.run.id, attempt: claim.run.attempt, outcome: "succeeded" });
        finished++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await stop();
  return { runs: finished, workers: WORKERS, seconds: round(elapsed), runsPerSecond: round(finished / elapsed, 1) };
}

// 2. Trivially small real runs through 4 worker processes.
async function smallRunThroughput(servers?: readonly Served[], stopAll?: () => Promise<void>) {
  const started1 = servers === undefined ? await startServer("small") : null;
  const everyServer = servers ?? [started1!.served];
  const served = everyServer[0]!;
  const stop = stopAll ?? started1!.stop;
  const csv = join(scratch, "small.csv");
  const lines = ["a,b,c,d,label"];
  for (let i = 0; i < 600; i++) lines.push(`${i % 2},${(i * 7) % 5},${(i * 3) % 4},${i % 3},${i % 2}`);
  writeFileSync(csv, `${lines.join("\n")}\n`);
  // Worker i starts on replica i mod n and fails over to the others.
  const workers = Array.from({ length: WORKERS }, (_, index) =>
    spawnWorker(
      { ...served, url: everyServer.map((_, k) => everyServer[(index + k) % everyServer.length]!.url).join(",") },
      `small-${index}`,
    ),
  );
  await Promise.all(workers.map(untilPolling));
  const runIds = await queueRuns(served, SMALL_RUNS, {
    dataset: `csv:${csv}`,
    model: { hidden: [8] },
    training: { epochs: 1 },
    pruning: { means: [0], stds: [0.5, 1] },
  });
  const runs = await waitUntilFinished(served, runIds);
  await stopWorkers(workers);
  await stop();
  const failed = runs.filter((run) => run.status !== "succeeded").length;
  const first = Math.min(...runs.map((run) => new Date(run.startedAt as unknown as string).getTime()));
  const last = Math.max(...runs.map((run) => new Date(run.finishedAt as unknown as string).getTime()));
  const elapsed = (last - first) / 1000;
  return {
    runs: runs.length,
    failed,
    workers: WORKERS,
    seconds: round(elapsed),
    runsPerSecond: round(runs.length / elapsed, 2),
    medianRunSeconds: round(
      median(runs.map((run) => seconds(run.startedAt as unknown as string, run.finishedAt as unknown as string))),
    ),
  };
}

/** `deadweight prune`'s default run (full MNIST, 784-512-256-128-10, 30 thresholds) with 1 epoch instead of 5. */
const SMALL_RUN = { dataset: "mnist", training: { epochs: 1 } };

// 3. The worker's overhead on a small full run, against the core directly. Direct and worker runs
// alternate, so both meet the same load from anything else running on the machine.
async function workerOverhead(description: string, config: Record<string, unknown>) {
  const direct = await startDirectRuns(config);
  const directRun = direct.run;
  const { served, stop } = await startServer(`overhead-${description.length}`);
  const worker = spawnWorker(served, "overhead");
  await untilPolling(worker);
  const workerRun = async () => {
    const [runId] = await queueRuns(served, 1, { ...config });
    const [done] = await waitUntilFinished(served, [runId as string]);
    if (done?.status !== "succeeded") throw new Error(`overhead run ${runId} ${done?.status}: ${done?.errorMessage}`);
    const attempt = done.attempts.at(-1);
    return {
      endToEnd: seconds(done.queuedAt as unknown as string, done.finishedAt as unknown as string),
      claimedToFinished: seconds(attempt?.startedAt as unknown as string, done.finishedAt as unknown as string),
      queueWait: seconds(done.queuedAt as unknown as string, attempt?.startedAt as unknown as string),
      stages: done.timings ?? {},
    };
  };
  // Warm-ups: backend start and first reads, on both sides.
  await directRun();
  await workerRun();
  const directRuns: Awaited<ReturnType<typeof directRun>>[] = [];
  const measured: Awaited<ReturnType<typeof workerRun>>[] = [];
  for (let run = 0; run < REPEATS; run++) {
    directRuns.push(await directRun());
    measured.push(await workerRun());
  }
  direct.end();
  await stopWorkers([worker]);
  await stop();
  const directSeconds = directRuns.map((run) => run.seconds);
  const directMedian = median(directSeconds);
  const stageSeconds = (runs: readonly { stages: Record<string, number> }[]) =>
    Object.fromEntries(
      Object.keys(runs[0]?.stages ?? {}).map((stage) => [
        stage,
        round(median(runs.map((run) => run.stages[stage] ?? 0))),
      ]),
    );
  const endToEnd = median(measured.map((m) => m.endToEnd));
  // The worker's deploy stage (bundles per dtype, verification in a fresh process, model card) is work the
  // direct run does not do: the queue's overhead is measured without it, and its time is reported apart.
  const deploy = median(measured.map((m) => m.stages.deploy ?? 0));
  const overhead = (endToEnd - deploy - directMedian) / directMedian;
  return {
    run: description,
    directSeconds: directSeconds.map((value) => round(value)),
    workerEndToEndSeconds: measured.map((m) => round(m.endToEnd)),
    workerClaimedToFinishedSeconds: measured.map((m) => round(m.claimedToFinished)),
    queueWaitSeconds: measured.map((m) => round(m.queueWait)),
    directStageSeconds: stageSeconds(directRuns),
    workerStageSeconds: stageSeconds(measured),
    workerClaim:
      "long poll: each claim waits on the server for up to 20 s (--poll 0.2/--max-poll 0.5 now only pace retries after errors)",
    directMedianSeconds: round(directMedian),
    workerMedianSeconds: round(endToEnd),
    /** The deploy stage: work only the platform does (see above), not counted as overhead. */
    deployStageMedianSeconds: round(deploy),
    /** What the queue adds per run whatever its size (claim wait, reports, uploads), the deploy stage excluded. */
    addedSecondsPerRun: round(endToEnd - deploy - directMedian),
    overheadPercent: round(100 * overhead, 1),
    overheadMeasures: "worker end to end minus its deploy stage, against the same pipeline run directly by the core",
    target: { overheadPercentAtMost: 10, met: overhead <= 0.1 },
  };
}

// 4. The queue on PostgreSQL + a bucket, behind 1 and then 2 API server processes.
async function replicaThroughput() {
  const postgres = await startTestPostgres();
  const s3 = await startStandaloneS3Server();
  try {
    const byReplicas: Record<string, unknown> = {};
    for (const count of [1, 2]) {
      const shared = async (part: string): Promise<SharedStore> => ({
        database: await createTestPostgresDatabase(postgres.url, `queue_${part}_${count}`),
        artifacts: `s3://${s3.bucket}/${part}-${count}`,
        env: {
          DEADWEIGHT_AUTH_SECRET: randomBytes(32).toString("base64url"),
          AWS_ENDPOINT_URL: s3.endpoint,
          AWS_REGION: "us-east-1",
          AWS_ACCESS_KEY_ID: s3.accessKeyId,
          AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        },
      });
      const replicasOf = async (part: string) => {
        const store = await shared(part);
        const started: Awaited<ReturnType<typeof startServer>>[] = [];
        // One at a time: the first migrates the database and creates the tokens the others share.
        for (let index = 0; index < count; index++) started.push(await startServer(`${part}-${count}-${index}`, store));
        const first = started[0]!.served;
        return {
          servers: started.map((entry) => ({ ...first, url: entry.served.url })),
          stop: async () => {
            for (const entry of started) await entry.stop();
          },
        };
      };
      const empty = await replicasOf("empty");
      const emptyRuns = await emptyRunThroughput(empty.servers, empty.stop);
      const small = await replicasOf("small");
      const smallRuns = await smallRunThroughput(small.servers, small.stop);
      byReplicas[`${count} replica${count === 1 ? "" : "s"}`] = { empty: emptyRuns, small: smallRuns };
    }
    return {
      store: "PostgreSQL (a server this benchmark starts) + s3rver on loopback",
      note: "one machine: the replicas, the database, the bucket and the workers share its cores, so a second replica adds failover, not throughput, here",
      ...byReplicas,
    };
  } finally {
    await s3.discard();
    await postgres.stop();
  }
}

/**
 * Small MNIST runs whose time is mostly training (~8 s each alone on this machine's kind). With 2
 * epochs, as until the matrix products moved to OpenBLAS, training became ~1 s of a 5 s run: the
 * rest was the run thread's start and the dataset's load, which this benchmark is not about.
 */
const CONCURRENCY_RUN = {
  dataset: "mnist",
  split: { maxTrainSamples: 6000, maxTestSamples: 500 },
  model: { hidden: [64] },
  training: { epochs: 10, batchSize: 32 },
  pruning: { means: [0], stds: [0.5, 1] },
};
const CONCURRENCY_RUNS = 8;

/** CPU seconds so far: the machine's, the server's and the worker's (its process, its runs' processes and their verifiers). */
function cpuNow(serverPid: number, workerPid: number) {
  return {
    at: performance.now(),
    machine: machineCpuSeconds(),
    server: processTreeCpuSeconds(serverPid),
    worker: processTreeCpuSeconds(workerPid),
    workerOwn: processOwnCpuSeconds(workerPid),
  };
}

/** Where the cores went between two readings (queueing to the last run seen finished): core-seconds and cores busy on average. */
function cpuOfWindow(start: ReturnType<typeof cpuNow>, end: ReturnType<typeof cpuNow>) {
  const seconds = (end.at - start.at) / 1000;
  const machine = end.machine - start.machine;
  const server = end.server - start.server;
  const worker = end.worker - start.worker;
  const workerOwn = end.workerOwn - start.workerOwn;
  return {
    windowSeconds: round(seconds, 1),
    machineCoresBusy: round(machine / seconds, 2),
    machineCoreSeconds: round(machine, 1),
    serverCoreSeconds: round(server, 1),
    workerCoreSeconds: round(worker, 1),
    /** Of the worker's: its own process (claims, heartbeats, relaying progress), not its runs' processes. */
    workerProcessCoreSeconds: round(workerOwn, 1),
    /** Everything else on the machine: this benchmark's own process, and whatever else ran. */
    otherCoreSeconds: round(machine - server - worker, 1),
  };
}

/**
 * The ceiling for the worker's speed-up: the same runs' computation (load, train, statistics, sweep,
 * export in memory: direct-run-for-benchmark.ts) in plain processes with nothing of the platform, 8
 * runs in one process and then 4 in each of two at once. One run alone already keeps more than one
 * core busy (V8's garbage-collector threads beside its own), so even two processes that share nothing
 * fall short of 2x on two cores: this is by how much, and so how close to it the worker comes.
 */
async function plainProcessesSpeedUp() {
  const byProcesses: Record<string, { seconds: number; machineCoresBusy: number; medianRunSeconds: number }> = {};
  for (const processes of [1, 2]) {
    const directs = await Promise.all(Array.from({ length: processes }, () => startDirectRuns(CONCURRENCY_RUN)));
    const startedAt = performance.now();
    const machineAtStart = machineCpuSeconds();
    const runSeconds: number[] = [];
    await Promise.all(
      directs.map(async (direct) => {
        for (let run = 0; run < CONCURRENCY_RUNS / processes; run++) runSeconds.push((await direct.run()).seconds);
      }),
    );
    const elapsed = (performance.now() - startedAt) / 1000;
    byProcesses[processes === 1 ? "1 process" : `${processes} processes`] = {
      seconds: round(elapsed),
      machineCoresBusy: round((machineCpuSeconds() - machineAtStart) / elapsed, 2),
      medianRunSeconds: round(median(runSeconds)),
    };
    for (const direct of directs) direct.end();
  }
  return {
    ...byProcesses,
    speedUp: round(byProcesses["1 process"]!.seconds / byProcesses["2 processes"]!.seconds, 2),
    note: "each process runs its share of the runs one after the other, with the flags the worker gives its run processes (none that change speed)",
  };
}

// 5. One worker, the same runs at --concurrency 1 and 2: what a process per run buys on this machine's cores.
async function concurrencySpeedUp() {
  const byConcurrency: Record<
    string,
    {
      seconds: number;
      failed: number;
      medianRunSeconds: number;
      medianStageSeconds: Record<string, number>;
      runsInAWarmThread: number;
      cpu: ReturnType<typeof cpuOfWindow>;
    }
  > = {};
  const plainProcesses = await plainProcessesSpeedUp();
  for (const concurrency of [1, 2]) {
    const { served, pid, stop } = await startServer(`concurrency-${concurrency}`);
    const worker = spawnWorker(served, `concurrency-${concurrency}`, ["--concurrency", String(concurrency)]);
    await untilPolling(worker);
    const warmRuns = countLogLines(worker, /: in a warm (thread|process) \(/);
    const cpuAtStart = cpuNow(pid, worker.pid as number);
    const runs = await waitUntilFinished(served, await queueRuns(served, CONCURRENCY_RUNS, CONCURRENCY_RUN));
    const cpu = cpuOfWindow(cpuAtStart, cpuNow(pid, worker.pid as number));
    await stopWorkers([worker]);
    await stop();
    const first = Math.min(...runs.map((run) => new Date(run.startedAt as unknown as string).getTime()));
    const last = Math.max(...runs.map((run) => new Date(run.finishedAt as unknown as string).getTime()));
    byConcurrency[`concurrency ${concurrency}`] = {
      seconds: round((last - first) / 1000),
      failed: runs.filter((run) => run.status !== "succeeded").length,
      medianRunSeconds: round(
        median(runs.map((run) => seconds(run.startedAt as unknown as string, run.finishedAt as unknown as string))),
      ),
      // Each stage's time in a run (the worker's own timings): which stages slow down when two runs share the cores.
      medianStageSeconds: Object.fromEntries(
        Object.keys(runs[0]?.timings ?? {}).map((stage) => [
          stage,
          round(median(runs.map((run) => run.timings?.[stage] ?? 0))),
        ]),
      ),
      // Runs that ran in the process an earlier run completed in (--keep-warm): all but the first `concurrency`.
      runsInAWarmThread: warmRuns(),
      cpu,
    };
  }
  const one = byConcurrency["concurrency 1"]!.seconds;
  const two = byConcurrency["concurrency 2"]!.seconds;
  const cores = availableParallelism();
  return {
    runs: CONCURRENCY_RUNS,
    config: CONCURRENCY_RUN,
    ...byConcurrency,
    speedUp: round(one / two, 2),
    // The most concurrency 2 could gain with the work it measured (every process on the machine)
    // spread over every core with no core ever idle: concurrency 1's time over (that work / cores).
    speedUpBoundByWork: round(one / (byConcurrency["concurrency 2"]!.cpu.machineCoreSeconds / cores), 2),
    plainProcesses,
    // The worker's speed-up as a share of what two plain processes reach on these cores.
    shareOfPlainSpeedUp: round(one / two / plainProcesses.speedUp, 2),
    note: "wall time from the first run's start to the last one's finish, one worker process; the server runs in its own process on the same cores",
  };
}

const result = {
  machine: { cpus: availableParallelism(), loadAverageAtStart: loadavg().map((value) => round(value, 2)) },
  ...(wanted("queue") ? { queue: { empty: await emptyRunThroughput(), small: await smallRunThroughput() } } : {}),
  ...(wanted("replicas") ? { replicas: await replicaThroughput() } : {}),
  ...(wanted("concurrency") ? { concurrency: await concurrencySpeedUp() } : {}),
  overhead: {
    ...(wanted("small")
      ? {
          small: await workerOverhead(
            "the default prune run with 1 epoch: full MNIST (54,000 train / 6,000 validation / 10,000 test), 784-512-256-128-10, 30 thresholds, Pareto models exported",
            SMALL_RUN,
          ),
        }
      : {}),
    ...(wanted("demo")
      ? {
          demo: await workerOverhead(
            "the platform's demo: MNIST 10,000 train / 2,000 test samples, 784-128-64-10, 2 epochs, 30 thresholds",
            { ...DEMO_EXPERIMENT.config },
          ),
        }
      : {}),
  },
};
console.log(JSON.stringify(result, null, 2));
process.exit(0);
