import { MAX_ATTEMPTS, type RunRecord, type RunRecords, recordId } from "#hourly/run-records";

/** The run table in memory, with the DynamoDB version's conditional claim of attempts. */
export class MemoryRuns implements RunRecords {
  readonly items = new Map<string, RunRecord>();

  async begin(start: { hour: string; runId: string; sourceUrl: string; startedAt: string }): Promise<number> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const id = recordId(start.runId, attempt);
      const key = `${start.hour}|${id}`;
      if (this.items.has(key)) continue;
      this.items.set(key, { ...start, id, attempt, status: "running" });
      return attempt;
    }
    throw new Error("out of attempts");
  }

  async published(hour: string): Promise<boolean> {
    return this.all().some((r) => r.hour === hour && r.status === "published");
  }

  async finish(key: { hour: string; runId: string; attempt: number }, outcome: Partial<RunRecord>): Promise<void> {
    const k = `${key.hour}|${recordId(key.runId, key.attempt)}`;
    const item = this.items.get(k);
    if (!item) throw new Error(`no record ${k}`);
    this.items.set(k, { ...item, ...outcome } as RunRecord);
  }

  all(): RunRecord[] {
    return [...this.items.values()];
  }
}
