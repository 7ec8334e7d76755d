import type { OperationResultEnvelope, TRPCClientError, TRPCLink } from "@trpc/client";
import type { AnyRouter } from "@trpc/server";
import { observable } from "@trpc/server/observable";

/**
 * A tRPC link for one page request's client: a query asked again with the same input (the project
 * layout and the page each check the sign-in and read the project and the teams) is sent once, and
 * every caller gets that one answer. Mutations and subscriptions pass through. The client lives for
 * one request (see page-session), so nothing is kept across requests or people.
 */
export function sharedReadsLink<TRouter extends AnyRouter>(): TRPCLink<TRouter> {
  type Answer = OperationResultEnvelope<unknown, TRPCClientError<TRouter>>;
  return () => {
    const answers = new Map<string, Promise<Answer>>();
    return ({ op, next }) => {
      if (op.type !== "query") return next(op);
      const key = `${op.path} ${JSON.stringify(op.input ?? null)}`;
      let answer = answers.get(key);
      if (answer === undefined) {
        answer = new Promise<Answer>((resolve, reject) => {
          next(op).subscribe({ next: resolve, error: reject });
        });
        // Each caller hears a failure through its own observer; this copy must not count as unhandled.
        answer.catch(() => undefined);
        answers.set(key, answer);
      }
      const shared = answer;
      return observable((observer) => {
        shared.then(
          (value) => {
            observer.next(value);
            observer.complete();
          },
          (error: TRPCClientError<TRouter>) => observer.error(error),
        );
      });
    };
  };
}
