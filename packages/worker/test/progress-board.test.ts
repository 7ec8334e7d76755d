import { describe, expect, it } from "vitest";
import { ProgressBoard } from "../src/pipeline/progress-board.js";

describe("ProgressBoard", () => {
  it("keeps the latest progress, leaving out numbers the server cannot store", () => {
    const board = new ProgressBoard();
    board.set({
      stage: "train",
      epoch: 1,
      epochs: 2,
      loss: Number.NaN,
      accuracy: 0.5,
      etaSeconds: Number.POSITIVE_INFINITY,
    });
    expect(board.get()).toEqual({ stage: "train", epoch: 1, epochs: 2, accuracy: 0.5 });
  });

  it("says in every later report that training resumed from a checkpoint, whatever is set after", () => {
    const board = new ProgressBoard();
    board.set({ stage: "train", message: "loading the training checkpoint" });
    board.resumedAt(4);
    expect(board.get()).toEqual({ stage: "train", message: "loading the training checkpoint", resumedAtEpoch: 4 });
    board.set({ stage: "train", epoch: 5, batch: 10, loss: 0.3, accuracy: 0.9 });
    expect(board.take()).toMatchObject({ epoch: 5, resumedAtEpoch: 4 });
    board.set({ stage: "sweep" });
    expect(board.get()).toEqual({ stage: "sweep", resumedAtEpoch: 4 });
    board.resumedAt(undefined);
    board.set({ stage: "train", epoch: 1 });
    expect(board.get()).toEqual({ stage: "train", epoch: 1 });
  });

  it("cuts a message to the 500 characters the server keeps", () => {
    const board = new ProgressBoard();
    board.set({ stage: "load", message: "x".repeat(600) });
    expect(board.get()?.message).toHaveLength(500);
  });

  it("says when a new stage begins, once per stage", () => {
    const stages: string[] = [];
    const board = new ProgressBoard((stage) => stages.push(stage));
    board.set({ stage: "load" });
    board.set({ stage: "train", epoch: 1 });
    board.set({ stage: "train", epoch: 2 });
    board.set({ stage: "statistics" });
    expect(stages).toEqual(["load", "train", "statistics"]);
  });

  it("hands each training step to exactly one heartbeat, with the latest progress", () => {
    const board = new ProgressBoard();
    board.set({ stage: "train", epoch: 1, batch: 10, loss: 2.1, accuracy: 0.3 });
    board.set({ stage: "train", epoch: 1, batch: 20, loss: 1.5, accuracy: 0.5 });
    expect(board.take()).toEqual({
      stage: "train",
      epoch: 1,
      batch: 20,
      loss: 1.5,
      accuracy: 0.5,
      trace: [
        { epoch: 1, batch: 10, loss: 2.1, accuracy: 0.3 },
        { epoch: 1, batch: 20, loss: 1.5, accuracy: 0.5 },
      ],
    });
    expect(board.take()).toEqual({ stage: "train", epoch: 1, batch: 20, loss: 1.5, accuracy: 0.5 });
  });

  it("leaves steps without a finite loss, and other stages, out of the trace", () => {
    const board = new ProgressBoard();
    board.set({ stage: "train", epoch: 1, batch: 10, loss: Number.NaN, accuracy: 0.3 });
    board.set({ stage: "train", message: "storing the base model" });
    board.set({ stage: "sweep", epoch: 1, batch: 1, loss: 1, accuracy: 1 });
    expect(board.take()?.trace).toBeUndefined();
  });

  it("keeps the 500 most recent steps when heartbeats fall behind", () => {
    const board = new ProgressBoard();
    for (let batch = 1; batch <= 600; batch++) board.set({ stage: "train", epoch: 1, batch, loss: 1, accuracy: 0.5 });
    const trace = board.take()?.trace ?? [];
    expect(trace).toHaveLength(500);
    expect(trace[0]?.batch).toBe(101);
  });
});
