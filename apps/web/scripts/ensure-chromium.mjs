#!/usr/bin/env node
// The dashboard's tests drive Debian's chromium (Playwright's own browser download is not reachable
// from our machines). Missing: install it with apt when this user may (root, or sudo without a
// password); otherwise say exactly what to run.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(path)) process.exit(0);

const asRoot = process.getuid?.() === 0;
const sudo = !asRoot && canSudo();
if (!asRoot && !sudo) {
  console.error(
    `The dashboard's browser tests need chromium at ${path}. Install it with:\n  sudo apt-get update && sudo apt-get install -y chromium\n(or point CHROMIUM_PATH at another Chromium build)`,
  );
  process.exit(1);
}
console.log("chromium is missing: installing Debian's chromium for the dashboard's browser tests (apt-get)");
const run = (args) =>
  execFileSync(sudo ? "sudo" : args[0], sudo ? ["-n", ...args] : args.slice(1), { stdio: "inherit" });
run(["apt-get", "update", "-qq"]);
run(["apt-get", "install", "-y", "-qq", "chromium"]);
if (!existsSync(path)) {
  console.error(`apt installed chromium, but not at ${path}: set CHROMIUM_PATH`);
  process.exit(1);
}

function canSudo() {
  try {
    execFileSync("sudo", ["-n", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
