import { beforeAll } from "vitest";
import { initialiseBackend } from "../src/backend/compute-backend.js";

// Tests run on the backend users get by default on machines without tfjs-node: wasm with the matmul fix.
beforeAll(async () => {
  await initialiseBackend((process.env.DEADWEIGHT_BACKEND as "wasm" | "cpu" | undefined) ?? "wasm");
});
