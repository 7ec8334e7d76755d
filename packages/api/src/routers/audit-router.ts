import { listAuditEntries, listAuditEntriesInput } from "../domain/audit/list-audit-entries.js";
import { router, userProcedure } from "../trpc/trpc.js";

/** The team's record of who changed what (admins read). */
export const auditRouter = router({
  list: userProcedure
    .input(listAuditEntriesInput)
    .query(({ ctx, input }) => listAuditEntries(ctx.store, ctx.actor, input)),
});
