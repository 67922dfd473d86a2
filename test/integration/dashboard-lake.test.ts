/**
 * The dashboard's lake page on the local stack. An own, normal hour is run through the hourly pipeline (ingest
 * invoked asynchronously, as the schedule does; the lake writer fed by Kafka); the page's data must hold that hour's
 * run as the runs table has it and as the sample declares it, the partition's rows as DuckDB reads the lake, and
 * the alarms the stacks define.
 */
import { ListStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { awsClients, stackOutputs } from "#local/support/aws";
import { type LakeDeps, lakeQuerySchema, readLake } from "../../lambdas/dashboard/api/lake";
import { cfg } from "./helpers";
import { type SeededHour, seedHour } from "./support/dashboard-seed";

jest.setTimeout(10 * 60_000);

let outputs: Record<string, string>;
let seeded: SeededHour;
let deps: LakeDeps;

beforeAll(async () => {
  outputs = await stackOutputs(cfg, cfg.stackPrefix);
  const clients = awsClients(cfg);
  deps = {
    db: clients.documents,
    s3: clients.s3,
    cloudWatch: clients.cloudWatch,
    runsTable: outputs.HourlyRunsTableName as string,
    lakeBucket: outputs.LakeBucketName as string,
    alertsTopicArn: outputs.AlertsTopicArn as string,
    now: () => new Date(),
  };
  seeded = await seedHour(outputs);
});

describe("the lake API", () => {
  test("the hour's run is the runs table's, with the sample's declared counts", async () => {
    const view = await readLake(deps, lakeQuerySchema.parse({ hours: "3", end: seeded.hour }));
    const { Items = [] } = await awsClients(cfg).documents.send(
      new QueryCommand({
        TableName: deps.runsTable,
        KeyConditionExpression: "#h = :h",
        ExpressionAttributeNames: { "#h": "hour" },
        ExpressionAttributeValues: { ":h": seeded.hour },
        ConsistentRead: true,
      }),
    );
    expect(view.runs.map((r) => [r.hour, r.runId, r.attempt, r.status])).toEqual(
      Items.map((i) => [i.hour, i.runId, i.attempt, i.status]),
    );
    expect(view.runs).toEqual([
      expect.objectContaining({
        hour: seeded.hour,
        runId: seeded.runId,
        attempt: 1,
        status: "published",
        fetched: seeded.declared.fetched,
        kept: seeded.declared.kept,
        published: seeded.declared.kept,
        rejected: Object.fromEntries(Object.entries(seeded.declared.rejected).filter(([, n]) => n > 0)),
      }),
    ]);
  });

  test("rows per partition: the footers' count is DuckDB's, with the run's published rows beside it", async () => {
    const view = await readLake(deps, lakeQuerySchema.parse({ hours: "3", end: seeded.hour }));
    expect(view.window).toEqual({ first: view.partitions[0]?.hour, last: seeded.hour, hours: 3 });
    const own = view.partitions.find((p) => p.hour === seeded.hour);
    expect(own).toMatchObject({ rows: seeded.lakeRows, published: seeded.declared.kept });
    expect(own?.objects).toBeGreaterThan(0);
    for (const p of view.partitions.filter((q) => q.hour !== seeded.hour)) {
      expect(p).toEqual({ hour: p.hour, objects: 0, rows: 0, published: null });
    }
  });

  test("the alarms are the ones the stacks define", async () => {
    const view = await readLake(deps, lakeQuerySchema.parse({ hours: "1" }));
    const cfn = awsClients(cfg).cloudFormation;
    const stacks = ["data", "pipeline", "analytics", "hourly"].map((s) => `${cfg.stackPrefix}-${s}`);
    const defined: string[] = [];
    for (const StackName of stacks) {
      const { StackResourceSummaries = [] } = await cfn.send(new ListStackResourcesCommand({ StackName }));
      for (const r of StackResourceSummaries) {
        if (r.ResourceType === "AWS::CloudWatch::Alarm" && r.PhysicalResourceId) defined.push(r.PhysicalResourceId);
      }
    }
    expect(defined.length).toBeGreaterThan(0);
    expect(view.alarms.map((a) => a.name).sort()).toEqual(defined.sort());
    for (const a of view.alarms) expect(["OK", "ALARM", "INSUFFICIENT_DATA"]).toContain(a.state);
  });
});
