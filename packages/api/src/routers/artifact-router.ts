import { getArtifact, getArtifactInput } from "../domain/artifacts/get-artifact.js";
import { listRunArtifacts, listRunArtifactsInput } from "../domain/artifacts/list-run-artifacts.js";
import { router, userProcedure } from "../trpc/trpc.js";

/** Artifact metadata. The bytes go over plain HTTP (src/http/artifact-routes.ts): models are binary. */
export const artifactRouter = router({
  list: userProcedure
    .input(listRunArtifactsInput)
    .query(({ ctx, input }) => listRunArtifacts(ctx.store, ctx.actor, input)),
  get: userProcedure.input(getArtifactInput).query(({ ctx, input }) => getArtifact(ctx.store, ctx.actor, input)),
});
