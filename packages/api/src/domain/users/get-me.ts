import type { UserActor } from "../../access/actor.js";
import { AppError } from "../../errors/app-error.js";
import type { Store } from "../../store/store.js";

/** The signed-in person, and the token's team when they called with an API token. */
export async function getMe(store: Store, actor: UserActor) {
  const user = await store.db.user.findUnique({
    where: { id: actor.userId },
    select: { id: true, name: true, email: true, emailVerified: true, createdAt: true },
  });
  // A session or token whose user was deleted in between: treat the caller as signed out.
  if (user === null) throw new AppError("UNAUTHORIZED", "your account no longer exists; sign in again");
  return {
    ...user,
    token: actor.tokenId === undefined ? null : { id: actor.tokenId, teamId: actor.tokenTeamId ?? null },
  };
}
