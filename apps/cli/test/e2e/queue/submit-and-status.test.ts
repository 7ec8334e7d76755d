import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runDeadweightAsync } from "../run-deadweight.js";
import {
  spawnWorker,
  startTestPlatform,
  type TestPlatform,
  temporaryFolder,
  tinyConfig,
  writeBlobsCsv,
} from "./queue-fixtures.js";

// `deadweight submit` and `deadweight status` against a real server and worker, and the errors a
// person meets: no server there, a bad token, an unknown project, a bad config file.

let platform: TestPlatform;
let userToken: string;
let folder: string;
let goodConfig: string;

function writeConfig(name: string, config: unknown): string {
  const path = join(folder, name);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  platform = await startTestPlatform();
  userToken = await platform.createToken("user");
  folder = temporaryFolder();
  goodConfig = writeConfig("blobs-run.json", tinyConfig(`csv:${writeBlobsCsv(folder, "blobs.csv", 600)}`));
  spawnWorker(platform.url, await platform.createToken("worker"), "cli-worker");
});

describe("deadweight submit --wait", () => {
  it("queues the experiment, follows it and prints the results table; exit 0 when it succeeded", async () => {
    const run = await runDeadweightAsync([
      "submit",
      goodConfig,
      "--server",
      platform.url,
      "--token",
      userToken,
      "--project",
      platform.projectId,
      "--tag",
      "cli",
      "--wait",
    ]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^queued experiment "blobs-run" \(\S+\) in project \S+: run \S+$/m);
    expect(run.stdout).toMatch(/\S+\s+blobs-run\s+succeeded\s+1\/3\s+-\s+4 rows in \d+s\s+cli-worker/);
    expect(run.stdout).toContain("base (unpruned)");
    expect(run.stdout).toContain("mean 0.1 / std 0.2");
    const experiments = await platform.owner.experiment.list({ projectId: platform.projectId });
    expect(experiments.items.map((experiment) => [experiment.name, experiment.tags])).toEqual([["blobs-run", ["cli"]]]);
  });

  it("exits 1 with the reason when the run fails", async () => {
    const broken = writeConfig("broken.json", tinyConfig(`csv:${join(folder, "missing.csv")}`));
    const run = await runDeadweightAsync(["submit", broken, "--project", platform.projectId, "--wait"], {
      DEADWEIGHT_SERVER: platform.url,
      DEADWEIGHT_TOKEN: userToken,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /run \S+ failed: load: \[INVALID_DATASET\] dataset path ".*missing\.csv" does not exist on this worker; check the path/,
    );
  });
});

describe("deadweight status", () => {
  it("shows the team's runs as a table, and one run with its attempt history", async () => {
    const table = await runDeadweightAsync(["status"], {
      DEADWEIGHT_SERVER: platform.url,
      DEADWEIGHT_TOKEN: userToken,
    });
    expect(table.status).toBe(0);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^run\s+experiment\s+status\s+attempt\s+stage\s+progress\s+worker\s+error$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/)[1])).toEqual(["broken", "blobs-run"]);
    expect(lines[1]).toMatch(/failed\s+1\/3\s+-\s+after \d+s\s+cli-worker\s+load: \[INVALID_DATASET\] dataset path/);

    const runId = (lines[2] as string).split(" ")[0] as string;
    const one = await runDeadweightAsync(["status", "--run", runId, "--server", platform.url, "--token", userToken]);
    expect(one.status).toBe(0);
    expect(one.stdout).toMatch(
      /attempts:\nattempt\s+worker\s+started\s+ended\s+training\s+outcome\s+error\n1\s+cli-worker\s+\S+ \S+\s+\S+ \S+\s+-\s+succeeded/,
    );
  });
});

describe("errors a person can act on", () => {
  it("names a server that does not answer", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runDeadweightAsync(["status", "--server", url, "--token", userToken]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `error: reading your teams: cannot reach the Deadweight server at ${url} (ECONNREFUSED); is it running, and is --server right?\n`,
    );
  });

  it("says the token was refused", async () => {
    const run = await runDeadweightAsync(["status", "--project", platform.projectId], {
      DEADWEIGHT_SERVER: platform.url,
      DEADWEIGHT_TOKEN: "dw_not-a-real-token",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^error: listing the runs of project \S+: the server at \S+ refused the token \(401: this API token is not valid/,
    );
    expect(run.stderr).toContain("check --token or DEADWEIGHT_TOKEN");
  });

  it("says an unknown project does not exist, and queues nothing", async () => {
    const run = await runDeadweightAsync(["submit", goodConfig, "--project", "no-such-project"], {
      DEADWEIGHT_SERVER: platform.url,
      DEADWEIGHT_TOKEN: userToken,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'error: queuing "blobs-run" in project no-such-project: project no-such-project does not exist (HTTP 404)\n',
    );
  });

  it("refuses a bad config file before sending anything, naming the field", async () => {
    const bad = writeConfig("bad.json", { model: { hidden: [16, 0] } });
    const run = await runDeadweightAsync(["submit", bad, "--project", platform.projectId], {
      DEADWEIGHT_SERVER: platform.url,
      DEADWEIGHT_TOKEN: userToken,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      `error: invalid configuration (${bad}):\n  model.hidden[1]: Too small: expected number to be >0`,
    );
    const experiments = await platform.owner.experiment.list({ projectId: platform.projectId });
    expect(experiments.items.map((experiment) => experiment.name)).not.toContain("bad");
  });

  it("stops a worker at once when its token is not a worker token, or not valid", async () => {
    const person = await runDeadweightAsync(["worker", "--server", platform.url, "--token", userToken]);
    expect(person.status).toBe(2);
    expect(person.stderr).toContain("error: claiming a run: only worker tokens may claim and report runs (HTTP 403)\n");
    const unknown = await runDeadweightAsync(["worker", "--server", platform.url, "--token", "dw_unknown"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/error: claiming a run: the server at \S+ refused the token \(401: /);
  });

  it("asks for the token when none is given", async () => {
    const run = await runDeadweightAsync(["worker", "--server", platform.url]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "error: deadweight worker: no token given; pass --token <worker token> or set DEADWEIGHT_TOKEN",
    );
  });
});
