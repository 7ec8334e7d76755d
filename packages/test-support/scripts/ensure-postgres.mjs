#!/usr/bin/env node
// The store's tests run against a real PostgreSQL they start themselves (test-support's
// postgres-server.ts): they need Debian's server binaries. Missing: install them with apt when this
// user may (root, or sudo without a password); otherwise say exactly what to run.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const installed = () => {
  if (process.env.PG_BIN !== undefined && existsSync(join(process.env.PG_BIN, "initdb"))) return true;
  const root = "/usr/lib/postgresql";
  return existsSync(root) && readdirSync(root).some((version) => existsSync(join(root, version, "bin", "initdb")));
};
if (installed()) process.exit(0);

const asRoot = process.getuid?.() === 0;
const sudo = !asRoot && canSudo();
if (!asRoot && !sudo) {
  console.error(
    "The store's tests need PostgreSQL's server binaries. Install them with:\n  sudo apt-get update && sudo apt-get install -y postgresql\n(or set PG_BIN to a folder holding initdb and pg_ctl)",
  );
  process.exit(1);
}
console.log("PostgreSQL is missing: installing Debian's postgresql for the store's tests (apt-get)");
const run = (args) =>
  execFileSync(sudo ? "sudo" : args[0], sudo ? ["-n", ...args] : args.slice(1), { stdio: "inherit" });
run(["apt-get", "update", "-qq"]);
run(["apt-get", "install", "-y", "-qq", "postgresql"]);
if (!installed()) {
  console.error("apt installed postgresql, but no /usr/lib/postgresql/<version>/bin/initdb: set PG_BIN");
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
