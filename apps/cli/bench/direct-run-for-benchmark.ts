// The same experiment the worker runs, straight through the core, in a long-lived process so the
// benchmark can interleave direct and worker runs (both then see the same machine load). argv[2]:
// the config as JSON. Each line "run" on stdin does what a worker does for a run (load the dataset,
// split it, runExperiment: train, statistics, sweep, export in memory) and prints RESULT {seconds, stages}.
import { createInterface } from "node:readline";
import { runExperiment, splitDataset } from "@deadweight/core";
import { loadDatasetSource, parseDatasetArgument } from "@deadweight/dataset-files";
import { experimentConfigSchema, experimentSettingsOf } from "@deadweight/experiment-config";

const config = experimentConfigSchema.parse(JSON.parse(process.argv[2] as string));

async function once(): Promise<{ seconds: number; stages: Record<string, number> }> {
  const started = performance.now();
  const loaded = loadDatasetSource(parseDatasetArgument(config.dataset));
  const split = splitDataset(loaded.train, loaded.test, config.split);
  const load = (performance.now() - started) / 1000;
  const result = await runExperiment(split, experimentSettingsOf(config));
  return { seconds: (performance.now() - started) / 1000, stages: { load, ...result.timings } };
}

console.log("READY {}");
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === "run") console.log(`RESULT ${JSON.stringify(await once())}`);
}
