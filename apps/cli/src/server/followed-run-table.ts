import { renderRunsTable } from "../terminal/runs-table.js";
import { isFinished } from "./follow-runs.js";
import { listRunIds, type RunListScope } from "./list-run-ids.js";
import { loadRunStatuses, type RunStatus } from "./run-status-rows.js";
import { type ProjectChange, runTableReads } from "./run-table-reads.js";
import type { UserApi } from "./user-api.js";

/**
 * The table `deadweight status --follow` prints, kept up to date from project.watch's changes by
 * reading only what changed (see runTableReads): a run that progressed costs one run.get, not a
 * reread of the list and of every run in it.
 */
export class FollowedRunTable {
  /** The listed runs' ids, newest first; null until the first read. */
  private listed: string[] | null = null;
  private more = false;
  private readonly runs = new Map<string, RunStatus>();
  /** Experiment names already read, so a changed run costs no experiment.get. */
  private readonly experimentNames = new Map<string, string>();

  constructor(
    private readonly api: UserApi,
    private readonly scope: RunListScope,
    private readonly limit: number,
  ) {}

  /** Reads what `change` calls for. */
  async apply(change: ProjectChange): Promise<void> {
    const reads = runTableReads(change, this.listed === null ? null : new Set(this.listed));
    if (reads.kind === "whole table") {
      // Missed changes may include renamed experiments: names are read again too.
      this.experimentNames.clear();
      this.runs.clear();
      await this.readList();
      await this.readRuns(this.listed ?? []);
      return;
    }
    let runIds = reads.runIds;
    if (reads.listFirst) {
      await this.readList();
      const listed = new Set(this.listed);
      for (const runId of this.runs.keys()) if (!listed.has(runId)) this.runs.delete(runId);
      // The changed runs the list still holds, and the runs it holds that the table has not read yet.
      const newcomers = [...listed].filter((runId) => !this.runs.has(runId));
      runIds = [...new Set([...runIds.filter((runId) => listed.has(runId)), ...newcomers])];
    }
    await this.readRuns(runIds);
  }

  /** The runs in list order (each as last read). */
  rows(): RunStatus[] {
    return (this.listed ?? []).flatMap((runId) => this.runs.get(runId) ?? []);
  }

  /** True once every listed run has finished (an empty table included). */
  allFinished(): boolean {
    return this.rows().every(isFinished);
  }

  /** The table as `deadweight status` prints it. */
  text(): string {
    let text = `${renderRunsTable(this.rows())}\n`;
    if (this.more) text += `(the newest ${this.limit} runs; --limit shows up to 100)\n`;
    return text;
  }

  private async readList(): Promise<void> {
    const list = await listRunIds(this.api, this.scope, this.limit);
    this.listed = list.items;
    this.more = list.more;
  }

  private async readRuns(runIds: readonly string[]): Promise<void> {
    for (const run of await loadRunStatuses(this.api, runIds, this.experimentNames)) this.runs.set(run.id, run);
  }
}
