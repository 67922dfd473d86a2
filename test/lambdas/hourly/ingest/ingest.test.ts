import { noRejections } from "#hourly/cleaning";
import { observationSchema } from "#hourly/observation";
import { FetchFailure } from "#shared/net/fetch-failure";
import type { OutputMessage } from "#shared/outcome";
import { type IngestDeps, ingestHour, TransientIngestFailure } from "../../../../lambdas/hourly/ingest/ingest";
import { MemoryRuns } from "./fake-runs";

const HEADER = "station,time,temp,dwpt,rhum,prcp,wdir,wspd,pres";
const CSV = [
  HEADER,
  "10637,2026-11-29 10:00:00,4.2,1.1,80,0.3,250,11.2,1013.4",
  "10729,2026-11-29 10:00:00,3.9,,,,,,",
  "10637,2026-11-29 10:00:00,4.2,1.1,80,0.3,250,11.2,1013.4",
  "10729,2026-11-29 10:00:00,9.9,,,,,,",
  "10865,2026-11-29 10:00:00,warm,,,,,,",
  "",
].join("\n");

function harness(body: () => Promise<string>) {
  const runs = new MemoryRuns();
  const published: (readonly OutputMessage[])[] = [];
  const lines: { level: string; message: string; keys: Record<string, unknown> }[] = [];
  let keys: Record<string, unknown> = {};
  let clock = Date.parse("2026-11-29T11:00:05Z");
  const deps: IngestDeps = {
    sourceUrlTemplate: "http://127.0.0.1:4580/hourly/observations/{hour}.csv",
    fetchText: async () => body(),
    publish: async (messages) => {
      published.push(messages);
    },
    runs,
    log: {
      appendKeys: (k: Record<string, unknown>) => {
        keys = { ...keys, ...k };
      },
      info: (message: string) => lines.push({ level: "info", message, keys }),
      warn: (message: string) => lines.push({ level: "warn", message, keys }),
      error: (message: string) => lines.push({ level: "error", message, keys }),
    } as IngestDeps["log"],
    now: () => {
      clock += 10;
      return clock;
    },
  };
  return { deps, runs, published, lines };
}

const scheduled = { scheduledTime: "2026-11-29T11:00:00Z", runId: "exec-1" };

test("an hour's rows are cleaned, produced in one batch keyed by station, and recorded", async () => {
  const h = harness(async () => CSV);
  const result = await ingestHour(scheduled, "req-1", h.deps);
  expect(result).toEqual({ hour: "2026-11-29T10", attempt: 1, status: "published", fetched: 5, kept: 2, published: 2 });
  expect(h.published).toHaveLength(1);
  expect(h.published[0]?.map((m) => m.key)).toEqual(["10637", "10729"]);
  for (const m of h.published[0] ?? []) observationSchema.parse(m.value);
  expect(h.runs.all()).toEqual([
    expect.objectContaining({
      hour: "2026-11-29T10",
      id: "exec-1#01",
      attempt: 1,
      status: "published",
      sourceUrl: "http://127.0.0.1:4580/hourly/observations/2026-11-29T10.csv",
      fetched: 5,
      kept: 2,
      published: 2,
      rejected: { ...noRejections(), "duplicate-row": 1, "duplicate-key": 1, "invalid-number": 1 },
      durationMs: expect.any(Number),
    }),
  ]);
  expect(h.lines.every((l) => l.keys.hour === "2026-11-29T10" && l.keys.attempt === 1)).toBe(true);
});

test("a transient failure throws with its cause, is recorded, and the retry is the next attempt", async () => {
  let calls = 0;
  const h = harness(async () => {
    calls++;
    if (calls <= 2) throw new FetchFailure("http-error", "HTTP 503", { url: "u", status: 503 });
    return CSV;
  });
  const first = ingestHour(scheduled, "req-a", h.deps);
  await expect(first).rejects.toThrow(TransientIngestFailure);
  await expect(first).rejects.toHaveProperty("cause.status", 503);
  await expect(ingestHour(scheduled, "req-b", h.deps)).rejects.toThrow(/HTTP 503/);
  const third = await ingestHour(scheduled, "req-c", h.deps);
  expect(third).toMatchObject({ attempt: 3, status: "published", kept: 2 });
  expect(h.runs.all().map((r) => [r.id, r.status])).toEqual([
    ["exec-1#01", "failed"],
    ["exec-1#02", "failed"],
    ["exec-1#03", "published"],
  ]);
  expect(h.lines.filter((l) => l.level === "error").map((l) => l.keys.attempt)).toEqual([1, 2]);
});

test.each([
  ["a timeout", new FetchFailure("timeout", "deadline", { url: "u" })],
  ["a network error", new FetchFailure("network-error", "reset", { url: "u" })],
])("%s is transient", async (_name, failure) => {
  const h = harness(async () => {
    throw failure;
  });
  await expect(ingestHour(scheduled, "r", h.deps)).rejects.toThrow(TransientIngestFailure);
});

test("a body cut short is transient", async () => {
  const h = harness(async () => CSV.slice(0, CSV.length - 10));
  await expect(ingestHour(scheduled, "r", h.deps)).rejects.toThrow(/cut short/);
  expect(h.published).toHaveLength(0);
  expect(h.runs.all()[0]?.status).toBe("failed");
});

test("a failed produce is transient and keeps Kafka's error as its cause", async () => {
  const h = harness(async () => CSV);
  const broker = new Error("broker down");
  h.deps.publish = async () => {
    throw broker;
  };
  const run = ingestHour(scheduled, "r", h.deps);
  await expect(run).rejects.toThrow(TransientIngestFailure);
  await expect(run).rejects.toHaveProperty("cause", broker);
});

test.each([
  ["a wrong header", async () => "date,value\n2026-11-29,1\n", "bad-header"],
  ["an empty file", async () => "", "empty-file"],
  ["an unclosed quote", async () => `${HEADER}\n"10637,2026\n`, "malformed-csv"],
  [
    "a 404",
    async () => {
      throw new FetchFailure("http-error", "HTTP 404", { url: "u", status: 404 });
    },
    "http-error",
  ],
  [
    "a file over the cap",
    async () => {
      throw new FetchFailure("too-large", "too large", { url: "u" });
    },
    "too-large",
  ],
])("%s is a recorded outcome, not a retry", async (_name, body, reason) => {
  const h = harness(body);
  await expect(ingestHour(scheduled, "r", h.deps)).resolves.toMatchObject({ status: "rejected-file", reason });
  expect(h.published).toHaveLength(0);
  expect(h.runs.all()).toEqual([expect.objectContaining({ status: "rejected-file", reason })]);
});

test("running a published hour again produces nothing and says so", async () => {
  const h = harness(async () => CSV);
  await ingestHour({ hour: "2026-11-29T10", runId: "backfill-1" }, "r1", h.deps);
  const again = await ingestHour({ hour: "2026-11-29T10", runId: "backfill-2" }, "r2", h.deps);
  expect(again).toMatchObject({ status: "already-published", attempt: 1, published: 0 });
  expect(h.published).toHaveLength(1);
});

test("an event without a runId counts attempts by the request id", async () => {
  const h = harness(async () => CSV);
  await ingestHour({ hour: "2026-11-29T10" }, "req-9", h.deps);
  expect(h.runs.all()[0]?.id).toBe("req-9#01");
});
