import type { RouterOutputs } from "@/lib/router-outputs";

/** An experiment's rows across its seeds, as `experiment.seedSpread` answers. */
export type SeedSpread = RouterOutputs["experiment"]["seedSpread"];
