import { DEFAULT_EXPERIMENT_LIMITS } from "@deadweight/experiment-config";
import { describe, expect, it } from "vitest";
import { parsePlatformArguments } from "../../src/config/platform-arguments.js";
import { parseStatusArguments } from "../../src/config/status-arguments.js";
import { parseSubmitArguments } from "../../src/config/submit-arguments.js";
import { parseWorkerArguments } from "../../src/config/worker-arguments.js";
import { cliEnvFrom } from "../../src/env.js";
import { refusal } from "./config-refusal.js";

const NO_ENV = { server: undefined, token: undefined };
const SERVER = ["--server", "http://127.0.0.1:4100/", "--token", "dw_abc"];

describe("cliEnvFrom", () => {
  it("reads the server, token, data directory, port and store, treating empty values as unset", () => {
    expect(
      cliEnvFrom({ DEADWEIGHT_SERVER: " http://h:1 ", DEADWEIGHT_TOKEN: "", DEADWEIGHT_DATA_DIR: "/d", OTHER: "x" }),
    ).toEqual({
      server: "http://h:1",
      token: undefined,
      dataDir: "/d",
      port: undefined,
      databaseUrl: undefined,
      artifacts: undefined,
      s3: {},
      fashionMnistDir: undefined,
      hostVariables: { DEADWEIGHT_SERVER: " http://h:1 ", DEADWEIGHT_TOKEN: "", DEADWEIGHT_DATA_DIR: "/d" },
    });
    expect(
      cliEnvFrom({
        DEADWEIGHT_DATABASE_URL: "postgres://u:p@db:5432/x",
        DEADWEIGHT_ARTIFACTS: "s3://bucket/prefix",
        AWS_ENDPOINT_URL: "http://minio:9000",
        AWS_REGION: "eu-west-1",
        AWS_ACCESS_KEY_ID: "key",
        AWS_SECRET_ACCESS_KEY: "secret",
      }),
    ).toMatchObject({
      databaseUrl: "postgres://u:p@db:5432/x",
      artifacts: "s3://bucket/prefix",
      s3: { endpoint: "http://minio:9000", region: "eu-west-1", accessKeyId: "key", secretAccessKey: "secret" },
    });
  });
});

