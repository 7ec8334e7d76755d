import type { StoreChangeFeed } from "../../store/store-changes.js";
import type { RunDetails } from "../runs/get-run.js";

/** Reads a run's current details (null when it is gone). */
export type RunDetailsReader = (runId: string, projectId: string) => Promise<RunDetails | null>;

/** What changed in a watched project since the last delivery: some runs, or (after a resync) possibly anything. */
export type ProjectRunChanges = { readonly runIds: readonly string[] } | { readonly everything: true };

type RunListener = (details: RunDetails) => void;
type ProjectListener = (changes: ProjectRunChanges) => void;

interface WatchedRun {
  readonly projectId: string;
  readonly listeners: Set<RunListener>;
  /** A read of the run is under way; `again` asks for one more after it (a change arrived meanwhile). */
  reading: { again: boolean } | null;
}

/**
 * The live side of a store, for this server's subscriptions: it hears the store's changes (on a
 * shared store, those of every server: see StoreChangeFeed) and hands each watched run's new details
 * to its watchers, and each watched project's changed run ids to its watchers.
 *
 * Cost does not grow with viewers: a change to a run is read from the database once, however many
 * subscriptions watch it, and the same object goes to each (reads of one run never overlap: changes
 * arriving during a read cause one more read after it, not one each).
 */
export class LiveRuns {
  private readonly runs = new Map<string, WatchedRun>();
  private readonly projects = new Map<string, Set<ProjectListener>>();
  private readonly unsubscribe: () => void;

  constructor(
    changes: StoreChangeFeed,
    private readonly readRun: RunDetailsReader,
    private readonly logError: (message: string, error: unknown) => void = (message, error) =>
      console.error(message, error),
  ) {
    this.unsubscribe = changes.subscribe((change) => {
      switch (change.kind) {
        case "run-updated":
          this.refreshRun(change.runId);
          this.tellProject(change.projectId, { runIds: [change.runId] });
          break;
        case "run-results":
          this.refreshRun(change.runId);
          break;
        case "resync":
          for (const runId of this.runs.keys()) this.refreshRun(runId);
          for (const projectId of this.projects.keys()) this.tellProject(projectId, { everything: true });
          break;
      }
    });
  }

  /** Calls `listener` with the run's details after each change to it; returns the function that stops it. */
  watchRun(runId: string, projectId: string, listener: RunListener): () => void {
    let watched = this.runs.get(runId);
    if (watched === undefined) {
      watched = { projectId, listeners: new Set(), reading: null };
      this.runs.set(runId, watched);
    }
    watched.listeners.add(listener);
    return () => {
      watched.listeners.delete(listener);
      if (watched.listeners.size === 0 && this.runs.get(runId) === watched) this.runs.delete(runId);
    };
  }

  /** Calls `listener` with the ids of the project's runs that changed; returns the function that stops it. */
  watchProject(projectId: string, listener: ProjectListener): () => void {
    let listeners = this.projects.get(projectId);
    if (listeners === undefined) {
      listeners = new Set();
      this.projects.set(projectId, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.projects.get(projectId) === listeners) this.projects.delete(projectId);
    };
  }

  /** How many subscriptions watch runs and projects on this server (for tests and benchmarks). */
  get watchers(): { readonly runs: number; readonly projects: number } {
    let runs = 0;
    for (const watched of this.runs.values()) runs += watched.listeners.size;
    let projects = 0;
    for (const listeners of this.projects.values()) projects += listeners.size;
    return { runs, projects };
  }

  close(): void {
    this.unsubscribe();
    this.runs.clear();
    this.projects.clear();
  }

  private tellProject(projectId: string, changes: ProjectRunChanges): void {
    for (const listener of [...(this.projects.get(projectId) ?? [])]) listener(changes);
  }

  private refreshRun(runId: string): void {
    const watched = this.runs.get(runId);
    if (watched === undefined) return;
    if (watched.reading !== null) {
      watched.reading.again = true;
      return;
    }
    const reading = { again: true };
    watched.reading = reading;
    void (async () => {
      try {
        while (reading.again && watched.listeners.size > 0) {
          reading.again = false;
          const details = await this.readRun(runId, watched.projectId);
          if (details !== null) for (const listener of [...watched.listeners]) listener(details);
        }
      } catch (error) {
        this.logError(`live updates: reading run ${runId} failed; its viewers get the next change`, error);
      } finally {
        watched.reading = null;
      }
    })();
  }
}
