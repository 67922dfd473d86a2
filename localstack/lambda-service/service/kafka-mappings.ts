/**
 * The running Kafka event-source mappings: each mapping's poller and failure destination, started, restarted
 * when its spec changes, stopped, updated through the API, and a failed start tried again with back-off.
 * A class of its own so the lifecycle can be tested with a fake poller factory, without Kafka.
 */
import type { MappingUpdate, MappingView } from "../api";
import type { FailureSink } from "../esm/destinations";
import type { KafkaEventSourcePoller, PollerMetrics } from "../esm/poller";
import type { PollerDeps } from "../esm/poller-types";
import type { MappingSource } from "../metrics/mapping-metrics";
import type { FunctionSpec, Invoker, KafkaMappingSpec } from "../types";
import type { Clients } from "./clients";

/** What the mappings need of a poller. */
export type MappingPoller = Pick<KafkaEventSourcePoller, "start" | "stop" | "setEnabled" | "metrics">;

/** A mapping's poller and its failure destination, built but not started. */
export interface MappingParts {
  readonly poller: MappingPoller;
  readonly failureSink?: Pick<FailureSink, "close">;
}

export type MappingPartsFactory = (spec: KafkaMappingSpec) => Promise<MappingParts>;

export type MappingLog = (
  level: "debug" | "info" | "warn" | "error",
  message: string,
  fields?: Record<string, unknown>,
) => void;

interface RunningMapping {
  spec: KafkaMappingSpec;
  poller: MappingPoller;
  failureSink?: Pick<FailureSink, "close">;
  lastModified: Date;
  /** Set while a failed start waits to be tried again. */
  retryTimer?: NodeJS.Timeout;
}

export interface KafkaMappingsOptions {
  readonly parts: MappingPartsFactory;
  readonly log: MappingLog;
  /** The first retry delay of a failed start (doubling to 60 s). Default 5 s. */
  readonly firstRetryDelayMs?: number;
}

export class KafkaMappings {
  private readonly byUuid = new Map<string, RunningMapping>();

  constructor(private readonly options: KafkaMappingsOptions) {}

  /**
   * Brings the running mappings to the wanted ones: a changed spec restarts its mapping, a missing one stops.
   * Returns what changed, e.g. "mapping restarted: topic → fn".
   */
  async apply(specs: readonly KafkaMappingSpec[]): Promise<string[]> {
    const changes: string[] = [];
    const wanted = new Map(specs.map((m) => [m.uuid, m]));
    for (const [uuid, running] of [...this.byUuid]) {
      const spec = wanted.get(uuid);
      if (spec && JSON.stringify(spec) === JSON.stringify(running.spec)) continue;
      await this.stopMapping(running);
      this.byUuid.delete(uuid);
      changes.push(
        `mapping ${spec ? "restarted" : "removed"}: ${running.spec.topics.join(",")} → ${running.spec.functionName}`,
      );
    }
    for (const spec of wanted.values()) {
      if (this.byUuid.has(spec.uuid)) continue;
      await this.startMapping(spec);
      if (!changes.some((c) => c.startsWith("mapping restarted") && c.endsWith(`→ ${spec.functionName}`))) {
        changes.push(`mapping started: ${spec.topics.join(",")} → ${spec.functionName}`);
      }
    }
    return changes;
  }

  /** "topic → fn" of each running mapping. */
  names(): string[] {
    return [...this.byUuid.values()].map((m) => `${m.spec.topics.join(",")} → ${m.spec.functionName}`);
  }

  views(): readonly MappingView[] {
    return [...this.byUuid.values()].map((m) => {
      const metrics = m.poller.metrics();
      return {
        spec: m.spec,
        state: metrics.state,
        lastProcessingResult: metrics.lastProcessingResult,
        lastModified: m.lastModified,
      };
    });
  }

  /** Each running mapping for the metrics sampler: the running mapping itself is its identity (a restart is a new one). */
  metricSources(): MappingSource[] {
    return [...this.byUuid.values()].map((m) => ({
      identity: m,
      uuid: m.spec.uuid,
      functionName: m.spec.functionName,
      metricsConfig: m.spec.metricsConfig ?? [],
      metrics: m.poller.metrics(),
    }));
  }

  statuses(): Array<{ uuid: string; functionName: string; topics: readonly string[]; metrics: PollerMetrics }> {
    return [...this.byUuid.values()].map((m) => ({
      uuid: m.spec.uuid,
      functionName: m.spec.functionName,
      topics: m.spec.topics,
      metrics: m.poller.metrics(),
    }));
  }

