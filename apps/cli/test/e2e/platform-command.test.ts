import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AppRouter } from "@deadweight/api";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "./queue/queue-fixtures.js";
import { printed, type SpawnedProcess, spawnNode } from "./spawned-process.js";

// `deadweight platform` as a new user runs it: first start on an empty data directory, both demo
// runs (the Iris CSV, then MNIST) completing through the local worker, Ctrl-C, and a second start
// on the same store.

const BIN = fileURLToPath(new URL("../../bin/deadweight.mjs", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "deadweight-platform-"));

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

interface Platform extends SpawnedProcess {
  readonly url: string;
}

async function startPlatform(): Promise<Platform> {
  const platform = spawnNode([BIN, "platform", "--data-dir", dataDir], {
    ...process.env,
    DEADWEIGHT_PORT: "0",
    FORCE_COLOR: "0",
  });
  await printed(platform, "the platform to be up", /Ctrl-C stops everything\./, 30_000);
  const url = /Deadweight platform: (http:\/\/127\.0\.0\.1:\d+)/.exec(platform.output())?.[1];
  if (url === undefined) throw new Error(`no URL in the platform's output:\n${platform.output()}`);
  return { ...platform, url };
}

/** The run id the platform printed when it queued the demo experiment of that name. */
function queuedDemoRun(output: string, name: string): string {
  const runId = new RegExp(`queued the demo experiment "${name}" \\([^)]*\\) in project Demo: run (\\S+)`).exec(
    output,
  )?.[1];
  if (runId === undefined) throw new Error(`the platform did not print that it queued "${name}":\n${output}`);
  return runId;
}

function client(url: string) {
  const token = readFileSync(join(dataDir, "cli-token"), "utf8").trim();
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/api/trpc`, headers: { authorization: `Bearer ${token}` } })],
  });
}

describe("first start", () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  }, 40_000);

  it("prints the URL, the sign-in credentials once, and how to watch the runs", () => {
    const output = platform.output();
    expect(output).toMatch(/email: {4}owner@deadweight\.localhost\n {2}password: \S{20,}/);
    expect(output).toContain(`DEADWEIGHT_SERVER=${platform.url} DEADWEIGHT_TOKEN=$(cat ${join(dataDir, "cli-token")})`);
    expect(output).toMatch(/queued the demo experiment "MNIST demo"/);
    expect(output).toMatch(
      /queued the demo experiment "Iris demo" \(Iris CSV, 150 flowers, 4-16-8-3 tanh, 50 epochs\)/,
    );
  });

  it("keeps the worker and CLI tokens in the data directory, readable by this user only", () => {
    for (const file of ["worker-token", "cli-token"]) {
      expect(statSync(join(dataDir, file)).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dataDir, file), "utf8")).toMatch(/^dw_\S+\n$/);
    }
  });

  it("runs both demo experiments to completion on the local worker: the Iris CSV first, then MNIST", async () => {
    const api = client(platform.url);
    const irisRunId = queuedDemoRun(platform.output(), "Iris demo");
    const mnistRunId = queuedDemoRun(platform.output(), "MNIST demo");
    const finished = (runId: string) => async () => {
      const run = await api.run.get.query({ runId });
      if (run.status === "failed" || run.status === "canceled") {
        throw new Error(`demo run ${runId} ${run.status}: ${run.errorMessage}\n${platform.output()}`);
      }
      return run.status === "succeeded" ? run : undefined;
    };
    const iris = await waitFor("the Iris demo run to succeed", finished(irisRunId), 30_000, 500);
    expect(iris.worker).toBe("local");
    expect(iris.resultRowCount).toBe(7);
    expect(iris.baseMetrics?.hiddenSizes).toEqual([16, 8]);
    expect(iris.baseMetrics?.testAccuracy).toBeGreaterThanOrEqual(0.9);
    // The worker downloaded the uploaded copy of the checked-in CSV (no path of this machine in the
    // experiment, so a worker anywhere could run it) and held out its last 30 rows.
    expect(platform.output()).toMatch(
      /uploaded \S+\/datasets\/iris\/iris\.csv as the team's dataset "iris" \(dataset:\S+\)/,
    );
    expect(platform.output()).toMatch(/worker \| .*dataset "iris" \(dataset:\S+\): downloaded iris\.csv/);
    expect(iris.split?.test.source).toBe("iris/iris.csv[120:150] (last 20%, no test file)");
    expect(iris.split?.test.to).toBe(30);

    const mnist = await waitFor("the MNIST demo run to succeed", finished(mnistRunId), 45_000, 500);
    expect(mnist.worker).toBe("local");
    expect(mnist.resultRowCount).toBe(30);
    expect(mnist.baseMetrics?.hiddenSizes).toEqual([128, 64]);
    expect(Date.parse(mnist.startedAt as string)).toBeGreaterThanOrEqual(Date.parse(iris.finishedAt as string));
    expect(platform.output()).toContain(`worker | `);
  }, 80_000);

  it("stops everything on Ctrl-C and exits 0, the worker having run one attempt per demo", async () => {
    platform.process.kill("SIGINT");
    expect((await platform.exited).code).toBe(0);
    expect(platform.output()).toMatch(/worker \| .*worker local: stopped after 2 attempt\(s\)\n[\s\S]*stopped\n$/);
  }, 30_000);
});

describe("second start on the same store", () => {
  let platform: Platform;
  const tokensBefore = () => ["worker-token", "cli-token"].map((file) => readFileSync(join(dataDir, file), "utf8"));
  let before: string[];

  beforeAll(async () => {
    before = tokensBefore();
    platform = await startPlatform();
  }, 40_000);

  it("reuses the tokens, shows no credentials and queues no second demo", async () => {
    expect(tokensBefore()).toEqual(before);
    expect(platform.output()).not.toContain("password:");
    expect(platform.output()).not.toContain("queued the demo experiment");
    const teams = await client(platform.url).team.listMine.query();
    const projects = await client(platform.url).project.list.query({ teamId: teams[0]?.id as string });
    const experiments = await client(platform.url).experiment.list.query({
      projectId: projects.items[0]?.id as string,
    });
    expect(experiments.items.map((experiment) => experiment.name).sort()).toEqual(["Iris demo", "MNIST demo"]);
  });

  it("stops on SIGTERM too", async () => {
    await waitFor("the local worker to poll", () => platform.output().includes("worker local: polling"), 20_000);
    platform.process.kill("SIGTERM");
    expect((await platform.exited).code).toBe(0);
  }, 30_000);
});