describe("parseWorkerArguments", () => {
  it("takes the server and token from flags (trailing slash dropped), with defaults for the rest", () => {
    expect(parseWorkerArguments(SERVER, NO_ENV)).toEqual({
      help: false,
      connection: { serverUrls: ["http://127.0.0.1:4100"], token: "dw_abc" },
      concurrency: 1,
      maxMemoryBytes: undefined,
      workerName: undefined,
      leaseSeconds: undefined,
      pollSeconds: undefined,
      maxPollSeconds: undefined,
    });
  });

  it("takes --isolate thread or process, and refuses anything else", () => {
    expect(parseWorkerArguments([...SERVER, "--isolate", "process"], NO_ENV).isolation).toBe("child-process");
    expect(parseWorkerArguments([...SERVER, "--isolate", "thread"], NO_ENV).isolation).toBe("worker-thread");
    expect(refusal(() => parseWorkerArguments([...SERVER, "--isolate", "container"], NO_ENV))).toBe(
      '--isolate: "container" is not thread or process',
    );
  });

  it("takes --keep-warm seconds (0: a fresh thread or process per run) and refuses anything else", () => {
    expect(parseWorkerArguments([...SERVER, "--keep-warm", "0"], NO_ENV).keepWarmSeconds).toBe(0);
    expect(parseWorkerArguments([...SERVER, "--keep-warm", "2.5"], NO_ENV).keepWarmSeconds).toBe(2.5);
    expect(parseWorkerArguments(SERVER, NO_ENV).keepWarmSeconds).toBeUndefined();
    for (const value of ["-1", "forever", "", "3601"]) {
      expect(refusal(() => parseWorkerArguments([...SERVER, `--keep-warm=${value}`], NO_ENV))).toBe(
        `--keep-warm: "${value}" must be a number of seconds from 0 to 3600 (0: a fresh thread or process for every run)`,
      );
    }
  });

  it("takes --checkpoint-minutes (0: every epoch) and refuses a negative or non-numeric one", () => {
    expect(parseWorkerArguments([...SERVER, "--checkpoint-minutes", "0"], NO_ENV).checkpointMinutes).toBe(0);
    expect(parseWorkerArguments([...SERVER, "--checkpoint-minutes", "2.5"], NO_ENV).checkpointMinutes).toBe(2.5);
    expect(parseWorkerArguments(SERVER, NO_ENV).checkpointMinutes).toBeUndefined();
    for (const value of ["-1", "soon", ""]) {
      expect(refusal(() => parseWorkerArguments([...SERVER, `--checkpoint-minutes=${value}`], NO_ENV))).toBe(
        `--checkpoint-minutes: "${value}" must be 0 (every epoch) or a positive number of minutes`,
      );
    }
  });

  it("falls back to DEADWEIGHT_SERVER and DEADWEIGHT_TOKEN; flags win", () => {
    const env = { server: "http://env:1", token: "dw_env" };
    expect(parseWorkerArguments([], env).connection).toEqual({ serverUrls: ["http://env:1"], token: "dw_env" });
    expect(parseWorkerArguments(["--token", "dw_flag"], env).connection?.token).toBe("dw_flag");
  });

  it("takes a comma-separated list of API replicas, in order, from the flag or DEADWEIGHT_SERVER", () => {
    expect(
      parseWorkerArguments(["--server", "http://10.0.0.1:4100/, https://api-b.example:443/dw", "--token", "t"], NO_ENV)
        .connection,
    ).toEqual({ serverUrls: ["http://10.0.0.1:4100", "https://api-b.example/dw"], token: "t" });
    expect(parseWorkerArguments([], { server: "http://a:1,http://b:2", token: "t" }).connection?.serverUrls).toEqual([
      "http://a:1",
      "http://b:2",
    ]);
  });

  it("names the entry of the list that is wrong, and where the list came from", () => {
    const worker = (server: string) =>
      refusal(() => parseWorkerArguments(["--server", server, "--token", "t"], NO_ENV));
    expect(worker("http://a:1,localhost:4100,http://c:3")).toBe(
      'deadweight worker: --server: entry 2 of 3: "localhost:4100" is not an http(s) URL; give one like http://127.0.0.1:4100',
    );
    expect(worker("http://a:1,ftp://b")).toBe(
      'deadweight worker: --server: entry 2 of 2: "ftp://b" is not an http(s) URL; give one like http://127.0.0.1:4100',
    );
    expect(worker("http://a:1,,http://c:3")).toBe(
      "deadweight worker: --server: entry 2 of 3 is empty; separate the URLs with single commas, e.g. http://10.0.0.1:4100,http://10.0.0.2:4100",
    );
    expect(worker("http://a:1/,http://b:2,http://a:1")).toBe(
      'deadweight worker: --server: entry 3 of 3, "http://a:1", repeats entry 1; list each server once',
    );
    expect(refusal(() => parseWorkerArguments([], { server: "http://a:1,not a url", token: "t" }))).toBe(
      'deadweight worker: DEADWEIGHT_SERVER: entry 2 of 2: "not a url" is not a server URL; give one like http://127.0.0.1:4100',
    );
  });

  it("reads --max-memory in binary units and names a size it cannot read", () => {
    const memory = (size: string) => parseWorkerArguments([...SERVER, "--max-memory", size], NO_ENV).maxMemoryBytes;
    expect(memory("8GiB")).toBe(8 * 2 ** 30);
    expect(memory("8g")).toBe(8 * 2 ** 30);
    expect(memory("512MB")).toBe(512 * 2 ** 20);
    expect(memory("1.5G")).toBe(1.5 * 2 ** 30);
    expect(memory("1048576")).toBe(2 ** 20);
    for (const bad of ["lots", "8 parsecs", "0G", "100k"]) {
      expect(refusal(() => memory(bad))).toBe(
        `--max-memory: "${bad}" is not a memory size of at least 1MiB; write e.g. 8GiB, 512MiB or 1.5g`,
      );
    }
  });

  it("reads concurrency, threads, name, lease and poll", () => {
    const args = parseWorkerArguments(
      [
        ...SERVER,
        "--concurrency",
        "2",
        "--threads",
        "3",
        "--name",
        "gpu-1",
        "--lease",
        "60",
        "--poll",
        "0.5",
        "--max-poll",
        "3",
      ],
      NO_ENV,
    );
    expect(args).toMatchObject({
      concurrency: 2,
      threadsPerRun: 3,
      workerName: "gpu-1",
      leaseSeconds: 60,
      pollSeconds: 0.5,
      maxPollSeconds: 3,
    });
  });

  it("refuses what it cannot use, naming the flag", () => {
    expect(refusal(() => parseWorkerArguments(["--token", "dw_x"], NO_ENV))).toBe(
      "deadweight worker: no server given; pass --server <url> (e.g. http://127.0.0.1:4100) or set DEADWEIGHT_SERVER",
    );
    expect(refusal(() => parseWorkerArguments(["--server", "http://h:1"], NO_ENV))).toMatch(
      /^deadweight worker: no token given; pass --token <worker token> or set DEADWEIGHT_TOKEN/,
    );
    expect(refusal(() => parseWorkerArguments(["--server", "localhost:4100", "--token", "t"], NO_ENV))).toBe(
      'deadweight worker: --server: "localhost:4100" is not an http(s) URL; give one like http://127.0.0.1:4100',
    );
    expect(refusal(() => parseWorkerArguments([...SERVER, "--concurrency", "0"], NO_ENV))).toBe(
      '--concurrency: "0" is not a whole number of at least 1',
    );
    expect(refusal(() => parseWorkerArguments([...SERVER, "--threads", "0"], NO_ENV))).toBe(
      '--threads: "0" is not a whole number of at least 1',
    );
    expect(refusal(() => parseWorkerArguments([...SERVER, "--lease", "3"], NO_ENV))).toBe(
      '--lease: "3" must be a whole number of seconds from 5 to 600',
    );
    expect(refusal(() => parseWorkerArguments([...SERVER, "--frobnicate"], NO_ENV))).toMatch(
      /Unknown option '--frobnicate'/,
    );
  });

  it("needs nothing for --help", () => {
    expect(parseWorkerArguments(["--help"], NO_ENV)).toMatchObject({ help: true, connection: null });
  });
});

