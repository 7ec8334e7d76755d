import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { type CountingProxy, startCountingProxy } from "../counting-proxy.js";
import { printed, spawnNode } from "../spawned-process.js";
import {
  finishedRun,
  spawnWorker,
  startTestPlatform,
  type TestPlatform,
  temporaryFolder,
  tinyConfig,
  writeBlobsCsv,
} from "./queue-fixtures.js";

// `deadweight submit --wait` and `deadweight status --follow` on the push path (run.watch,
// project.watch over server-sent events), through a real proxy that counts requests by procedure
// and can cut every connection, in front of a real server and worker.

const CLI_BIN = fileURLToPath(new URL("../../../bin/deadweight.mjs", import.meta.url));
let platform: TestPlatform;
let proxy: CountingProxy;
let userToken: string;
let workerToken: string;
let config: Record<string, unknown>;
let configPath: string;
let workerStarted = false;

/** The one worker of these tests, started when a test first needs a run to be worked on. */
function startWorker(): void {
  if (workerStarted) return;
  workerStarted = true;
  spawnWorker(platform.url, workerToken, "live-worker");
}

beforeAll(async () => {
  platform = await startTestPlatform();
  proxy = await startCountingProxy(platform.url);
  userToken = await platform.createToken("user");
  workerToken = await platform.createToken("worker");
  const folder = temporaryFolder();
  const base = tinyConfig(`csv:${writeBlobsCsv(folder, "blobs.csv", 3000)}`);
  // Training long enough (many small batches) for several heartbeats, each carrying the epoch it is in.
  config = { ...base, split: { maxTrainSamples: 3000, maxTestSamples: 200 }, training: { epochs: 6, batchSize: 8 } };
  configPath = join(folder, "live.json");
  writeFileSync(configPath, JSON.stringify(config));
});

function deadweight(args: readonly string[]) {
  return spawnNode([CLI_BIN, ...args, "--server", proxy.url, "--token", userToken], {
    ...process.env,
    DEADWEIGHT_SERVER: undefined,
    DEADWEIGHT_TOKEN: undefined,
    FORCE_COLOR: "0",
  });
}

describe("deadweight status --follow", () => {
  it("prints the run's live progress (--run) or the table on each change, says when the connection is lost and back, and ends at success", async () => {
    const [runId] = (await platform.queue("followed", config)) as [string];
    const follow = deadweight(["status", "--run", runId, "--follow"]);
    const table = deadweight(["status", "--project", platform.projectId, "--follow"]);
    await printed(follow, "the queued state", /^run queued .*waiting for a worker/m, 30_000);
    await printed(
      table,
      "the table with the queued run",
      new RegExp(`^${runId}\\s+followed\\s+queued\\s`, "m"),
      30_000,
    );

    // The network drops while the run waits: one line, a reconnection by itself, one line.
    proxy.cutConnections();
    for (const live of [follow, table]) {
      await printed(live, "the lost connection", /^connection to \S+ lost; reconnecting…$/m, 30_000);
      await printed(live, "the connection back", /^connection to \S+ back$/m, 30_000);
    }

    startWorker();
    await printed(
      table,
      "the table with the running run",
      new RegExp(`^${runId}\\s+followed\\s+running\\s`, "m"),
      60_000,
    );
    expect((await table.exited).code, table.output()).toBe(0);
    expect(table.output()).toMatch(new RegExp(`^${runId}\\s+followed\\s+succeeded\\s+1/3\\s+-\\s+4 rows`, "m"));

    await printed(follow, "training progress", /^run train\b.*\[/m, 60_000);
    const { code } = await follow.exited;
    const output = follow.output();
    expect(code, output).toBe(0);
    expect(output).toMatch(new RegExp(`^${runId}\\s+followed\\s+succeeded\\s+1/3`, "m"));
    expect(output).toMatch(/^attempts:\n.*\n1\s+live-worker\s/m);
    expect(output.match(/lost; reconnecting…/g)).toHaveLength(1);
  });

  it("stops at once with the server's message for a run that does not exist, or a refused token", async () => {
    const missing = deadweight(["status", "--run", "no-such-run", "--follow"]);
    expect((await missing.exited).code).toBe(2);
    expect(missing.output()).toBe("error: following run no-such-run: run no-such-run does not exist (HTTP 404)\n");

    const refused = spawnNode(
      [CLI_BIN, "status", "--run", "no-such-run", "--follow", "--server", proxy.url, "--token", "dw_not-valid"],
      { ...process.env, FORCE_COLOR: "0" },
    );
    expect((await refused.exited).code).toBe(2);
    expect(refused.output()).toMatch(/^error: following run no-such-run: the server at \S+ refused the token \(401: /);
  });
});

describe("deadweight submit --wait", () => {
  it("follows its run to the end on the pushed updates, without polling run.get", async () => {
    const getsBefore = proxy.count("/api/trpc/run.get");
    const watchesBefore = proxy.count("/api/trpc/run.watch");
    startWorker();
    const submit = deadweight(["submit", configPath, "--project", platform.projectId, "--wait"]);
    await printed(submit, "training progress", /^run train\b.*\[/m, 60_000);
    const { code } = await submit.exited;
    const output = submit.output();
    expect(code, output).toBe(0);
    expect(output).toMatch(/\S+\s+live\s+succeeded\s+1\/3\s+-\s+4 rows in \d+s\s+live-worker/);
    expect(output).toContain("base (unpruned)");
    expect(proxy.count("/api/trpc/run.watch") - watchesBefore).toBe(1);
    expect(proxy.count("/api/trpc/run.get") - getsBefore).toBe(0);
    const runId = /: run (\S+)$/m.exec(output)?.[1] as string;
    expect((await finishedRun(platform, runId)).status).toBe("succeeded");
  });
});

describe("Ctrl-C while following", () => {
  it("stops waiting (exit 130) and the run goes on to the end on the server", async () => {
    startWorker();
    const submit = deadweight(["submit", configPath, "--project", platform.projectId, "--name", "left", "--wait"]);
    const runId = (await printed(submit, "the queued run", /: run (\S+)$/m, 30_000))[1] as string;
    await printed(submit, "a progress line", /^run (queued|starting|load|train)\b.*\[/m, 60_000);
    submit.process.kill("SIGINT");
    const { code } = await submit.exited;
    const output = submit.output();
    expect(code, output).toBe(130);
    expect(output).toContain("stopping the wait…");
    expect(output).toContain("stopped waiting; the run goes on on the server (deadweight status shows it)");
    expect((await finishedRun(platform, runId)).status).toBe("succeeded");
  });
});
