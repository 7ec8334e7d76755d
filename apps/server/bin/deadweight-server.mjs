#!/usr/bin/env node
// The server's sources are TypeScript run through tsx (no build step), like every package of this workspace.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
