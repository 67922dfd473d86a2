/**
 * Whether LocalStack, the emulated region behind this service, answers. The API's proxy reports each request it
 * could not forward; from then on the watch probes LocalStack's health endpoint until it answers again. A stop
 * that sluice itself makes (`stopLocalStack`) is announced first: LocalStack answers with errors for seconds while
 * it saves and shuts its services down, before it refuses connections, so an announced outage lasts until
 * LocalStack has been seen gone and then answers again. Kafka mappings ask the watch whether an outage overlapped
 * a failed invocation (see EmulationOutages).
 */
import type { EmulationOutages } from "../esm/poller-types";

export interface UpstreamWatchOptions {
  readonly log: (level: "info" | "warn", message: string, fields?: Record<string, unknown>) => void;
  /** Between health probes while LocalStack does not answer. Default 500 ms. */
  readonly probeMs?: number;
}

export class UpstreamWatch implements EmulationOutages {
  private begun = 0;
  private downSince: number | undefined;
  private stopped = false;
  /** An announced stop: the outage ends only after a probe has failed (LocalStack gone) and a later one answered. */
  private announced = false;
  private seenGone = false;

  constructor(
    private readonly upstream: URL,
    private readonly options: UpstreamWatchOptions,
  ) {}

  mark(): number {
    return this.begun;
  }

  since(mark: number): boolean {
    return this.begun !== mark || this.down();
  }

  down(): boolean {
    return this.downSince !== undefined;
  }

  /** The proxy could not reach LocalStack: an outage begins, unless one is already being watched. */
  unreachable(error: Error): void {
    this.begin("LocalStack does not answer; Kafka batches that fail meanwhile wait for it", { error: error.message });
  }

  /** LocalStack is about to be stopped: an outage begins now and lasts until it has gone and answers again. */
  stopping(): void {
    if (this.stopped) return;
    this.announced = true;
    this.seenGone = false;
    this.begin("LocalStack is being stopped; Kafka batches that fail meanwhile wait for it", {});
  }

  private begin(message: string, fields: Record<string, unknown>): void {
    if (this.downSince !== undefined || this.stopped) return;
    this.begun++;
    this.downSince = Date.now();
    this.options.log("warn", message, { upstream: this.upstream.origin, ...fields });
    void this.probeUntilUp();
  }

  stop(): void {
    this.stopped = true;
  }

  private async probeUntilUp(): Promise<void> {
    while (!this.stopped) {
      if (await this.answers()) {
        if (!this.announced || this.seenGone) break;
      } else this.seenGone = true;
      await new Promise((resolve) => setTimeout(resolve, this.options.probeMs ?? 500).unref());
    }
    const downMs = Date.now() - (this.downSince ?? Date.now());
    this.downSince = undefined;
    this.announced = false;
    if (!this.stopped) this.options.log("info", "LocalStack answers again", { downMs });
  }

  private async answers(): Promise<boolean> {
    try {
      const res = await fetch(new URL("/_localstack/health", this.upstream), { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return res.ok;
    } catch {
      return false;
    }
  }
}
