#!/usr/bin/env node
// The dashboard's tests drive Debian's chromium (Playwright's own browser download is not reachable
// from our machines). Missing: install it with apt when this user may (root, or sudo without a
// password); otherwise say exactly what to run.
import { existsSync } from "node:fs";
import { aptInstall } from "../../../packages/test-support/scripts/apt-install.mjs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(path)) process.exit(0);

aptInstall(
  ["chromium"],
  `The dashboard's browser tests need chromium at ${path} (or point CHROMIUM_PATH at another Chromium build)`,
);
if (!existsSync(path)) {
  console.error(`apt installed chromium, but not at ${path}: set CHROMIUM_PATH`);
  process.exit(1);
}
