import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { childProcessEnv } from "../env.js";

const CLI_BIN = fileURLToPath(new URL("../../bin/deadweight.mjs", import.meta.url));

/** A crash this soon after its start counts towards giving up; later ones are restarted. */
const QUICK_CRASH_MS = 10_000;
const MAX_QUICK_CRASHES = 3;
const RESTART_DELAY_MS = 2_000;
/** The worker releases its run and exits within a few seconds of SIGTERM; this is the backstop. */
const STOP_TIMEOUT_MS = 20_000;

export interface LocalWorkerOptions {
  readonly serverUrl: string;
  readonly token: string;
  readonly workerName: string;
  /** Folders the worker may read dataset paths from (--data-root), besides those always allowed. */
  readonly dataRoots: readonly string[];
  /** Where it keeps the datasets it downloads (--cache-dir). */
  readonly datasetCacheDir: string;
  readonly log: (line: string) => void;
}

export interface LocalWorker {
  /** SIGTERM (the worker releases its run and exits), SIGKILL if it has not exited in 20 s. */
  stop(): Promise<void>;
}

/**
 * Runs `deadweight worker` in a child process, so training never stalls the server's event loop.
 * The child has its own process group (a terminal's Ctrl-C reaches only the platform, which then
 * stops the worker first, while the server can still take its release) and an IPC channel, so it
 * also stops when the platform dies without cleaning up. Crashes are restarted unless repeated.
 */
export function startLocalWorker(options: LocalWorkerOptions): LocalWorker {
  let child: ChildProcess | null = null;
  let stopping = false;
  let quickCrashes = 0;
  let restartTimer: NodeJS.Timeout | undefined;

  const launch = () => {
    const startedAt = Date.now();
    const datasetFlags = [
      ...options.dataRoots.flatMap((root) => ["--data-root", root]),
      "--cache-dir",
      options.datasetCacheDir,
    ];
    const worker = spawn(
      process.execPath,
      [CLI_BIN, "worker", "--name", options.workerName, "--poll", "1", ...datasetFlags],
      {
        // The token travels in the environment, not on the command line where `ps` shows it.
        env: childProcessEnv({ DEADWEIGHT_SERVER: options.serverUrl, DEADWEIGHT_TOKEN: options.token }),
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        detached: true,
      },
    );
    child = worker;
    for (const stream of [worker.stdout, worker.stderr]) {
      if (stream !== null)
        createInterface({ input: stream }).on("line", (line) => {
          if (line.trim() !== "") options.log(`worker | ${line}`);
        });
    }
    worker.once("exit", (code, signal) => {
      child = null;
      if (stopping) return;
      quickCrashes = Date.now() - startedAt < QUICK_CRASH_MS ? quickCrashes + 1 : 0;
      const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
      if (quickCrashes >= MAX_QUICK_CRASHES) {
        options.log(
          `the local worker stopped (${how}) ${quickCrashes} times in a row right after starting; not restarting it. See its log above.`,
        );
        return;
      }
      options.log(`the local worker stopped (${how}); restarting it in ${RESTART_DELAY_MS / 1000} s`);
      restartTimer = setTimeout(launch, RESTART_DELAY_MS);
    });
  };
  launch();

  return {
    stop: async () => {
      stopping = true;
      clearTimeout(restartTimer);
      const running = child;
      if (running === null || running.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
      running.kill("SIGTERM");
      const timer = setTimeout(() => running.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
