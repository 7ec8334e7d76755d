import { TRPCError } from "@trpc/server";
import { expect } from "vitest";
import { ZodError } from "zod";
import { AppError } from "../src/errors/app-error.js";

/** Awaits a call that must fail with this tRPC code (and message), and returns the error. */
export async function expectTrpcError(
  call: Promise<unknown>,
  code: TRPCError["code"],
  message?: RegExp,
): Promise<TRPCError> {
  const error = await call.then(
    (value) => {
      throw new Error(`expected ${code}, but the call succeeded with ${JSON.stringify(value)}`);
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TRPCError);
  const trpcError = error as TRPCError;
  expect({ code: trpcError.code, message: trpcError.message }).toMatchObject({ code });
  if (message !== undefined) expect(trpcError.message).toMatch(message);
  return trpcError;
}

/** A call refused by zod input validation, with an issue at `field` (e.g. "alias", "limit"). */
export async function expectInvalidInput(call: Promise<unknown>, field: string): Promise<void> {
  const error = await expectTrpcError(call, "BAD_REQUEST");
  expect(error.cause).toBeInstanceOf(ZodError);
  const paths = (error.cause as ZodError).issues.map((issue) => issue.path.join("."));
  expect(paths).toContain(field);
}

/** A call refused by business code with an AppError naming `field`. */
export async function expectFieldError(
  call: Promise<unknown>,
  code: TRPCError["code"],
  field: string,
  message?: RegExp,
): Promise<void> {
  const error = await expectTrpcError(call, code, message);
  expect(error.cause).toBeInstanceOf(AppError);
  expect((error.cause as AppError).field).toBe(field);
}
