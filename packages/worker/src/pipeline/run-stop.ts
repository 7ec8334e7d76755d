/**
 * Why a run's pipeline was told to stop before the end: the reason its abort signal carries.
 * - canceled: a person canceled the run; finish it as canceled.
 * - released: this worker is shutting down; hand the run back to the queue.
 * - lease-lost: the server gave the run up (maybe to another worker); stop and report nothing.
 */
export interface RunStop {
  readonly kind: "canceled" | "released" | "lease-lost";
  readonly message: string;
}

export function isRunStop(value: unknown): value is RunStop {
  return (
    typeof value === "object" &&
    value !== null &&
    ["canceled", "released", "lease-lost"].includes((value as RunStop).kind) &&
    typeof (value as RunStop).message === "string"
  );
}
