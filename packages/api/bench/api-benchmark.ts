/**
 * Benchmark of the tracking store over HTTP: 1,000 runs x 30 result rows stored, 20 concurrent
 * clients on loopback. Prints JSON with p50/p95 latency of the experiment list, a run's results and a
 * 20-run compare, against the targets (compare p95 <= 100 ms, list p95 <= 50 ms), and the server's
 * CPU time per request (less sensitive than latency to other load on a shared machine).
 * Each workload first runs --cold-requests on the fresh server (JIT, SQLite page cache, access cache
 * empty); those are reported separately under "coldStart" and not counted against the targets. Then
 * --warm-up-requests more of each (not reported): the server reaches its steady state (measured here:
 * on this 2-core machine the HTTP stack, tRPC and Kysely take about a thousand requests of a kind to be
 * compiled by V8; after 100, CPU per request was still twice the steady state).
 * The same data and load on the embedded SQLite store and on PostgreSQL (a server this script starts
 * on loopback, as the tests do), one after the other in the same run.
 * Usage: npx tsx bench/api-benchmark.ts [--stores sqlite,postgres] [--requests 400] [--cold-requests 100]
 *        [--warm-up-requests 1000] [--clients 20]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type OpenedDatabase, openDatabase, openPostgresDatabase } from "@deadweight/db";
import { createTestPostgresDatabase, startTestPostgres } from "@deadweight/test-support";
import { generateApiToken } from "../src/auth/api-tokens.js";

const { values } = parseArgs({
  // `pnpm run bench:... -- --flag` passes its "--" through to the script.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    requests: { type: "string", default: "400" },
    "cold-requests": { type: "string", default: "100" },
    "warm-up-requests": { type: "string", default: "1000" },
    clients: { type: "string", default: "20" },
    stores: { type: "string", default: "sqlite,postgres" },
  },
});
const REQUESTS_PER_WORKLOAD = Number(values.requests);
const COLD_REQUESTS = Number(values["cold-requests"]);
const WARM_UP_REQUESTS = Number(values["warm-up-requests"]);
const CLIENTS = Number(values.clients);
const EXPERIMENTS = 100;
const RUNS_PER_EXPERIMENT = 10;
const ROWS_PER_RUN = 30;

type StoreKind = "sqlite" | "postgres";
const STORES = values.stores.split(",").map((name) => name.trim()) as StoreKind[];
for (const kind of STORES) {
  if (kind !== "sqlite" && kind !== "postgres") throw new Error(`--stores: "${kind}" is not sqlite or postgres`);
}

// The same data and clients on each store, one after the other in this run (figures comparable).
const postgres = STORES.includes("postgres") ? await startTestPostgres() : null;
const byStore: Record<string, unknown> = {};
try {
  for (const kind of STORES) byStore[kind] = await benchmarkStore(kind);
} finally {
  await postgres?.stop();
}
process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: "api-http-loopback",
      note: `per store: experimentList, runResults and compare20Runs are measured on the same server after the coldStart pass and ${WARM_UP_REQUESTS} more requests of each workload (its steady state)`,
      concurrentClients: CLIENTS,
      requestsPerWorkload: REQUESTS_PER_WORKLOAD,
      ...byStore,
    },
    null,
    2,
  )}\n`,
);

async function benchmarkStore(kind: StoreKind) {
  const dataDir = mkdtempSync(join(tmpdir(), "deadweight-api-bench-"));
  const database =
    postgres === null || kind === "sqlite" ? undefined : await createTestPostgresDatabase(postgres.url, "bench");
  const opened =
    database === undefined ? openDatabase(join(dataDir, "deadweight.db")) : await openPostgresDatabase(database);
  const seeded = await seed(opened);
  await opened.close();
  const server = await startServerProcess(dataDir, database);
  try {
    const headers = { authorization: `Bearer ${seeded.token}` };
    const query = async (path: string, input: unknown): Promise<number> => {
      const url = `${server.url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
      const response = await fetch(url, { headers });
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
      return (await response.arrayBuffer()).byteLength;
    };
    const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)] as T;
    const sortFields = ["createdAt", "name"] as const;
    const workloads = {
      experimentList: () =>
        query("experiment.list", {
          projectId: seeded.projectId,
          limit: 25,
          sort: { field: pick(sortFields), direction: pick(["asc", "desc"] as const) },
        }),
      runResults: () => query("result.rows", { runId: pick(seeded.runIds) }),
      compare20Runs: () => {
        const runIds = new Set<string>();
        while (runIds.size < 20) runIds.add(pick(seeded.runIds));
        return query("compare.runs", { runIds: [...runIds] });
      },
    };

    // The fresh server first: also the warm-up (JIT, SQLite page cache) of the measured pass below.
    const coldStart = {
      note: `the first ${COLD_REQUESTS} requests of each workload on a fresh server; not counted against the targets`,
      experimentList: await measure(server, COLD_REQUESTS, workloads.experimentList),
      runResults: await measure(server, COLD_REQUESTS, workloads.runResults),
      compare20Runs: await measure(server, COLD_REQUESTS, workloads.compare20Runs),
    };
    for (const workload of Object.values(workloads)) await measure(server, WARM_UP_REQUESTS, workload);
    const list = await measure(server, REQUESTS_PER_WORKLOAD, workloads.experimentList);
    const results = await measure(server, REQUESTS_PER_WORKLOAD, workloads.runResults);
    const compare = await measure(server, REQUESTS_PER_WORKLOAD, workloads.compare20Runs);

    return {
      store: kind,
      stored: { runs: seeded.runIds.length, resultRows: seeded.runIds.length * ROWS_PER_RUN },
      experimentList: list,
      runResults: results,
      compare20Runs: compare,
      targets: {
        compareP95Ms: { target: "<= 100", met: compare.p95Ms <= 100 },
        listP95Ms: { target: "<= 50", met: list.p95Ms <= 50 },
      },
      coldStart,
    };
  } finally {
    server.process.kill("SIGTERM");
    await new Promise((resolve) => server.process.once("exit", resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Runs `total` requests from CLIENTS concurrent loops: latency percentiles in ms, the mean response
 * size, and the server process's CPU time (user + system) per request.
 */