describe("parseSubmitArguments", () => {
  it("reads the config file, project, name, tags, runs and --wait", () => {
    const args = parseSubmitArguments(
      [
        "run.json",
        ...SERVER,
        "--project",
        "p1",
        "--name",
        "first",
        "--tag",
        "a",
        "--tag",
        "b",
        "--runs",
        "3",
        "--wait",
      ],
      NO_ENV,
    );
    expect(args).toEqual({
      help: false,
      configPath: "run.json",
      connection: { serverUrl: "http://127.0.0.1:4100", token: "dw_abc" },
      projectId: "p1",
      name: "first",
      tags: ["a", "b"],
      runs: 3,
      seeds: undefined,
      wait: true,
    });
  });

  it("reads --seeds as a comma-separated list, and leaves runs unset unless given", () => {
    const args = parseSubmitArguments(["run.json", ...SERVER, "--project", "p1", "--seeds", "1, 7,3"], NO_ENV);
    expect(args).toMatchObject({ seeds: [1, 7, 3], runs: undefined });
    expect(
      refusal(() => parseSubmitArguments(["run.json", ...SERVER, "--project", "p1", "--seeds", "1,x"], NO_ENV)),
    ).toBe('--seeds: "x" is not a seed: list whole numbers of 0 or more separated by commas, e.g. "1, 2, 3"');
  });

  it("talks to one server: a list of replicas is refused, naming the worker as the verb that takes one", () => {
    expect(
      refusal(() =>
        parseSubmitArguments(["run.json", "--project", "p"], { server: "http://a:1,http://b:2", token: "t" }),
      ),
    ).toBe(
      'deadweight submit: DEADWEIGHT_SERVER: "http://a:1,http://b:2" lists several servers; deadweight submit talks to one, give one URL (a list of replicas is for deadweight worker)',
    );
  });

  it("needs the config file and the project", () => {
    expect(refusal(() => parseSubmitArguments([...SERVER, "--project", "p1"], NO_ENV))).toMatch(
      /^deadweight submit: give the config file/,
    );
    expect(refusal(() => parseSubmitArguments(["run.json", ...SERVER], NO_ENV))).toBe(
      "deadweight submit: give the project with --project <projectId> (deadweight platform prints the Demo project's id)",
    );
    expect(refusal(() => parseSubmitArguments(["run.json", ...SERVER, "--project", "p", "--runs", "11"], NO_ENV))).toBe(
      "--runs: at most 10 runs at once, got 11",
    );
  });
});

