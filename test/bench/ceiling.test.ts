/** The ceiling benchmark's pure parts: reading kafka-consumer-perf-test's report, and summarising the reads. */
import { type Sample, summarize } from "../../bench/ceiling";
import { parseConsumerPerformance } from "../../bench/ceiling/perf-tools";

it("reads kafka-consumer-perf-test's CSV line by its header, past a warning printed before it", () => {
  const output = [
    "WARNING: option [messages] is deprecated",
    "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec",
    "2026-11-29 22:21:02:123, 2026-11-29 22:21:04:567, 48.8281, 19.98, 200000, 81833.06, 3012, 2383, 20.49, 83928.66",
    "",
  ].join("\n");
  const row = parseConsumerPerformance(output);
  expect(row["data.consumed.in.nMsg"]).toBe("200000");
  expect(row["fetch.nMsg.sec"]).toBe("83928.66");
  expect(row["fetch.time.ms"]).toBe("2383");
  expect(() => parseConsumerPerformance("Exception in thread main")).toThrow(
    /unexpected kafka-consumer-perf-test output/,
  );
});

const sample = (
  consumer: Sample["consumer"],
  recordsPerSecond: number,
  windowSeconds: number,
  records = 4_000_000,
) => ({
  consumer,
  rep: 1,
  records,
  recordsPerSecond,
  windowSeconds,
  cpuMicrosPerRecord: 2,
  load1: 1,
});

it("gives each consumer's median and spread, and distrusts a short window or a small read", () => {
  const [kafkajs, platformatic] = summarize(
    [
      sample("kafkajs", 150_000, 26),
      sample("platformatic", 400_000, 10),
      sample("kafkajs", 170_000, 23),
      sample("platformatic", 380_000, 9.5),
      sample("kafkajs", 160_000, 25),
      sample("platformatic", 390_000, 10.2),
    ],
    { minSeconds: 10, minRecords: 200_000 },
  );
  expect(kafkajs).toMatchObject({
    consumer: "kafkajs",
    medianRecordsPerSecond: 160_000,
    minRecordsPerSecond: 150_000,
    maxRecordsPerSecond: 170_000,
    shortestWindowSeconds: 23,
    trusted: true,
  });
  expect(platformatic).toMatchObject({ medianRecordsPerSecond: 390_000, shortestWindowSeconds: 9.5, trusted: false });
  const [small] = summarize([sample("perf-test", 90_000, 12, 150_000)], { minSeconds: 10, minRecords: 200_000 });
  expect(small?.trusted).toBe(false);
});
