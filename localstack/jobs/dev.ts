#!/usr/bin/env tsx
/**
 * `npm run dev`: watches the CDK app and the handlers, synthesizes the local assembly again on every
 * change, and has the Lambda service reload only what changed — a changed function cold-starts with
 * its new code, a changed mapping restarts from its group's committed offsets, the rest keeps running.
 * Changes to what CloudFormation deploys (buckets, tables…) still need `npm run deploy:local`.
 */
import { spawn } from "node:child_process";
import { watch } from "node:fs";
import { join } from "node:path";
import { loadLocalConfig } from "../config";
import { lambdaServiceStatus, reloadLambdaService } from "../lambda-service/daemon";
import type { ServiceStatus } from "../lambda-service/service";
import { localContext } from "../stack";
import { awsEnv } from "../support/aws";

const cfg = loadLocalConfig();
const WATCHED = ["bin", "lib", "lambdas"];
const log = (m: string): void => {
  process.stdout.write(`[dev ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
};

if (process.argv.includes("--help")) {
  process.stdout.write(
    "usage: npm run dev\n\nWatches bin/, lib/ and lambdas/; on a change re-synthesizes the local assembly and reloads\nthe changed functions and event-source mappings in the running Lambda service (start it with npm start).\n",
  );
  process.exit(0);
}

function synth(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(
      join(cfg.root, "node_modules", ".bin", "cdk"),
      ["synth", "--quiet", "--output", cfg.assemblyDir, ...localContext(cfg)],
      { cwd: cfg.root, env: awsEnv(cfg), stdio: ["ignore", "ignore", "pipe"] },
    );
    let errors = "";
    child.stderr.on("data", (c: Buffer) => {
      errors += c.toString();
    });
    child.on("close", (code) => {
      if (code !== 0) log(`synth failed:\n${errors.trim().split("\n").slice(-15).join("\n")}`);
      resolve(code === 0);
    });
  });
}

/**
 * The service also reloads by itself when it sees the new manifest, so the change may already be applied
 * when we ask: report what the status says changed since before the synth.
 */
function changesSince(before: ServiceStatus | undefined, after: ServiceStatus): string {
  const changes = after.loadedAt !== before?.loadedAt ? after.lastReload : [];
  return changes.length > 0 ? changes.join("; ") : "no function or mapping changed";
}

let timer: NodeJS.Timeout | undefined;
let running = false;
let again = false;

async function rebuild(reason: string): Promise<void> {
  if (running) {
    again = true;
    return;
  }
  running = true;
  const started = Date.now();
  log(`${reason}: synthesizing…`);
  const before = await lambdaServiceStatus(cfg);
  if (await synth()) {
    const status = await reloadLambdaService(cfg).catch((error: unknown) => {
      log(`reload failed: ${(error as Error).message}`);
      return undefined;
    });
    if (status?.loadError)
      log(
        `the service could not load the new assembly: ${status.loadError}\n  (a new or changed resource may need: npm run deploy:local)`,
      );
    else if (status) {
      log(`reloaded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${changesSince(before, status)}`);
    }
  }
  running = false;
  if (again) {
    again = false;
    await rebuild("more changes");
  }
}

async function main(): Promise<void> {
  if (!(await lambdaServiceStatus(cfg))) {
    process.stderr.write(`no Lambda service answers at ${cfg.endpoint.url}: start the stack first (npm start)\n`);
    process.exit(1);
  }
  for (const dir of WATCHED) {
    // Any event counts: editors and sed save through a temporary file and a rename, after which
    // the recursive watcher may only report the temporary name.
    watch(join(cfg.root, dir), { recursive: true }, (_event, file) => {
      clearTimeout(timer);
      timer = setTimeout(() => void rebuild(`${dir}/${String(file ?? "")} changed`), 300);
    });
  }
  log(`watching ${WATCHED.join(", ")} — the service at ${cfg.endpoint.url} reloads what changes (Ctrl-C to stop)`);
}

void main();
