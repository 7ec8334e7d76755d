import { z } from "zod";

import { RUN_STAGES } from "./run-stage-list.js";

export { RUN_STAGES, type RunStage } from "./run-stage-list.js";
export const runStageInput = z.enum(RUN_STAGES);
