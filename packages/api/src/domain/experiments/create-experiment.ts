import {
  DEFAULT_EXPERIMENT_LIMITS,
  type ExperimentLimits,
  experimentConfigSchema,
  experimentLimitViolations,
  runSeedsOf,
  runsSeedsConflict,
} from "@deadweight/experiment-config";
import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { accessProject } from "../../access/owned-objects.js";
import { recordAudit } from "../../audit/record-audit.js";
import { AppError } from "../../errors/app-error.js";
import { displayDescription, displayName } from "../../inputs/display-text.js";
import type { Store } from "../../store/store.js";
import { assertTeamDatasetReference } from "../datasets/dataset-reference.js";
import { experimentTagsInput } from "./experiment-tags.js";
import { type ExperimentDetails, getExperiment } from "./get-experiment.js";

export const createExperimentInput = z
  .object({
    projectId: objectId,
    name: displayName(200),
    description: displayDescription(5000).default(""),
    tags: experimentTagsInput.default([]),
    /** The full configuration, validated (and defaulted) like a CLI config file. */
    config: experimentConfigSchema,
    /**
     * How many runs to queue at once (default 1); run i trains with seed config.seed + i. With
     * config.seeds, one run per listed seed: runs may then be left out, or must equal their count.
     */
    runs: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(10, "must be at most 10")
      .optional(),
  })
  .superRefine((input, context) => {
    const conflict = runsSeedsConflict(input.config, input.runs);
    if (conflict !== null) context.addIssue({ code: "custom", path: ["runs"], message: conflict });
  });
export type CreateExperimentInput = z.output<typeof createExperimentInput>;

/**
 * Creates an experiment in a project (member or higher) and queues its first run(s), each with its
 * own seed, in one transaction: an experiment never exists without the runs that were asked for.
 * A configuration past the server's limits is refused before anything is stored, naming each field.
 */
export async function createExperiment(
  store: Store,
  actor: UserActor,
  input: CreateExperimentInput,
  limits: ExperimentLimits = DEFAULT_EXPERIMENT_LIMITS,
): Promise<ExperimentDetails> {
  const { teamId } = await accessProject(store, actor, input.projectId, "member");
  const violations = experimentLimitViolations(input.config, limits);
  if (violations.length > 0) {
    throw AppError.invalidFields(
      violations.map((violation) => ({ field: `config.${violation.field}`, message: violation.message })),
    );
  }
  await assertTeamDatasetReference(store, teamId, input.config.dataset);
  const { experimentId, runIds } = await store.transaction(async (tx) => {
    const experiment = await tx.experiment.create({
      data: {
        projectId: input.projectId,
        name: input.name,
        description: input.description,
        dataset: input.config.dataset,
        config: JSON.stringify(input.config),
        createdById: actor.userId,
        tags: { create: input.tags.map((tag) => ({ tag })) },
      },
      select: { id: true },
    });
    const runIds: string[] = [];
    for (const seed of runSeedsOf(input.config, input.runs)) {
      const run = await tx.run.create({
        data: { experimentId: experiment.id, seed },
        select: { id: true },
      });
      runIds.push(run.id);
    }
    await recordAudit(tx, actor, {
      teamId,
      action: "experiment.create",
      targetType: "experiment",
      targetId: experiment.id,
      details: { projectId: input.projectId, name: input.name, runIds },
    });
    return { experimentId: experiment.id, runIds };
  });
  if (runIds.length > 0) store.changes.publish({ kind: "runs-queued", teamId });
  for (const runId of runIds) store.changes.publish({ kind: "run-updated", runId, projectId: input.projectId });
  return getExperiment(store, actor, { experimentId });
}
