/**
 * The lake writer on the local stack: observations produced to `observations` (standing in for ingest,
 * keyed by station) must come back from the lake, read by DuckDB with Hive partitioning, row for row in
 * the partition of their own hour; an invalid record is left out. Then one Kafka batch invoked twice
 * through the Lambda API (a redelivery) must leave the same objects with the same bytes and rows.
 */
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import type { Observation } from "#hourly/observation";
import { lakePartitions, queryLake } from "#local/jobs/hourly/lake";
import { adminKafka } from "#local/launchers/kafka-client";
import { awsClients, stackOutputs } from "#local/support/aws";
import { listObjects } from "#shared/s3-objects";
import { cfg, unique } from "./helpers";

jest.setTimeout(10 * 60_000);

const log = (m: string): void => {
  process.stderr.write(`[hourly-lake] ${m}\n`);
};

/** A date of this run's own (some day of 2001-2027), so its partitions hold only this test's rows. */
function ownDay(): string {
  const day = new Date(Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 9_800) * 86_400_000);
  return day.toISOString().slice(0, 10);
}

function observations(day: string, tag: string): Observation[] {
  const run = { hour: `${day}T13`, attempt: 1 };
  const list: Observation[] = [];
  for (let s = 0; s < 4; s++) {
    for (const hour of ["13", "14"]) {
      for (const minute of ["00", "30"]) {
        list.push({
          station: `${tag}-${s}`,
          time: `${day}T${hour}:${minute}:00.000Z`,
          temp: s === 1 ? null : 4.5 + s,
          dwpt: 1.25,
          rhum: 80 - s,
          prcp: s === 2 ? null : 0.1,
          wdir: 230,
          wspd: 14.8,
          pres: s === 3 ? null : 1012.3,
          run,
        });
      }
    }
  }
  return list;
}

describe("the lake writer", () => {
  let outputs: Record<string, string>;
  let bucket: string;
  const topic = "observations";

  beforeAll(async () => {
    outputs = await stackOutputs(cfg, cfg.stackPrefix);
    bucket = outputs.LakeBucketName as string;
    expect(outputs.LakeWriterFunctionName).toBeDefined();
  });

  test("produced observations land in their own hour's partition, row for row; an invalid one is left out", async () => {
    const day = ownDay();
    const sent = observations(day, unique("ST"));
    const producer = adminKafka(cfg, "sluice-test-producer").producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const started = Date.now();
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: [
          ...sent.map((o) => ({ key: o.station, value: JSON.stringify(o) })),
          { key: "bad", value: JSON.stringify({ station: "bad", time: `${day}T13:00:00Z` }) },
        ],
      });
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
    const prefix = `lake/observations/dt=${day}/`;
    let parts = await lakePartitions(cfg, outputs, prefix);
    while (parts.reduce((n, p) => n + p.rows, 0) < sent.length && Date.now() - started < 180_000) {
      await new Promise((r) => setTimeout(r, 1_000));
      parts = await lakePartitions(cfg, outputs, prefix);
    }
    log(
      `${sent.length} observations in the lake after ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(parts)}`,
    );
    expect(parts.map((p) => [p.dt, p.hour, p.rows])).toEqual([
      [day, "13", 8],
      [day, "14", 8],
    ]);

    const { rows } = await queryLake(
      cfg,
      bucket,
      `SELECT dt, hour, station, strftime(time, '%Y-%m-%dT%H:%M:%S.000Z') AS time, temp, dwpt, rhum, prcp, wdir, wspd, pres,
              run_hour, run_attempt FROM lake ORDER BY station, time`,
      prefix,
    );
    const want = [...sent]
      .sort((a, b) => a.station.localeCompare(b.station) || a.time.localeCompare(b.time))
      .map((o) => ({
        dt: day,
        hour: o.time.slice(11, 13),
        station: o.station,
        time: o.time,
        temp: o.temp,
        dwpt: o.dwpt,
        rhum: o.rhum,
        prcp: o.prcp,
        wdir: o.wdir,
        wspd: o.wspd,
        pres: o.pres,
        run_hour: o.run.hour,
        run_attempt: o.run.attempt,
      }));
    expect(rows).toEqual(want);
  });

  test("one batch delivered twice leaves the same objects, bytes and rows", async () => {
    const day = ownDay();
    const sent = observations(day, unique("RD"));
    const event = {
      eventSource: "SelfManagedKafka",
      bootstrapServers: cfg.kafka.bootstrapServers,
      records: {
        [`${topic}-0`]: sent.map((o, i) => ({
          topic,
          partition: 0,
          // Offsets far beyond what the topic holds; the day is this test's own anyway.
          offset: 9_000_000_000 + i,
          timestamp: Date.now(),
          timestampType: "CREATE_TIME",
          key: Buffer.from(o.station).toString("base64"),
          value: Buffer.from(JSON.stringify(o)).toString("base64"),
          headers: [],
        })),
      },
    };
    const invoke = async () => {
      const res = await awsClients(cfg).lambda.send(
        new InvokeCommand({ FunctionName: outputs.LakeWriterFunctionName, Payload: JSON.stringify(event) }),
      );
      expect(res.FunctionError).toBeUndefined();
      return JSON.parse(Buffer.from(res.Payload ?? []).toString()) as unknown;
    };
    const prefix = `lake/observations/dt=${day}/`;
    const objects = async () => {
      const { s3 } = awsClients(cfg);
      const keys = (await listObjects(s3, bucket, prefix)).map((o) => o.key).sort();
      const etags = await Promise.all(
        keys.map(async (Key) => (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key }))).ETag),
      );
      return keys.map((key, i) => ({ key, etag: etags[i] }));
    };

    expect(await invoke()).toEqual({ batchItemFailures: [] });
    const once = await objects();
    const rowsOnce = await lakePartitions(cfg, outputs, prefix);
    expect(once.map((o) => o.key)).toEqual([
      `lake/observations/dt=${day}/hour=13/observations-0-00000000009000000000.parquet`,
      `lake/observations/dt=${day}/hour=14/observations-0-00000000009000000002.parquet`,
    ]);
    expect(rowsOnce.map((p) => [p.hour, p.objects, p.rows])).toEqual([
      ["13", 1, 8],
      ["14", 1, 8],
    ]);

    expect(await invoke()).toEqual({ batchItemFailures: [] });
    expect(await objects()).toEqual(once);
    expect(await lakePartitions(cfg, outputs, prefix)).toEqual(rowsOnce);
  });
});