async function measure(server: BenchServer, total: number, request: () => Promise<number>) {
  const latencies: number[] = [];
  let bytes = 0;
  let issued = 0;
  const cpuBefore = await server.cpuMicros();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (issued < total) {
        issued++;
        const begin = performance.now();
        const size = await request();
        latencies.push(performance.now() - begin);
        bytes += size;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuMicros = (await server.cpuMicros()) - cpuBefore;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number) * 10) / 10;
  return {
    requests: latencies.length,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    maxMs: at(1),
    requestsPerSecond: Math.round(latencies.length / seconds),
    serverCpuMsPerRequest: Math.round(cpuMicros / latencies.length / 10) / 100,
    meanResponseBytes: Math.round(bytes / latencies.length),
  };
}

/** 100 experiments x 10 runs x 30 rows, a team, its admin and a user API token, written straight to the database. */
async function seed(opened: OpenedDatabase) {
  const db = opened.db;
  const userId = randomUUID();
  await db.user.create({ data: { id: userId, name: "Bench Admin", email: "bench@example.test" } });
  const team = await db.team.create({ data: { name: "Bench", slug: "bench" } });
  await db.membership.create({ data: { teamId: team.id, userId, role: "admin" } });
  const project = await db.project.create({ data: { teamId: team.id, name: "Bench", slug: "bench" } });
  const generated = generateApiToken();
  await db.apiToken.create({
    data: {
      teamId: team.id,
      createdById: userId,
      name: "bench",
      kind: "user",
      prefix: generated.prefix,
      tokenHash: generated.tokenHash,
    },
  });
  const runIds: string[] = [];
  for (let e = 0; e < EXPERIMENTS; e++) {
    const config = {
      dataset: "mnist",
      model: { hidden: [512, 256, 128 - (e % 4) * 16] },
      training: { epochs: 5 },
      seed: e,
    };
    const experiment = await db.experiment.create({
      data: {
        projectId: project.id,
        name: `experiment ${e}`,
        dataset: "mnist",
        config: JSON.stringify(config),
        createdById: userId,
        tags: { create: [{ tag: `family-${e % 5}` }] },
      },
    });
    await db.$transaction(async (tx) => {
      for (let r = 0; r < RUNS_PER_EXPERIMENT; r++) {
        const run = await tx.run.create({
          data: {
            experimentId: experiment.id,
            status: "succeeded",
            seed: r,
            baseMetrics: JSON.stringify({
              hiddenSizes: [512, 256, 128],
              parameters: 567434,
              bytes: 2269736,
              validationAccuracy: 0.978,
              testAccuracy: 0.977,
              latencyMsPerSample: 0.16,
            }),
          },
        });
        runIds.push(run.id);
        await tx.resultRow.createMany({
          data: Array.from({ length: ROWS_PER_RUN }, (_, k) => {
            const parameters = 567434 - k * 15000 - r * 100;
            const accuracy = 0.978 - k * k * 0.0002;
            return {
              runId: run.id,
              rowKey: `mean${k}-std${r}`,
              position: k,
              threshold: JSON.stringify({ kind: "meanStd", mean: k / 10, std: r / 10 }),
              status: "ok",
              keptNeurons: JSON.stringify([512 - k * 10, 256 - k * 3, 128 - k]),
              keptNeuronTotal: 896 - k * 14,
              parameters,
              bytes: parameters * 4,
              validationAccuracy: accuracy,
              testAccuracy: accuracy - 0.001,
              validationAccuracyDrop: (0.978 - accuracy) * 100,
              testAccuracyDrop: (0.977 - accuracy + 0.001) * 100,
              parameterReductionPercent: (100 * (567434 - parameters)) / 567434,
              neuronReductionPercent: (100 * k * 14) / 896,
              latencyMsPerSample: 0.16 - k * 0.003,
              pareto: k % 3 === 0,
            };
          }),
        });
      }
    });
  }
  return { token: generated.token, projectId: project.id, runIds };
}

interface BenchServer {
  readonly url: string;
  readonly process: ChildProcess;
  /** The server process's CPU time so far (user + system), in microseconds. */
  cpuMicros(): Promise<number>;
}

async function startServerProcess(directory: string, database: string | undefined): Promise<BenchServer> {
  const script = fileURLToPath(new URL("./serve-for-benchmark.ts", import.meta.url));
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof") profiles the server process.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter((arg) => arg !== "");
  const child = spawn(
    process.execPath,
    [...nodeArgs, "--import", "tsx", script, directory, ...(database === undefined ? [] : [database])],
    {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      // The IPC channel answers CPU usage questions (see serve-for-benchmark.ts).
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /LISTENING (\S+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`benchmark server exited with code ${code}`)));
  });
  const cpuMicros = () =>
    new Promise<number>((resolve) => {
      child.once("message", (usage) => {
        const { user, system } = usage as NodeJS.CpuUsage;
        resolve(user + system);
      });
      child.send("cpu-usage");
    });
  return { url, process: child, cpuMicros };
}
