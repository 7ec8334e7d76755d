import type { Db } from "@deadweight/db";
import type { Actor } from "../access/actor.js";

/** A Prisma client or an interactive transaction: audit entries are written inside the change they describe. */
export type DbOrTransaction = Db | Parameters<Parameters<Db["$transaction"]>[0]>[0];

export interface AuditEvent {
  readonly teamId: string | null;
  /** Verb-noun, e.g. "experiment.create", "candidate.promote", "member.role-change". */
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly details?: Record<string, unknown>;
}

/** Appends one entry to the audit log for a change a person (or a token acting for one) made. */
export async function recordAudit(db: DbOrTransaction, actor: Actor, event: AuditEvent): Promise<void> {
  await db.auditEntry.create({
    data: {
      teamId: event.teamId,
      actorUserId: actor.kind === "user" ? actor.userId : null,
      actorTokenId: actor.kind === "user" ? (actor.tokenId ?? null) : actor.kind === "worker" ? actor.tokenId : null,
      action: event.action,
      targetType: event.targetType,
      targetId: event.targetId,
      details: JSON.stringify(event.details ?? {}),
    },
  });
}
