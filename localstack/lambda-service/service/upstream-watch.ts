/**
 * Whether LocalStack, the emulated region behind this service, answers. The API's proxy reports each request it
 * could not forward; from then on the watch probes LocalStack's health endpoint until it answers again. Kafka
 * mappings ask it whether an outage overlapped a failed invocation (see EmulationOutages).
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
    if (this.downSince !== undefined || this.stopped) return;
    this.begun++;
    this.downSince = Date.now();
    this.options.log("warn", "LocalStack does not answer; Kafka batches that fail meanwhile wait for it", {
      upstream: this.upstream.origin,
      error: error.message,
    });
    void this.probeUntilUp();
  }

  stop(): void {
    this.stopped = true;
  }

  private async probeUntilUp(): Promise<void> {
    while (!this.stopped && !(await this.answers())) {
      await new Promise((resolve) => setTimeout(resolve, this.options.probeMs ?? 500).unref());
    }
    const downMs = Date.now() - (this.downSince ?? Date.now());
    this.downSince = undefined;
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