describe("parseStatusArguments", () => {
  it("shows the team's queue without a scope, or one run, experiment or project", () => {
    expect(parseStatusArguments(SERVER, NO_ENV).scope).toEqual({ kind: "team" });
    expect(parseStatusArguments([...SERVER, "--run", "r1"], NO_ENV).scope).toEqual({ kind: "run", runId: "r1" });
    expect(parseStatusArguments([...SERVER, "--experiment", "e1"], NO_ENV).scope).toEqual({
      kind: "experiment",
      experimentId: "e1",
    });
    expect(parseStatusArguments([...SERVER, "--project", "p1", "--limit", "50"], NO_ENV)).toMatchObject({
      scope: { kind: "project", projectId: "p1" },
      limit: 50,
    });
  });

  it("follows live only when asked (--follow), with any scope", () => {
    expect(parseStatusArguments(SERVER, NO_ENV).follow).toBe(false);
    expect(parseStatusArguments([...SERVER, "--run", "r1", "--follow"], NO_ENV)).toMatchObject({
      scope: { kind: "run", runId: "r1" },
      follow: true,
    });
    expect(parseStatusArguments([...SERVER, "--follow"], NO_ENV)).toMatchObject({
      scope: { kind: "team" },
      follow: true,
    });
  });

  it("takes one scope at most", () => {
    expect(refusal(() => parseStatusArguments([...SERVER, "--run", "r", "--project", "p"], NO_ENV))).toBe(
      "deadweight status: give one of --run, --experiment, --project, not --run and --project",
    );
  });
});

const PLATFORM_ENV = {
  dataDir: undefined,
  port: undefined,
  databaseUrl: undefined,
  artifacts: undefined,
  s3: {},
  hostVariables: {},
};

