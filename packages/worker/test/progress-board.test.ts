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
});
