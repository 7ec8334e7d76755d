#!/usr/bin/env node
// The core's tests run the wasm backend's matrix products on OpenBLAS (Debian's libopenblas0), as
// users with it installed get them, and check them against the plain wasm kernels. Missing: install
// the package with apt when this user may.
import { existsSync } from "node:fs";
import { aptInstall } from "./apt-install.mjs";

const libraryFolders = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"];
const installed = () => libraryFolders.some((folder) => existsSync(`${folder}/libopenblas.so.0`));
if (process.env.DEADWEIGHT_OPENBLAS === "off" || installed()) process.exit(0);

aptInstall(["libopenblas0"], "The core's tests need OpenBLAS (libopenblas.so.0) for the matrix products");
if (!installed()) {
  console.error(`apt installed libopenblas0, but libopenblas.so.0 is not in any of ${libraryFolders.join(", ")}`);
  process.exit(1);
}
