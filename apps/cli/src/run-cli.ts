import { DeadweightError } from "@deadweight/core";
import { isServerCallError } from "@deadweight/worker";
import { evaluateCommand } from "./commands/evaluate-command.js";
import { pruneCommand } from "./commands/prune-command.js";
import { ConfigError } from "./config/config-error.js";
import { readCliEnv } from "./env.js";

const USAGE = `deadweight: find the dead neurons of a trained network and cut them out

Usage:
  deadweight prune [options]     train, measure, prune at a sweep of thresholds, export, deploy (see deadweight prune --help)
  deadweight evaluate <folder>   reload an exported model and measure its test accuracy (see deadweight evaluate --help)
  deadweight platform            run the API server and a local worker on this machine (see deadweight platform --help)
  deadweight submit <config>     queue an experiment on a server, optionally wait for it (see deadweight submit --help)
  deadweight status              show runs on a server: status, stage, progress, worker, error; --follow live (see deadweight status --help)
  deadweight worker              run queued experiments for a server (see deadweight worker --help)
  deadweight dataset             upload a dataset to the platform once, list the team's (see deadweight dataset --help)
  deadweight store copy          copy a whole tracking store into an empty one, e.g. SQLite into PostgreSQL + S3
  deadweight help                show this help

Exit codes: 0 done; 1 a run waited for (submit --wait) failed or was canceled; 2 bad input, a refused
request or a failed run; 130 interrupted (e.g. Ctrl-C during submit --wait or status --follow).
`;

/** What the first Ctrl-C (or SIGTERM) means for each command; a second one always exits at once. */
const STOP_MESSAGES: Record<string, string> = {
  prune: "interrupted: stopping at the next batch…",
  worker: "stopping: no more claims; the run in progress goes back to the queue…",
  platform: "stopping the platform…",
  submit: "stopping the wait…",
  status: "stopping…",
};

/** Runs the CLI; returns the process exit code (see USAGE). */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [verb = "prune", ...rest] = argv;
  const streams = { stdout: process.stdout, stderr: process.stderr };
  const abort = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) {
      process.stderr.write("\nstopped at once\n");
      process.exit(130);
    }
    interrupted = true;
    process.stderr.write(`\n${STOP_MESSAGES[verb] ?? "interrupted"}\n`);
    abort.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // A worker started by `deadweight platform` stops when the platform goes away, even by kill -9.
  const onParentGone = () => abort.abort();
  if (process.channel !== undefined) {
    process.channel.unref();
    process.once("disconnect", onParentGone);
  }
  try {
    const env = readCliEnv();
    switch (verb) {
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(USAGE);
        return 0;
      case "prune":
        await pruneCommand(rest, streams, abort.signal, env);
        return 0;
      case "evaluate":
        await evaluateCommand(rest, streams, env);
        return 0;
      case "worker": {
        const { workerCommand } = await import("./commands/worker-command.js");
        await workerCommand(rest, streams, env, abort.signal);
        return 0;
      }
      case "submit": {
        const { submitCommand } = await import("./commands/submit-command.js");
        const outcome = await submitCommand(rest, streams, env, abort.signal);
        if (interrupted) return 130;
        return outcome?.succeeded === false ? 1 : 0;
      }
      case "status": {
        const { statusCommand } = await import("./commands/status-command.js");
        await statusCommand(rest, streams, env, abort.signal);
        return interrupted ? 130 : 0;
      }
      case "dataset": {
        const { datasetCommand } = await import("./commands/dataset-command.js");
        await datasetCommand(rest, streams, env);
        return 0;
      }
      case "store": {
        const { storeCommand } = await import("./commands/store-command.js");
        await storeCommand(rest, streams, env);
        return 0;
      }
      case "platform": {
        const { platformCommand } = await import("./commands/platform-command.js");
        await platformCommand(rest, streams, env, abort.signal);
        return 0;
      }
      default:
        process.stderr.write(`deadweight: unknown command "${verb}"\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    if (isServerCallError(error)) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof DeadweightError) {
      process.stderr.write(`error [${error.code}]: ${error.message}\n`);
      return error.code === "CANCELED" ? 130 : 2;
    }
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("disconnect", onParentGone);
  }
}
