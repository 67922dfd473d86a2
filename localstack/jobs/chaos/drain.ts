/**
 * The end of a pass: every consumer group of a mapping fed by the input has committed its topics' end offsets (read
 * from the broker, so a restarted service's counters do not matter), and the sinks are quiet — the service reports
 * no lag and no batch in flight — on two checks in a row. Survives the broker or the service being down meanwhile.
 */
import { paginateListEventSourceMappings } from "@aws-sdk/client-lambda";
import type { LocalConfig } from "../../config";
import { lambdaServiceStatus } from "../../lambda-service/daemon";
import { adminKafka, withAdmin } from "../../launchers/kafka-client";
import { awsClients } from "../../support/aws";

export interface MappingGroup {
  readonly functionName: string;
  readonly groupId: string;
  readonly topics: readonly string[];
}

/** The Kafka mappings the service runs on any of `topics`, with their consumer groups (ListEventSourceMappings). */
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

/** Records not yet committed past, per function (end offset minus committed offset, summed). */
export async function uncommitted(cfg: LocalConfig, groups: readonly MappingGroup[]): Promise<Map<string, number>> {
  return withAdmin(adminKafka(cfg, "sluice-chaos-drain"), async (admin) => {
    const behind = new Map<string, number>();
    for (const g of groups) {
      let n = 0;
      for (const topic of g.topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId: g.groupId, topics: [topic] });
        const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
        for (const e of ends) n += Math.max(0, Number(e.high) - Math.max(0, at.get(e.partition) ?? 0));
      }
      behind.set(g.functionName, n);
    }
    return behind;
  });
}

/** Waits for the end of the pass; resolves to the ms it waited. */
export async function waitUntilDrained(
  cfg: LocalConfig,
  groups: readonly MappingGroup[],
  options: { readonly timeoutMs: number; readonly onWait?: (behind: Map<string, number>) => void },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let quiet = 0;
  let last = new Map<string, number>();
  for (;;) {
    const behind = await uncommitted(cfg, groups).catch(() => undefined); // the broker may be restarting
    const status = await lambdaServiceStatus(cfg);
    const fed = new Set(groups.map((g) => g.functionName));
    const sinksQuiet =
      status?.mappings
        .filter((m) => fed.has(m.functionName))
        .every(
          (m) => m.metrics.batchesInFlight === 0 && Object.values(m.metrics.offsetLag).every((lag) => lag === 0),
        ) === true;
    const committed = behind !== undefined && [...behind.values()].every((n) => n === 0);
    if (behind) {
      last = behind;
      options.onWait?.(behind);
    }
    quiet = committed && sinksQuiet ? quiet + 1 : 0;
    if (quiet >= 2) return;
    if (Date.now() > deadline) {
      const left = [...last].filter(([, n]) => n > 0).map(([f, n]) => `${f} ${n}`);
      throw new Error(
        `the pipelines did not drain within ${Math.round(options.timeoutMs / 1000)} s (not committed: ${left.join(", ") || "none"}; service ${status ? "answering" : "not answering"})`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
