/**
 * The dashboard's lake page on the local stack and in a real browser. An own, normal hour is run through the hourly
 * pipeline (ingest invoked asynchronously, as the schedule does; the lake writer fed by Kafka). The API must hold
 * that hour's run as the runs table has it and as the sample declares it, the partition's rows as DuckDB reads the
 * lake, and the alarms the stacks define; the page must show the same, with no console error, at a phone's width too.
 */
import { ListStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { awsClients, stackOutputs } from "#local/support/aws";
import type { LakeView } from "../../lambdas/dashboard/api/lake-types";
import { cfg } from "./helpers";
import { api, type BrowserSession, browserSession, PHONE } from "./support/browser";
import { expectSettledAndClean } from "./support/dashboard-page";
import { type SeededHour, seedHour } from "./support/dashboard-seed";

jest.setTimeout(10 * 60_000);

let outputs: Record<string, string>;
let seeded: SeededHour;
let session: BrowserSession;
const lakePath = () => `api/lake?hours=3&end=${seeded.hour}`;

beforeAll(async () => {
  outputs = await stackOutputs(cfg, cfg.stackPrefix);
  seeded = await seedHour(outputs);
  session = await browserSession();
});

afterAll(async () => {
  await session?.close();
});

describe("the lake API", () => {
  test("the hour's run is the runs table's, with the sample's declared counts", async () => {
    const view = await api<LakeView>(session.urls, lakePath());
    const { Items = [] } = await awsClients(cfg).documents.send(
      new QueryCommand({
        TableName: outputs.HourlyRunsTableName,
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
    const view = await api<LakeView>(session.urls, lakePath());
    expect(view.window).toEqual({ first: view.partitions[0]?.hour, last: seeded.hour, hours: 3 });
    const own = view.partitions.find((p) => p.hour === seeded.hour);
    expect(own).toMatchObject({ rows: seeded.lakeRows, published: seeded.declared.kept });
    expect(own?.objects).toBeGreaterThan(0);
    for (const p of view.partitions.filter((q) => q.hour !== seeded.hour)) {
      expect(p).toEqual({ hour: p.hour, objects: 0, rows: 0, published: null });
    }
  });

  test("the alarms are the ones the stacks define", async () => {
    const view = await api<LakeView>(session.urls, "api/lake?hours=1");
    const cfn = awsClients(cfg).cloudFormation;
    const defined: string[] = [];
    for (const s of ["data", "pipeline", "analytics", "hourly", "dashboard"]) {
      const { StackResourceSummaries = [] } = await cfn.send(
        new ListStackResourcesCommand({ StackName: `${cfg.stackPrefix}-${s}` }),
      );
      for (const r of StackResourceSummaries) {
        if (r.ResourceType === "AWS::CloudWatch::Alarm" && r.PhysicalResourceId) defined.push(r.PhysicalResourceId);
      }
    }
    expect(defined.length).toBeGreaterThan(0);
    expect(view.alarms.map((a) => a.name).sort()).toEqual(defined.sort());
    for (const a of view.alarms) expect(["OK", "ALARM", "INSUFFICIENT_DATA"]).toContain(a.state);
  });

  test("a bad window is a 400 that names the field", async () => {
    const res = await fetch(new URL("api/lake?hours=500", session.urls.pathUrl));
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("hours");
  });
});

describe("the lake page", () => {
  test.each([
    ["desktop", undefined],
    ["phone", PHONE],
  ])("on a %s it shows the hour's run, its rows and the alarms, with no console error", async (_name, viewport) => {
    const opened = await session.open(`#/lake?hours=3&end=${seeded.hour}`, { viewport });
    const { page, close } = opened;
    try {
      const view = await api<LakeView>(session.urls, lakePath());
      const runs = page.locator('table[data-table="lake-runs"]');
      await runs.locator("tbody tr td").first().waitFor();
      const shown = await runs
        .locator("tbody tr")
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
      expect(shown.map((cells) => cells.slice(0, 3))).toEqual(
        view.runs.map((r) => [r.hour, String(r.attempt), r.status]),
      );
      expect(shown[0]?.[4]).toBe(seeded.declared.kept.toLocaleString("en"));

      const text = page.locator('[data-chart-text="lake-rows"] li');
      await text.first().waitFor({ state: "attached" });
      expect(await text.allTextContents()).toContain(
        `rows in the lake, ${new Date(`${seeded.hour}:00:00Z`).toISOString()}: ${seeded.lakeRows.toLocaleString("en")}`,
      );
      const alarms = page.locator('table[data-table="lake-alarms"] tbody tr');
      await alarms.first().waitFor();
      expect(await alarms.count()).toBe(view.alarms.length);
      await expectSettledAndClean(opened);
    } finally {
      await close();
    }
  });
});
