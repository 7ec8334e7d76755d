import type { Prisma } from "@deadweight/db";
import { objectId } from "@deadweight/protocol";
import { z } from "zod";
import type { UserActor } from "../../access/actor.js";
import { requireTeamRole } from "../../access/team-roles.js";
import { dateRangeInput, dateRangeWhere } from "../../inputs/date-range.js";
import { type Page, pageInput, pageQuery, toPage } from "../../pagination/cursor-page.js";
import type { Store } from "../../store/store.js";

export const listAuditEntriesInput = pageInput.extend({
  teamId: objectId,
  /** An exact action ("run.cancel"), or every action of a kind with a trailing dot ("run."). */
  action: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters").optional(),
  targetType: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters").optional(),
  targetId: objectId.optional(),
  created: dateRangeInput.optional(),
});
export type ListAuditEntriesInput = z.output<typeof listAuditEntriesInput>;

export interface AuditEntryView {
  readonly id: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly details: Record<string, unknown>;
  readonly createdAt: Date;
  /** The person who made the change (null once their account is deleted). */
  readonly actor: { readonly id: string; readonly name: string; readonly email: string } | null;
  /** Set when the change came through an API token. */
  readonly actorTokenId: string | null;
}

/** A team's audit log, newest first (admin or higher: it shows who did what). */
export async function listAuditEntries(
  store: Store,
  actor: UserActor,
  input: ListAuditEntriesInput,
): Promise<Page<AuditEntryView>> {
  await requireTeamRole(store, actor, input.teamId, "admin", { type: "team", id: input.teamId });
  const createdAt = dateRangeWhere(input.created);
  const where: Prisma.AuditEntryWhereInput = {
    teamId: input.teamId,
    ...(input.action === undefined
      ? {}
      : input.action.endsWith(".")
        ? { action: { startsWith: input.action } }
        : { action: input.action }),
    ...(input.targetType === undefined ? {} : { targetType: input.targetType }),
    ...(input.targetId === undefined ? {} : { targetId: input.targetId }),
    ...(createdAt === undefined ? {} : { createdAt }),
  };
  const rows = await store.db.auditEntry.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: {
      id: true,
      action: true,
      targetType: true,
      targetId: true,
      details: true,
      createdAt: true,
      actorTokenId: true,
      actorUser: { select: { id: true, name: true, email: true } },
    },
    ...pageQuery(input),
  });
  return toPage(
    rows.map(({ actorUser, details, ...entry }) => ({
      ...entry,
      details: JSON.parse(details) as Record<string, unknown>,
      actor: actorUser,
    })),
    input,
  );
}
