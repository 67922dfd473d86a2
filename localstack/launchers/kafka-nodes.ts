/**
 * The local cluster's node processes: which node runs with which pid on which port, and killing one (SIGKILL,
 * as a crash would) for fault tests. Starting and stopping the cluster is kafka.ts.
 */
import { rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { LocalConfig } from "../config";
import { isAlive, readCmdline, run, runningPid, signalGroup } from "../support/proc";
import { kafkaNodePaths, nodeIds } from "./kafka-config";

export interface KafkaNode {
  readonly nodeId: number;
  /** Its SASL_PLAINTEXT (client) port. */
  readonly port: number;
  readonly pid?: number;
  readonly running: boolean;
}

/** Whether pid is this checkout's Kafka node nodeId (and not another process that inherited a stale pid). */
function isOurNode(cfg: LocalConfig, nodeId: number, pid: number): boolean {
  let cmdline = readCmdline(pid);
  if (cmdline === undefined) {
    try {
      cmdline = run("ps", ["-o", "command=", "-p", String(pid)]);
    } catch {
      return true; // cannot tell: trust the pid file
    }
  }
  return cmdline.includes("kafka.Kafka") && cmdline.includes(kafkaNodePaths(cfg, nodeId).serverProperties);
}

/** The pid of node nodeId when it runs; clears a pid file left by a dead process or naming someone else's. */
export function nodePid(cfg: LocalConfig, nodeId: number): number | undefined {
  const { pidFile } = kafkaNodePaths(cfg, nodeId);
  const pid = runningPid(pidFile);
  if (pid !== undefined && isOurNode(cfg, nodeId, pid)) return pid;
  rmSync(pidFile, { force: true });
  return undefined;
}

/** Every node of the configured cluster (1…cfg.kafka.brokers) with its client port and, when it runs, its pid. */
export function kafkaNodes(cfg: LocalConfig): Array<{ nodeId: number; port: number; pid?: number; running: boolean }> {
  return nodeIds(cfg).map((nodeId) => {
    const pid = nodePid(cfg, nodeId);
    const { port } = kafkaNodePaths(cfg, nodeId);
    return pid === undefined ? { nodeId, port, running: false } : { nodeId, port, pid, running: true };
  });
}

/** host:port of the nodes that run now (all of them when none does, so a client still has somewhere to fail). */
export function runningBrokerList(cfg: LocalConfig): string[] {
  const running = kafkaNodes(cfg)
    .filter((node) => node.running)
    .map((node) => `${cfg.kafka.host}:${node.port}`);
  return running.length > 0 ? running : [...cfg.kafka.brokerList];
}

/**
 * Kills node nodeId with SIGKILL (no controlled shutdown: a crash) and resolves once the process is gone;
 * false when it was not running. `startKafka` brings it back.
 */
export async function killKafkaNode(cfg: LocalConfig, nodeId: number): Promise<boolean> {
  if (!nodeIds(cfg).includes(nodeId)) {
    throw new Error(`Kafka has nodes 1 to ${cfg.kafka.brokers}; there is no node ${nodeId} to kill`);
  }
  const pid = nodePid(cfg, nodeId);
  if (pid === undefined) return false;
  signalGroup(pid, "SIGKILL");
  while (isAlive(pid)) await sleep(20);
  rmSync(kafkaNodePaths(cfg, nodeId).pidFile, { force: true });
  return true;
}
