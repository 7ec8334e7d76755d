import { type ExperimentResult, type SweepRow, suggestedRow } from "@deadweight/core";
import type { ExperimentConfig } from "@deadweight/experiment-config";

/** What results.json holds: everything needed to read, compare or reproduce the run. */
export interface ResultsDocument {
  readonly tool: "deadweight";
  readonly formatVersion: 1;
  readonly createdAt: string;
  readonly config: ExperimentConfig;
  readonly dataset: { readonly description: string; readonly classNames: string[] | null };
  readonly backend: ExperimentResult["backend"];
  readonly split: ExperimentResult["split"];
  readonly training: ExperimentResult["training"];
  readonly base: ExperimentResult["base"];
  readonly rows: SweepRow[];
  readonly suggestedRowId: string | null;
  readonly timings: ExperimentResult["timings"] & { readonly total: number };
  /** Model id ("base" or a row id) -> folder relative to results.json. */
  readonly models: Record<string, string>;
}

export function buildResultsDocument(input: {
  readonly config: ExperimentConfig;
  readonly dataset: ResultsDocument["dataset"];
  readonly result: ExperimentResult;
  readonly totalSeconds: number;
  readonly createdAt: Date;
}): ResultsDocument {
  const { result } = input;
  return {
    tool: "deadweight",
    formatVersion: 1,
    createdAt: input.createdAt.toISOString(),
    config: input.config,
    dataset: input.dataset,
    backend: result.backend,
    split: result.split,
    training: result.training,
    base: result.base,
    rows: result.rows,
    suggestedRowId: suggestedRow(result.rows)?.id ?? null,
    timings: { ...result.timings, total: input.totalSeconds },
    models: Object.fromEntries([...result.models.keys()].map((id) => [id, `models/${id}`])),
  };
}
