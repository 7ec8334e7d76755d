import { randomBytes } from "node:crypto";
import type { DbOrTransaction } from "../../audit/record-audit.js";

/** A URL-friendly slug for a team name that no other team uses yet. */
export async function uniqueTeamSlug(db: DbOrTransaction, name: string): Promise<string> {
  const base =
    name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "team";
  for (let attempt = 0; attempt < 5; attempt++) {
    const slug = attempt === 0 ? base : `${base}-${randomBytes(3).toString("hex")}`;
    const taken = await db.team.findUnique({ where: { slug }, select: { id: true } });
    if (taken === null) return slug;
  }
  // Five collisions in a row only happen if something is badly wrong; a longer suffix cannot collide.
  return `${base}-${randomBytes(8).toString("hex")}`;
}
