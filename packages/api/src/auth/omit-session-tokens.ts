import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";

/** The endpoints whose answer carries the new session's token beside the cookie that holds it. */
const SIGN_IN_PATHS = new Set(["/sign-in/email", "/sign-up/email"]);

/**
 * Keeps session tokens out of response bodies: the HttpOnly cookie is where a browser keeps its
 * session, and a token a page's script can read is one an injected script can steal. better-auth
 * 1.7 has no option for this (nor for storing session tokens hashed: `session.token` is kept as is
 * and looked up by value), so this plugin marks the session's `token` field `returned: false`
 * (get-session and list-sessions leave it out) and blanks `token` in the sign-in and sign-up answers.
 */
export const omitSessionTokens = {
  id: "deadweight-omit-session-tokens",
  schema: {
    session: {
      fields: {
        // As better-auth defines it, plus returned: false.
        token: { type: "string", required: true, unique: true, fieldName: "token", returned: false },
      },
    },
  },
  hooks: {
    after: [
      {
        matcher: (context) => SIGN_IN_PATHS.has(context.path ?? ""),
        handler: createAuthMiddleware(async (context) => {
          const answer: unknown = context.context.returned;
          if (answer === null || typeof answer !== "object" || answer instanceof Response || !("token" in answer)) {
            return;
          }
          return context.json({ ...answer, token: null });
        }),
      },
    ],
  },
} satisfies BetterAuthPlugin;
