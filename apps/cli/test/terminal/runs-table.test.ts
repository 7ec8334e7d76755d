import { describe, expect, it } from "vitest";
import {
  describeProgress,
  type RunStatusRow,
  renderAttemptsTable,
  renderRunsTable,
} from "../../src/terminal/runs-table.js";

const NOW = new Date("2026-01-01T12:00:00Z");
const base: RunStatusRow = {
  id: "run1",
  experimentName: "mnist small",
  status: "queued",
  attempt: 0,
  maxAttempts: 3,
  worker: null,
  completedStages: [],
  progress: null,
  errorMessage: null,
  resultRowCount: 0,
  queuedAt: "2026-01-01T11:59:30Z",
  startedAt: null,
  finishedAt: null,
};

describe("renderRunsTable", () => {
  it("shows each run's status, attempt, stage, progress, worker and error in aligned columns", () => {
    const table = renderRunsTable(
      [
        base,
        {
          ...base,
          id: "run2",
          status: "running",
          attempt: 2,
          worker: "gpu-1",
          completedStages: ["load"],
          progress: {
            stage: "train",
            epoch: 2,
            epochs: 5,
            batch: 40,
            batches: 100,
            loss: 0.2134,
            accuracy: 0.941,
            etaSeconds: 72,
          },
        },
        {
          ...base,
          id: "run3",
          status: "failed",
          attempt: 1,
          worker: "gpu-2",
          errorMessage:
            'load: [INVALID_DATASET] dataset file "/data/train.csv" line 3, column 2: "oops" is not a number',
          startedAt: "2026-01-01T11:00:00Z",
          finishedAt: "2026-01-01T11:00:02Z",
        },
        { ...base, id: "run4", status: "queued", attempt: 1, completedStages: ["load", "train"] },
      ],
      NOW,
    );
    expect(table.split("\n")).toEqual([
      "run   experiment   status   attempt  stage                progress                                      worker  error",
      "run1  mnist small  queued   0/3      -                    waiting 30s                                   -",
      "run2  mnist small  running  2/3      train                epoch 2/5 40% loss 0.213 acc 94.1% ETA 1m12s  gpu-1",
      'run3  mnist small  failed   1/3      -                    after 2s                                      gpu-2   load: [INVALID_DATASET] dataset file "/data/train.csv" line…',
      "run4  mnist small  queued   1/3      resumes after train  waiting 30s                                   -",
    ]);
  });

  it("says so when there are no runs", () => {
    expect(renderRunsTable([], NOW)).toBe("no runs");
  });
});

describe("describeProgress", () => {
  it("shows the stage's message outside training", () => {
    expect(describeProgress({ stage: "sweep", batch: 3, batches: 30, message: "threshold 3/30: mean0-std0.4" })).toBe(
      "threshold 3/30: mean0-std0.4",
    );
    expect(describeProgress({ stage: "load" })).toBe("-");
  });
});

describe("renderAttemptsTable", () => {
  it("lists every claim of a run, where its training resumed and how it ended", () => {
    const table = renderAttemptsTable([
      {
        attempt: 1,
        worker: "a",
        startedAt: "2026-01-01T10:00:00.123Z",
        endedAt: "2026-01-01T10:00:09Z",
        outcome: "lease-expired",
        error: 'worker "a" stopped renewing its lease',
      },
      {
        attempt: 2,
        worker: "b",
        startedAt: "2026-01-01T10:00:10Z",
        endedAt: null,
        outcome: null,
        error: null,
        resumedAtEpoch: 4,
      },
    ]);
    expect(table.split("\n")).toEqual([
      "attempt  worker  started              ended                training            outcome        error",
      '1        a       2026-01-01 10:00:00  2026-01-01 10:00:09  -                   lease-expired  worker "a" stopped renewing its lease',
      "2        b       2026-01-01 10:00:10  -                    resumed at epoch 4  running",
    ]);
  });
});
