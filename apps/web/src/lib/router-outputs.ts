import type { AppRouter } from "@deadweight/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

/** What each procedure returns as it reaches the browser (dates as ISO strings). */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export type RunDetails = RouterOutputs["run"]["get"];
export type ResultRow = RouterOutputs["result"]["rows"]["rows"][number];
export type LayerStatsResult = RouterOutputs["result"]["layerStats"];
export type RunComparison = RouterOutputs["compare"]["runs"];
export type ExperimentListPage = RouterOutputs["experiment"]["list"];
export type CandidateView = RouterOutputs["candidate"]["list"][number];
export type ArtifactView = RouterOutputs["artifact"]["list"]["items"][number];
export type CandidateEvent = RouterOutputs["candidate"]["history"]["items"][number];
export type TradeOffTimeline = RouterOutputs["candidate"]["timeline"];
/** One update of run.watch (dates as ISO strings): the run's state, its training curve as new points. */
export type RunUpdate =
  RouterOutputs["run"]["watch"] extends AsyncIterable<infer Update>
    ? Update extends { data: infer Data }
      ? Data
      : never
    : never;
