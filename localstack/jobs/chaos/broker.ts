/**
 * The broker fault: SIGKILL one broker, leave it down for the planned outage, start it again. On a single broker
 * this is a full outage (every producer and consumer waits); on a cluster (`local:up -- --brokers 3`) one node of
 * them dies, its partitions' leadership moves and writes go on with the in-sync replicas left. Which node follows
 * from the seeded outage, so a replay kills the same one.
 */
import type { LocalConfig } from "../../config";
import { kafkaNodes, killKafkaNode, startKafka } from "../../launchers/kafka";
import type { Log } from "../../support/log";

export async function brokerOutage(cfg: LocalConfig, downMs: number, log: Log): Promise<string> {
  const nodes = kafkaNodes(cfg);
  const running = nodes.filter((n) => n.running);
  if (running.length < nodes.length || running.length === 0) {
    throw new Error(
      `${nodes.length - running.length} of ${nodes.length} Kafka nodes are already down: start them first (npm run local:up)`,
    );
  }
  const node = running[Math.floor(downMs) % running.length] ?? running[0];
  if (node === undefined) throw new Error("no Kafka node to kill");
  await killKafkaNode(cfg, node.nodeId);
  await new Promise((r) => setTimeout(r, downMs));
  await startKafka(cfg, log);
  const which = nodes.length === 1 ? "the broker" : `node ${node.nodeId} of ${nodes.length}`;
  return `SIGKILLed ${which} (pid ${node.pid}), down ${(downMs / 1000).toFixed(1)} s, started again`;
}