  async update(uuid: string, update: MappingUpdate): Promise<MappingView> {
    const running = this.byUuid.get(uuid);
    if (!running) throw new Error(`no event-source mapping ${uuid}`);
    const spec: KafkaMappingSpec = {
      ...running.spec,
      ...(update.enabled === undefined ? {} : { enabled: update.enabled }),
      ...(update.batchSize === undefined ? {} : { batchSize: update.batchSize }),
      ...(update.maximumBatchingWindowInSeconds === undefined
        ? {}
        : { maxBatchingWindowMs: update.maximumBatchingWindowInSeconds * 1000 }),
      ...(update.metricsConfig === undefined ? {} : { metricsConfig: update.metricsConfig }),
    };
    // Enabled and MetricsConfig change a running poller; the rest restarts it.
    const unchanged = { enabled: running.spec.enabled, metricsConfig: running.spec.metricsConfig };
    const pollerKept = JSON.stringify({ ...spec, ...unchanged }) === JSON.stringify(running.spec);
    if (pollerKept) {
      running.spec = spec;
      running.lastModified = new Date();
      void running.poller.setEnabled(spec.enabled);
    } else {
      await this.stopMapping(running);
      this.byUuid.delete(uuid);
      await this.startMapping(spec);
    }
    const view = this.views().find((m) => m.spec.uuid === uuid);
    if (!view) throw new Error(`event-source mapping ${uuid} vanished while updating`);
    return view;
  }

  /** Stops every mapping (in-flight batches finish and commit). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.byUuid.values()].map((m) => this.stopMapping(m)));
    this.byUuid.clear();
  }

  private async startMapping(spec: KafkaMappingSpec): Promise<void> {
    const { poller, failureSink } = await this.options.parts(spec);
    const running: RunningMapping = { spec, poller, failureSink, lastModified: new Date() };
    this.byUuid.set(spec.uuid, running);
    if (spec.enabled) await this.startPoller(running, this.options.firstRetryDelayMs ?? 5_000);
  }

  /**
   * Starts a mapping's poller; when the cluster cannot be reached (down, restarting, a join that times out), tries
   * again with back-off — 5 s doubling to 60 s — for as long as the mapping exists and is enabled, as AWS does.
   */
  private async startPoller(running: RunningMapping, delayMs: number): Promise<void> {
    const { spec } = running;
    try {
      await running.poller.start();
    } catch (error) {
      this.options.log("error", "event-source mapping could not start; retrying", {
        mapping: spec.uuid,
        function: spec.functionName,
        retryInMs: delayMs,
        error: (error as Error).message,
      });
      running.retryTimer = setTimeout(() => {
        running.retryTimer = undefined;
        if (this.byUuid.get(spec.uuid) !== running || !running.spec.enabled) return;
        void this.startPoller(running, Math.min(delayMs * 2, 60_000));
      }, delayMs);
    }
  }

  private async stopMapping(running: RunningMapping): Promise<void> {
    clearTimeout(running.retryTimer);
    running.retryTimer = undefined;
    await running.poller.stop();
    await running.failureSink?.close();
  }
}

export interface KafkaPollerDeps {
  readonly clients: () => Promise<Clients>;
  readonly invoker: Invoker;
  readonly functionSpec: (name: string) => FunctionSpec | undefined;
  readonly functionArn: (name: string) => string;
  readonly log: MappingLog;
  /** The consumers' group session timeout (LocalConfig's lambdaService.kafkaSessionTimeoutMs). */
  readonly sessionTimeoutMs?: number;
  /** PollerDeps.onDelivery: the delivery log's writer when SLUICE_DELIVERY_LOG is set. */
  readonly onDelivery?: PollerDeps["onDelivery"];
  /** PollerDeps.outages: LocalStack's outages, as the API's proxy sees them. */
  readonly outages?: PollerDeps["outages"];
}

/** The real parts of a mapping: a KafkaEventSourcePoller on the mapping's cluster and its failure destination. */
export function kafkaMappingParts(deps: KafkaPollerDeps): MappingPartsFactory {
  return async (spec) => {
    const fn = deps.functionSpec(spec.functionName);
    const clients = await deps.clients();
    const {
      Kafka,
      createFailureSink,
      mappingKafkaConfig,
      mappingKafkaConfigFactory,
      readKafkaSecret,
      KafkaEventSourcePoller,
    } = clients.esm;
    const kafka = mappingKafkaConfigFactory(spec, { secretsManager: clients.secrets });
    let failureSink: FailureSink | undefined;
    if (spec.onFailure) {
      const kafkaClient =
        spec.onFailure.kind === "kafka"
          ? new Kafka(
              mappingKafkaConfig(
                spec,
                spec.scramSecretArn ? await readKafkaSecret(clients.secrets, spec.scramSecretArn) : undefined,
              ),
            )
          : undefined;
      failureSink = createFailureSink(spec, {
        s3: clients.s3,
        sqs: clients.sqs,
        sns: clients.sns,
        ...(kafkaClient ? { kafka: kafkaClient } : {}),
      });
    }
    const poller = new KafkaEventSourcePoller(spec, {
      invoker: deps.invoker,
      kafka,
      failureSink,
      concurrency: fn?.reservedConcurrency,
      functionArn: deps.functionArn(spec.functionName),
      log: (level, message, fields) => deps.log(level, message, { mapping: spec.uuid, ...fields }),
      sessionTimeoutMs: deps.sessionTimeoutMs,
      ...(deps.onDelivery ? { onDelivery: deps.onDelivery } : {}),
      ...(deps.outages ? { outages: deps.outages } : {}),
    });
    return { poller, failureSink };
  };
}
