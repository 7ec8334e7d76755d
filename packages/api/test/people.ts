import { randomUUID } from "node:crypto";
import type { Db } from "@deadweight/db";
import type { UserActor } from "../src/access/actor.js";
import type { TeamRole } from "../src/access/team-roles.js";

/** Creates a user row directly (sign-up itself is tested over HTTP) and returns it as an actor. */
export async function createPerson(db: Db, name: string): Promise<UserActor & { email: string }> {
  const id = randomUUID();
  const email = `${name.toLowerCase().replace(/\W+/g, ".")}.${id.slice(0, 8)}@example.test`;
  await db.user.create({ data: { id, name, email } });
  return { kind: "user", userId: id, email };
}

/** Creates a team with the given members and roles. */
export async function createTeam(db: Db, name: string, members: ReadonlyArray<[UserActor, TeamRole]>) {
  const team = await db.team.create({
    data: { name, slug: `${name.toLowerCase().replace(/\W+/g, "-")}-${randomUUID().slice(0, 6)}` },
  });
  for (const [person, role] of members) {
    await db.membership.create({ data: { teamId: team.id, userId: person.userId, role } });
  }
  return team;
}
