import { z } from "zod";
import { claimReportInput } from "./claim-report.js";
import { runProgressInput } from "./progress.js";

/** Renews a worker's lease on a run it holds, with its live progress. */
export const heartbeatRunInput = claimReportInput.extend({ progress: runProgressInput.optional() });
export type HeartbeatRunInput = z.output<typeof heartbeatRunInput>;

export const heartbeatReply = z.object({
  /** Null only when the run was canceled (nothing more to hold). A Date on the server, ISO text on the wire. */
  leaseExpiresAt: z.coerce.date().nullable(),
  /** A person canceled the run: stop, keep what is stored, and finish with outcome "canceled". */
  cancelRequested: z.boolean(),
});
export type HeartbeatReply = z.output<typeof heartbeatReply>;
