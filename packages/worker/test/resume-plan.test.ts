import type { StoredArtifact } from "@deadweight/protocol";
import { describe, expect, it } from "vitest";
import { planResume } from "../src/pipeline/resume-plan.js";

const artifact = (name: string): StoredArtifact => ({
  id: `id-${name}`,
  name,
  kind: "weights",
  sha256: "0".repeat(64),
  sizeBytes: 10,
  contentType: "application/octet-stream",
});
const BASE = [artifact("models/base/model.json"), artifact("models/base/weights.bin")];

describe("planResume", () => {
  it("trains on a first attempt", () => {
    const plan = planResume({ attempt: 1, completedStages: [], artifacts: [] });
    expect(plan.storedBaseModel).toBeNull();
    expect(plan.reason).toBe("first attempt");
  });

  it("loads the stored base model when an earlier attempt finished training and stored both files", () => {
    const plan = planResume({
      attempt: 2,
      completedStages: ["load", "train"],
      artifacts: [...BASE, artifact("stats.json")],
    });
    expect(plan.storedBaseModel?.modelJson.name).toBe("models/base/model.json");
    expect(plan.storedBaseModel?.weightsBin.name).toBe("models/base/weights.bin");
    expect(plan.reason).toMatch(/loading it instead of training/);
  });

  it("trains again when training was reported done but the weights never arrived", () => {
    const plan = planResume({ attempt: 2, completedStages: ["load", "train"], artifacts: [BASE[0] as StoredArtifact] });
    expect(plan.storedBaseModel).toBeNull();
    expect(plan.reason).toBe("training was reported done but models/base/weights.bin is not stored: training again");
  });

  it("trains again when the base model is stored but training was never reported done (the attempt died in between)", () => {
    const plan = planResume({ attempt: 3, completedStages: ["load"], artifacts: BASE });
    expect(plan.storedBaseModel).toBeNull();
    expect(plan.reason).toBe("no earlier attempt finished training: training from the start");
  });

  it("goes on from the training checkpoint when no attempt finished training", () => {
    const checkpoint = { ...artifact("checkpoints/training.ckpt"), kind: "checkpoint" };
    const plan = planResume({ attempt: 2, completedStages: ["load"], artifacts: [checkpoint] });
    expect(plan.storedBaseModel).toBeNull();
    expect(plan.checkpoint).toBe(checkpoint);
    expect(plan.reason).toBe(
      "no earlier attempt finished training, one stored a training checkpoint: going on from it",
    );
    // A stored base model after reported training wins: nothing is left to train.
    const trained = planResume({ attempt: 2, completedStages: ["load", "train"], artifacts: [...BASE, checkpoint] });
    expect(trained.checkpoint).toBeNull();
    expect(trained.storedBaseModel).not.toBeNull();
    // A file of another kind under the name is not taken for a checkpoint.
    expect(
      planResume({ attempt: 2, completedStages: [], artifacts: [artifact("checkpoints/training.ckpt")] }).checkpoint,
    ).toBeNull();
  });

  it("does not mistake a pruned model's files for the base model", () => {
    const pruned = [artifact("models/mean0.1-std0.4/model.json"), artifact("models/mean0.1-std0.4/weights.bin")];
    const plan = planResume({ attempt: 2, completedStages: ["load", "train"], artifacts: pruned });
    expect(plan.storedBaseModel).toBeNull();
    expect(plan.reason).toMatch(/models\/base\/model.json and models\/base\/weights.bin are not stored/);
  });
});
