#!/usr/bin/env node
// The store's tests run against a real PostgreSQL they start themselves (test-support's
// postgres-server.ts): they need Debian's server binaries. Missing: install them with apt when this
// user may (root, or sudo without a password); otherwise say exactly what to run.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { aptInstall } from "./apt-install.mjs";

const installed = () => {
  if (process.env.PG_BIN !== undefined && existsSync(join(process.env.PG_BIN, "initdb"))) return true;
  const root = "/usr/lib/postgresql";
  return existsSync(root) && readdirSync(root).some((version) => existsSync(join(root, version, "bin", "initdb")));
};
if (installed()) process.exit(0);

aptInstall(
  ["postgresql"],
  "The store's tests need PostgreSQL's server binaries (or set PG_BIN to a folder holding initdb and pg_ctl)",
);
if (!installed()) {
  console.error("apt installed postgresql, but no /usr/lib/postgresql/<version>/bin/initdb: set PG_BIN");
  process.exit(1);
}
