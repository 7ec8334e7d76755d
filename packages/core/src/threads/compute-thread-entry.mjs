// A compute thread starts here. Deadweight's sources are TypeScript run through tsx, and in Node 20
// the loader hooks tsx installs belong to the thread that registered them: a new thread registers
// its own before it imports any TypeScript.
import { register } from "tsx/esm/api";

register();
await import("../backend/load-tfjs-without-source-maps.mjs");
await import("./compute-thread-main.ts");
