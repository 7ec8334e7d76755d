import { demoteCandidate, demoteCandidateInput } from "../domain/candidates/demote-candidate.js";
import { findSmallestCandidate, findSmallestCandidateInput } from "../domain/candidates/find-smallest-candidate.js";
import { getTradeOffTimeline, getTradeOffTimelineInput } from "../domain/candidates/get-trade-off-timeline.js";
import { listCandidateHistory, listCandidateHistoryInput } from "../domain/candidates/list-candidate-history.js";
import { listCandidates, listCandidatesInput } from "../domain/candidates/list-candidates.js";
import { promoteCandidate, promoteCandidateInput } from "../domain/candidates/promote-candidate.js";
import { fitDeviceBudget, fitDeviceBudgetInput } from "../domain/deployment/fit-device-budget.js";
import { router, userProcedure } from "../trpc/trpc.js";

/** Deployment candidates: the candidate query, aliases on result rows, and their history. */
export const candidateRouter = router({
  /** The most accurate exported (verified) bundle that fits a device budget, or the closest and what it misses. */
  fitBudget: userProcedure
    .input(fitDeviceBudgetInput)
    .query(({ ctx, input }) => fitDeviceBudget(ctx.store, ctx.actor, input)),
  /** The smallest model within an accuracy drop and size limits, or the closest miss explained. */
  findSmallest: userProcedure
    .input(findSmallestCandidateInput)
    .query(({ ctx, input }) => findSmallestCandidate(ctx.store, ctx.actor, input)),
  promote: userProcedure
    .input(promoteCandidateInput)
    .mutation(({ ctx, input }) => promoteCandidate(ctx.store, ctx.actor, input)),
  demote: userProcedure
    .input(demoteCandidateInput)
    .mutation(({ ctx, input }) => demoteCandidate(ctx.store, ctx.actor, input)),
  list: userProcedure.input(listCandidatesInput).query(({ ctx, input }) => listCandidates(ctx.store, ctx.actor, input)),
  history: userProcedure
    .input(listCandidateHistoryInput)
    .query(({ ctx, input }) => listCandidateHistory(ctx.store, ctx.actor, input)),
  /** Each alias's steps (size and accuracy at every change) and what each finished run offered. */
  timeline: userProcedure
    .input(getTradeOffTimelineInput)
    .query(({ ctx, input }) => getTradeOffTimeline(ctx.store, ctx.actor, input)),
});
