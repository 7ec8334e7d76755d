import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../../cli/bin/deadweight.mjs", import.meta.url));

export interface PlatformProcess {
  readonly url: string;
  readonly dataDir: string;
  /** The local owner made at first start (its password is only ever printed). */
  readonly owner: { readonly email: string; readonly password: string };
  readonly projectId: string;
  output(): string;
  /**
   * Ctrl-C, then `whileDown` (the server is gone: nothing answers on its port), then the platform
   * again on the same port and data directory, as an operator restarting it would.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  /** Ctrl-C, then removes the data directory. */
  stop(): Promise<void>;
}

/** A started `deadweight platform` child process: resolved once it printed its banner. */
export interface RunningChild {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

/**
 * Spawns `deadweight platform --data-dir <dataDir> --port <port> <platformArguments>` (with
 * `nodeArguments` for node itself), feeds its output to `onOutput`, and waits until `outputSince()`
 * (this start's output) shows the banner; fails with that output when it exits or takes over 60 s.
 */
export async function launchPlatformChild(options: {
  readonly dataDir: string;
  readonly port: number;
  readonly platformArguments: readonly string[];
  readonly nodeArguments?: readonly string[];
  readonly onOutput: (chunk: Buffer) => void;
  readonly outputSince: () => string;
}): Promise<RunningChild> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(options.nodeArguments ?? []),
      CLI,
      "platform",
      "--data-dir",
      options.dataDir,
      "--port",
      String(options.port),
      ...options.platformArguments,
    ],
    { env: { ...process.env, FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", options.onOutput);
  child.stderr?.on("data", options.onOutput);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!options.outputSince().includes("Ctrl-C stops everything.")) {
    if (child.exitCode !== null) throw new Error(`the platform exited early:\n${options.outputSince()}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the platform did not start within 60 s:\n${options.outputSince()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, exited };
}

/** Ctrl-C, as an operator stops it; SIGKILL if it is still there after 15 s. */
export async function interruptPlatformChild({ child, exited }: RunningChild): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill("SIGINT");
  const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(killer);
}

/**
 * `deadweight platform` exactly as `npm start` runs it (API + dashboard + one local worker on a
 * fresh SQLite store with the demo run queued), on a free port and a throwaway data directory.
 */
export async function startPlatform(options: { readonly worker?: boolean } = {}): Promise<PlatformProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "deadweight-web-"));
  let output = "";
  const append = (chunk: Buffer) => {
    output += chunk.toString("utf8");
  };
  const launch = async (port: number): Promise<RunningChild> => {
    const from = output.length;
    return launchPlatformChild({
      dataDir,
      port,
      platformArguments: options.worker === false ? ["--no-worker"] : [],
      onOutput: append,
      outputSince: () => output.slice(from),
    });
  };
  let running = await launch(0);
  const url = /Deadweight platform: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
  const email = /email: +(\S+)/.exec(output)?.[1];
  const password = /password: +(\S+)/.exec(output)?.[1];
  const projectId = /--project (\S+)/.exec(output)?.[1];
  if (url === undefined || email === undefined || password === undefined || projectId === undefined) {
    running.child.kill("SIGKILL");
    throw new Error(`unexpected platform output:\n${output}`);
  }
  return {
    url,
    dataDir,
    owner: { email, password },
    projectId,
    output: () => output,
    restart: async (whileDown) => {
      await interruptPlatformChild(running);
      await whileDown?.();
      running = await launch(Number(new URL(url).port));
    },
    stop: async () => {
      await interruptPlatformChild(running);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The CLI token the platform wrote at first start (acts as the local owner within team "Local"). */
export function ownerToken(platform: PlatformProcess): string {
  return readFileSync(join(platform.dataDir, "cli-token"), "utf8").trim();
}

/** The worker token the platform wrote at first start (a worker of team "Local", as the local worker uses). */
export function workerToken(platform: PlatformProcess): string {
  return readFileSync(join(platform.dataDir, "worker-token"), "utf8").trim();
}
