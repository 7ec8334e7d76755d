import { AppError } from "../../errors/app-error.js";
import type { Exposure } from "../../http/request-admission.js";
import type { Store } from "../../store/store.js";
import { findSignUpInvitation } from "./sign-up-invitations.js";

/**
 * Who may create an account over HTTP: anyone ("open"), only emails a team admin invited
 * ("invite"), or nobody ("closed"; admins add people who already have an account). Accounts made
 * server-side (the first-start owner) are not subject to it.
 */
export type SignUpPolicy = "open" | "invite" | "closed";

export const SIGN_UP_POLICIES = ["open", "invite", "closed"] as const satisfies readonly SignUpPolicy[];

/** Open on a server only this machine reaches; invite-only once the network can reach it. */
export function defaultSignUpPolicy(exposure: Exposure): SignUpPolicy {
  return exposure === "loopback" ? "open" : "invite";
}

/** null when `email` may sign up under `policy`; otherwise the refusal (403) saying what to do. */
export async function checkSignUpAllowed(store: Store, policy: SignUpPolicy, email: unknown): Promise<AppError | null> {
  if (policy === "open") return null;
  if (policy === "closed") {
    return new AppError(
      "FORBIDDEN",
      "sign-up is closed on this server (DEADWEIGHT_SIGN_UP=closed): ask a team admin to create your account",
    );
  }
  if (typeof email !== "string" || (await findSignUpInvitation(store, email)) === null) {
    return new AppError(
      "FORBIDDEN",
      `sign-up on this server is by invitation (DEADWEIGHT_SIGN_UP=invite) and ${typeof email === "string" ? email.trim().toLowerCase() : "this email"} has not been invited: ask a team admin to invite it from the Team page`,
      "email",
    );
  }
  return null;
}
