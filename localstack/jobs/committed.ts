/**
 * What the broker says a mapping has done: each Kafka mapping's consumer group and how many records of its topics
 * the group has not committed past. Read from the broker, so it holds across a restarted Lambda service, whose own
 * lag figures are empty until its consumers have rejoined their groups.
 */
import { paginateListEventSourceMappings } from "@aws-sdk/client-lambda";
import type { LocalConfig } from "../config";
import { adminKafka, withAdmin } from "../launchers/kafka-client";
import { awsClients } from "../support/aws";

export interface MappingGroup {
  readonly functionName: string;
  readonly groupId: string;
  readonly topics: readonly string[];
}

/** The Kafka mappings on any of `topics`, with their consumer groups (ListEventSourceMappings). */
export async function mappingGroups(cfg: LocalConfig, topics: readonly string[]): Promise<MappingGroup[]> {
  const groups: MappingGroup[] = [];
  for await (const page of paginateListEventSourceMappings({ client: awsClients(cfg).lambda }, {})) {
    for (const m of page.EventSourceMappings ?? []) {
      const groupId = m.SelfManagedKafkaEventSourceConfig?.ConsumerGroupId ?? m.UUID;
      if (!groupId || !m.Topics?.some((t) => topics.includes(t))) continue;
      groups.push({ functionName: (m.FunctionArn ?? "").split(":").pop() ?? "", groupId, topics: m.Topics });
    }
  }
  return groups;
}

/**
 * Records not yet committed past, per function: each partition's end offset minus the group's committed offset
 * (or the partition's first offset, when the group has committed nothing or less than what retention kept).
 */
export async function uncommitted(cfg: LocalConfig, groups: readonly MappingGroup[]): Promise<Map<string, number>> {
  return withAdmin(adminKafka(cfg, "sluice-drain"), async (admin) => {
    const behind = new Map<string, number>();
    for (const g of groups) {
      let n = 0;
      for (const topic of g.topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId: g.groupId, topics: [topic] });
        const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
        for (const e of ends) n += Math.max(0, Number(e.high) - Math.max(Number(e.low), at.get(e.partition) ?? -1));
      }
      behind.set(g.functionName, (behind.get(g.functionName) ?? 0) + n);
    }
    return behind;
  });
}
