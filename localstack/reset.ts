/**
 * `local:reset`: stops the local stack and deletes every piece of its state, on purpose, but none of its installs
 * (the virtualenv, DynamoDB Local's and Java's links under LocalStack's lib directory, the jar cache).
 */
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { LocalConfig } from "./config";
import { scheduleMemoryFile } from "./lambda-service/schedules/wiring";
import { formatBytes, localStackStatePaths, sizeOf } from "./launchers/localstack-state";
import { down } from "./stack";
import { appsDir } from "./support/app-registry";
import type { Log } from "./support/log";

export interface ResetTarget {
  readonly what: string;
  readonly path: string;
}

/** Everything `local:reset` deletes, in the order it says so. */
export function resetTargets(cfg: LocalConfig): ResetTarget[] {
  const ls = localStackStatePaths(cfg);
  const lsRoot = join(cfg.localstack.dataDir, "var", "lib", "localstack");
  return [
    { what: "LocalStack's saved services (S3 buckets and objects, stacks, secrets, IAM, logs, …)", path: ls.snapshots },
    { what: "DynamoDB Local's tables and CloudWatch's metrics", path: ls.data },
    { what: "LocalStack's scratch files", path: join(cfg.localstack.dataDir, "tmp") },
    { what: "LocalStack's internal scratch and logs", path: join(lsRoot, "tmp") },
    { what: "LocalStack's internal logs", path: join(lsRoot, "logs") },
    { what: "Kafka's topics, records, committed offsets, SCRAM users and admin credentials", path: cfg.kafka.dataDir },
    { what: "the deployed cloud assembly (what the Lambda service runs)", path: cfg.assemblyDir },
    { what: "the other CDK apps deployed with --app", path: appsDir(cfg.stateDir) },
    { what: "the schedules' anchors and last firings", path: dirname(scheduleMemoryFile(cfg)) },
    { what: "the logs", path: cfg.logDir },
  ];
}

/** Stops everything, then deletes every target; returns what it deleted (and how much). */
export async function reset(cfg: LocalConfig, log: Log): Promise<Array<ResetTarget & { bytes: number }>> {
  await down(cfg, log);
  const deleted: Array<ResetTarget & { bytes: number }> = [];
  for (const target of resetTargets(cfg)) {
    const bytes = sizeOf(target.path);
    rmSync(target.path, { recursive: true, force: true });
    deleted.push({ ...target, bytes });
    log(`deleted ${target.what}: ${target.path} (${formatBytes(bytes)})`);
  }
  log("kept the installs: the virtualenv, DynamoDB Local, Kafka's jars; `npm run local:up` starts empty");
  return deleted;
}
