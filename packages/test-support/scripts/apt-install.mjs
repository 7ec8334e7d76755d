// Installs Debian packages the tests need, with apt, when this user may (root, or sudo without a
// password); otherwise says exactly what to run and exits 1. Shared by the ensure-*.mjs scripts.
import { execFileSync } from "node:child_process";

/**
 * Runs `apt-get install` for `packages` (after `apt-get update`) and returns; exits the process
 * with the command to run when this user cannot install. `why` says what needs them.
 */
export function aptInstall(packages, why) {
  const asRoot = process.getuid?.() === 0;
  const sudo = !asRoot && canSudo();
  if (!asRoot && !sudo) {
    console.error(`${why}. Install them with:\n  sudo apt-get update && sudo apt-get install -y ${packages.join(" ")}`);
    process.exit(1);
  }
  console.log(`${why}: installing Debian's ${packages.join(", ")} (apt-get)`);
  const run = (args) =>
    execFileSync(sudo ? "sudo" : args[0], sudo ? ["-n", ...args] : args.slice(1), { stdio: "inherit" });
  run(["apt-get", "update", "-qq"]);
  run(["apt-get", "install", "-y", "-qq", ...packages]);
}

function canSudo() {
  try {
    execFileSync("sudo", ["-n", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
