#!/usr/bin/env node
// Installs the npm dependencies when node_modules is missing or older than package-lock.json.
// Plain JavaScript on purpose: it runs before TypeScript tooling exists on a fresh clone.
"use strict";
const { createHash } = require("node:crypto");
const { existsSync, readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { spawnSync } = require("node:child_process");

const root = join(__dirname, "..");
const lock = join(root, "package-lock.json");
const stamp = join(root, "node_modules", ".sluice-lock-sha256");
const want = createHash("sha256").update(readFileSync(lock)).digest("hex");
const have = existsSync(stamp) ? readFileSync(stamp, "utf8").trim() : "";

if (want !== have) {
  process.stderr.write("sluice: installing npm dependencies…\n");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  // `npm install --no-save` rather than `npm ci`: this npm writes lock files that hold only this platform's optional
  // native packages, which `npm ci` then refuses as out of sync; install still follows the lock file exactly.
  const result = spawnSync(npm, ["install", "--no-audit", "--no-fund", "--no-save", "--loglevel=error"], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0) {
    process.stderr.write(`sluice: npm install failed (exit ${result.status}); fix the error above and run again.\n`);
    process.exit(result.status ?? 1);
  }
  writeFileSync(stamp, `${want}\n`);
}
