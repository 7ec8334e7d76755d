import { watchProject, watchProjectInput } from "../domain/live/watch-project.js";
import { createProject, createProjectInput } from "../domain/projects/create-project.js";
import { getProject, getProjectInput } from "../domain/projects/get-project.js";
import { listProjects, listProjectsInput } from "../domain/projects/list-projects.js";
import { subscriptionStream } from "../trpc/subscription-stream.js";
import { router, userProcedure } from "../trpc/trpc.js";

/** Projects of a team: viewers read, members create. */
export const projectRouter = router({
  create: userProcedure
    .input(createProjectInput)
    .mutation(({ ctx, input }) => createProject(ctx.store, ctx.actor, input)),
  list: userProcedure.input(listProjectsInput).query(({ ctx, input }) => listProjects(ctx.store, ctx.actor, input)),
  get: userProcedure.input(getProjectInput).query(({ ctx, input }) => getProject(ctx.store, ctx.actor, input)),
  /** Which of the project's runs changed, pushed as it happens over server-sent events (see watchProject). */
  watch: userProcedure
    .input(watchProjectInput)
    .subscription(({ ctx, input, signal }) =>
      subscriptionStream(ctx, signal, (ended) => watchProject(ctx.store, ctx.actor, input, ended)),
    ),
});
