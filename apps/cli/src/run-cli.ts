import { DeadweightError } from "@deadweight/core";
import { evaluateCommand } from "./commands/evaluate-command.js";
import { pruneCommand } from "./commands/prune-command.js";
import { ConfigError } from "./config/config-error.js";

const USAGE = `deadweight: find the dead neurons of a trained network and cut them out

Usage:
  deadweight prune [options]     train, measure, prune at a sweep of thresholds, export (see deadweight prune --help)
  deadweight evaluate <folder>   reload an exported model and measure its test accuracy (see deadweight evaluate --help)
  deadweight help                show this help
`;

/** Runs the CLI; returns the process exit code (0 ok, 2 bad input or failed run, 130 interrupted). */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [verb = "prune", ...rest] = argv;
  const abort = new AbortController();
  const onInterrupt = () => {
    process.stderr.write("\ninterrupted: stopping at the next batch…\n");
    abort.abort();
  };
  process.once("SIGINT", onInterrupt);
  try {
    if (verb === "help" || verb === "--help" || verb === "-h") {
      process.stdout.write(USAGE);
      return 0;
    }
    if (verb === "prune") {
      await pruneCommand(rest, { stdout: process.stdout, stderr: process.stderr }, abort.signal);
      return 0;
    }
    if (verb === "evaluate") {
      await evaluateCommand(rest, { stdout: process.stdout, stderr: process.stderr });
      return 0;
    }
    process.stderr.write(`deadweight: unknown command "${verb}"\n\n${USAGE}`);
    return 2;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof DeadweightError) {
      process.stderr.write(`error [${error.code}]: ${error.message}\n`);
      return error.code === "CANCELED" ? 130 : 2;
    }
    throw error;
  } finally {
    process.off("SIGINT", onInterrupt);
  }
}
