import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AppRouter } from "@deadweight/api";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "./queue/queue-fixtures.js";

// `deadweight platform` as a new user runs it: first start on an empty data directory, the demo
// run completing through the local worker, Ctrl-C, and a second start on the same store.

const BIN = fileURLToPath(new URL("../../bin/deadweight.mjs", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "deadweight-platform-"));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

interface Platform {
  readonly child: ChildProcess;
  output(): string;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

async function startPlatform(): Promise<Platform> {
  const child = spawn(process.execPath, [BIN, "platform", "--data-dir", dataDir], {
    env: { ...process.env, DEADWEIGHT_PORT: "0", FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await waitFor("the platform to be up", () => output.includes("Ctrl-C stops everything."), 30_000);
  const url = /Deadweight platform: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
  if (url === undefined) throw new Error(`no URL in the platform's output:\n${output}`);
  return { child, output: () => output, url, exited };
}

function client(url: string) {
  const token = readFileSync(join(dataDir, "cli-token"), "utf8").trim();
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/api/trpc`, headers: { authorization: `Bearer ${token}` } })],
  });
}

describe("first start", () => {
  let platform: Platform;
  let projectId: string;

  beforeAll(async () => {
    platform = await startPlatform();
    projectId = /status --project (\S+)/.exec(platform.output())?.[1] as string;
  }, 40_000);

  it("prints the URL, the sign-in credentials once, and how to watch the runs", () => {
    const output = platform.output();
    expect(output).toMatch(/email: {4}owner@deadweight\.localhost\n {2}password: \S{20,}/);
    expect(output).toContain(`DEADWEIGHT_SERVER=${platform.url} DEADWEIGHT_TOKEN=$(cat ${join(dataDir, "cli-token")})`);
    expect(output).toMatch(/queued the demo experiment "MNIST demo"/);
  });

  it("keeps the worker and CLI tokens in the data directory, readable by this user only", () => {
    for (const file of ["worker-token", "cli-token"]) {
      expect(statSync(join(dataDir, file)).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dataDir, file), "utf8")).toMatch(/^dw_\S+\n$/);
    }
  });

  it("runs the demo experiment to completion on the local worker", async () => {
    const api = client(platform.url);
    const run = await waitFor(
      "the demo run to succeed",
      async () => {
        const runs = await api.run.list.query({ projectId });
        const demo = runs.items[0];
        if (demo?.status === "failed" || demo?.status === "canceled") throw new Error(`demo run ${demo.status}`);
        return demo?.status === "succeeded" ? demo : undefined;
      },
      45_000,
      500,
    );
    const details = await api.run.get.query({ runId: run.id });
    expect(details.worker).toBe("local");
    expect(details.resultRowCount).toBe(30);
    expect(details.baseMetrics?.hiddenSizes).toEqual([128, 64]);
    expect(platform.output()).toContain(`worker | `);
  }, 50_000);

  it("stops everything on Ctrl-C and exits 0", async () => {
    platform.child.kill("SIGINT");
    expect(await platform.exited).toBe(0);
    expect(platform.output()).toMatch(/worker \| .*worker local: stopped after 1 attempt\(s\)\n[\s\S]*stopped\n$/);
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
    expect(experiments.items.map((experiment) => experiment.name)).toEqual(["MNIST demo"]);
  });

  it("stops on SIGTERM too", async () => {
    await waitFor("the local worker to poll", () => platform.output().includes("worker local: polling"), 20_000);
    platform.child.kill("SIGTERM");
    expect(await platform.exited).toBe(0);
  }, 30_000);
});
