/**
 * What one worker call costs the API server in CPU: a server in its own process (the benchmark's
 * serve-queue-for-benchmark.ts, SQLite in a scratch folder), one claimed run, then N artifact
 * uploads (2 KiB each, with their sha256 announced, as the worker sends them), N heartbeats and N
 * stage reports from this process over HTTP. Prints one JSON object with the server's CPU
 * milliseconds per call of each kind (/proc: its process alone, not this client's). A run of
 * bench:queue's concurrency part makes ~14 uploads, ~6 heartbeats and 6 stage reports; at
 * --concurrency 2 the server's CPU is taken from the runs' cores, so this is where to look first.
 * Usage: pnpm --filter @deadweight/cli run probe:worker-calls [-- --calls 300]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createHttpWorkerApi } from "@deadweight/worker";
import { processOwnCpuSeconds } from "./process-cpu.js";

const { values } = parseArgs({ options: { calls: { type: "string", default: "300" } } });
const CALLS = Number(values.calls);
if (!(Number.isInteger(CALLS) && CALLS > 0)) {
  console.error(`--calls ${values.calls}: expected a whole number above 0`);
  process.exit(2);
}
/** Calls of each kind made before measuring: the server's JIT and its caches warm up. */
const WARM_UP_CALLS = 30;

const scratch = mkdtempSync(join(tmpdir(), "deadweight-worker-calls-"));
let server: ChildProcess | undefined;
process.on("exit", () => {
  if (server !== undefined && server.exitCode === null) server.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
});

server = spawn(
  process.execPath,
  ["--import", "tsx", fileURLToPath(new URL("./serve-queue-for-benchmark.ts", import.meta.url)), join(scratch, "data")],
  { stdio: ["ignore", "pipe", "inherit"], cwd: fileURLToPath(new URL("..", import.meta.url)) },
);
const served = await new Promise<{ url: string; workerToken: string; userToken: string; projectId: string }>(
  (resolve, reject) => {
    server?.once("exit", (code) => reject(new Error(`the server exited with ${code} before it was ready`)));
    createInterface({ input: server?.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      if (line.startsWith("READY ")) resolve(JSON.parse(line.slice("READY ".length)));
    });
  },
);

const created = await fetch(`${served.url}/api/trpc/experiment.create`, {
  method: "POST",
  headers: { authorization: `Bearer ${served.userToken}`, "content-type": "application/json" },
  body: JSON.stringify({ projectId: served.projectId, name: "worker calls", config: {}, runs: 1 }),
});
if (!created.ok) throw new Error(`experiment.create answered ${created.status}: ${await created.text()}`);
const api = createHttpWorkerApi({ serverUrls: [served.url], token: served.workerToken });
const claim = await api.claim({ workerName: "worker-calls" });
if (claim === null) throw new Error("the queued run was not claimed");
const run = { runId: claim.run.id, attempt: claim.run.attempt };
const serverPid = server.pid as number;

/** The server's CPU milliseconds per call of `call`, over `count` calls made one after the other. */
async function serverCpuPerCall(count: number, call: (index: number) => Promise<unknown>) {
  const cpuAtStart = processOwnCpuSeconds(serverPid);
  const startedAt = performance.now();
  for (let index = 0; index < count; index++) await call(index);
  return {
    serverCpuMsPerCall: Number((((processOwnCpuSeconds(serverPid) - cpuAtStart) * 1000) / count).toFixed(2)),
    msPerCall: Number(((performance.now() - startedAt) / count).toFixed(2)),
  };
}

const upload = (prefix: string) => (index: number) => {
  const bytes = new Uint8Array(2048).fill(index % 251);
  return api.uploadArtifact({
    ...run,
    name: `${prefix}/${index}.bin`,
    kind: "weights",
    contentType: "application/octet-stream",
    bytes,
  });
};
const heartbeat = () => api.heartbeat({ ...run, progress: { stage: "train", epoch: 1, epochs: 2 } });
const completeStage = (index: number) => api.completeStage({ ...run, stage: "train", seconds: index });

await serverCpuPerCall(WARM_UP_CALLS, upload("warm-up"));
await serverCpuPerCall(WARM_UP_CALLS, heartbeat);
await serverCpuPerCall(WARM_UP_CALLS, completeStage);
const result = {
  calls: CALLS,
  note: "server CPU from /proc (10 ms ticks, so per-call figures are good to ~10 ms / calls); each call waits for the one before",
  artifactUpload: await serverCpuPerCall(CALLS, upload("measured")),
  heartbeat: await serverCpuPerCall(CALLS, heartbeat),
  completeStage: await serverCpuPerCall(CALLS, completeStage),
};
console.log(JSON.stringify(result, null, 2));
process.exit(0);