describe("parsePlatformArguments", () => {
  it("defaults to port 4100 and the API's data directory, with a local worker and the built dashboard", () => {
    expect(parsePlatformArguments([], PLATFORM_ENV)).toEqual({
      help: false,
      dataDir: undefined,
      port: 4100,
      host: "127.0.0.1",
      database: undefined,
      artifacts: undefined,
      s3: {},
      hostSettings: { experimentLimits: DEFAULT_EXPERIMENT_LIMITS },
      worker: true,
      dashboard: "on",
    });
  });

  it("reads the host settings deadweight-server reads, --experiment-limits over its variable, naming a bad one", () => {
    const env = {
      ...PLATFORM_ENV,
      hostVariables: {
        DEADWEIGHT_EXPERIMENT_LIMITS: '{"maxEpochs": 3}',
        DEADWEIGHT_SIGN_UP: "invite",
        DEADWEIGHT_PUBLIC_URL: "http://box.internal:4100",
      },
    };
    expect(parsePlatformArguments([], env).hostSettings).toEqual({
      experimentLimits: { ...DEFAULT_EXPERIMENT_LIMITS, maxEpochs: 3 },
      signUp: "invite",
      publicURL: "http://box.internal:4100",
    });
    expect(
      parsePlatformArguments(["--experiment-limits", '{"maxHiddenLayers": 2}'], env).hostSettings.experimentLimits,
    ).toEqual({ ...DEFAULT_EXPERIMENT_LIMITS, maxHiddenLayers: 2 });
    expect(
      refusal(() =>
        parsePlatformArguments([], {
          ...PLATFORM_ENV,
          hostVariables: { DEADWEIGHT_EXPERIMENT_LIMITS: '{"maxEpochs": 0}' },
        }),
      ),
    ).toBe(
      'invalid environment:\n  DEADWEIGHT_EXPERIMENT_LIMITS="{\\"maxEpochs\\": 0}": maxEpochs: must be at least 1',
    );
    expect(refusal(() => parsePlatformArguments(["--experiment-limits", "lots"], PLATFORM_ENV))).toMatch(
      /^--experiment-limits: expected a JSON object of limits/,
    );
  });

  it("serves the API only with --no-dashboard, Next.js's dev mode with --dashboard-dev, not both", () => {
    const env = PLATFORM_ENV;
    expect(parsePlatformArguments(["--no-dashboard"], env).dashboard).toBe("off");
    expect(parsePlatformArguments(["--dashboard-dev"], env).dashboard).toBe("dev");
    expect(refusal(() => parsePlatformArguments(["--no-dashboard", "--dashboard-dev"], env))).toBe(
      "--no-dashboard and --dashboard-dev contradict each other: pass one of them",
    );
  });

  it("takes DEADWEIGHT_DATA_DIR and DEADWEIGHT_PORT, flags winning", () => {
    expect(parsePlatformArguments([], { ...PLATFORM_ENV, dataDir: "/store", port: "0" })).toMatchObject({
      dataDir: "/store",
      port: 0,
    });
    expect(parsePlatformArguments(["--port", "4200", "--no-worker"], { ...PLATFORM_ENV, port: "0" })).toMatchObject({
      port: 4200,
      worker: false,
    });
  });

  it("takes the store from flags or DEADWEIGHT_DATABASE_URL / DEADWEIGHT_ARTIFACTS, and S3's endpoint and region", () => {
    const env = {
      ...PLATFORM_ENV,
      databaseUrl: "postgres://u:p@db:5432/from-env",
      artifacts: "s3://from-env/x",
      s3: { endpoint: "http://env:9000", accessKeyId: "key" },
    };
    expect(parsePlatformArguments(["--host", "0.0.0.0"], env)).toMatchObject({
      host: "0.0.0.0",
      database: "postgres://u:p@db:5432/from-env",
      artifacts: "s3://from-env/x",
      s3: { endpoint: "http://env:9000", accessKeyId: "key" },
    });
    expect(
      parsePlatformArguments(
        [
          "--database",
          "postgresql://a@b/c",
          "--artifacts",
          "/srv/bytes",
          "--s3-endpoint",
          "http://flag:9000",
          "--s3-region",
          "r",
        ],
        env,
      ),
    ).toMatchObject({
      database: "postgresql://a@b/c",
      artifacts: "/srv/bytes",
      s3: { endpoint: "http://flag:9000", region: "r", accessKeyId: "key" },
    });
    expect(refusal(() => parsePlatformArguments(["--database", "mysql://x/y"], PLATFORM_ENV))).toMatch(
      /^--database: "mysql:\/\/x\/y" is not a postgres:\/\/ URL/,
    );
  });

  it("names the setting holding a bad port", () => {
    expect(refusal(() => parsePlatformArguments([], { ...PLATFORM_ENV, port: "http" }))).toBe(
      'DEADWEIGHT_PORT: "http" is not a port number from 0 to 65535',
    );
    expect(refusal(() => parsePlatformArguments(["--port", "70000"], PLATFORM_ENV))).toBe(
      '--port: "70000" is not a port number from 0 to 65535',
    );
  });
});
