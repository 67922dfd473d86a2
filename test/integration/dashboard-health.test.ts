/**
 * The dashboard's health page on the local stack. An own hour goes through the hourly pipeline, so its two
 * functions run (ingest, invoked asynchronously, and the Kafka-fed lake writer); the page's data must then list each
 * with its invocations (the local Lambda service publishes
 * AWS/Lambda metrics every 10 s, so the test waits for them), and one mapping per Kafka event-source mapping the
 * Lambda API lists for those functions, with its OffsetLag.
 */
import { ListEventSourceMappingsCommand } from "@aws-sdk/client-lambda";
import { awsClients, stackOutputs } from "#local/support/aws";
import { waitFor } from "#local/support/proc";
import type { HealthView } from "../../lambdas/dashboard/api/health-types";
import { cfg } from "./helpers";
import { api, type BrowserSession, browserSession, PHONE } from "./support/browser";
import { expectSettledAndClean } from "./support/dashboard-page";
import { seedHour } from "./support/dashboard-seed";

jest.setTimeout(10 * 60_000);

const FUNCTIONS = ["HourlyIngestFunctionName", "LakeWriterFunctionName"];
let outputs: Record<string, string>;
let session: BrowserSession;
let functions: string[];
let view: HealthView;

beforeAll(async () => {
  outputs = await stackOutputs(cfg, cfg.stackPrefix);
  session = await browserSession();
  functions = FUNCTIONS.map((k) => outputs[k] as string);
  await seedHour(outputs);
  // Until every stage's invocations have been published (the service's metrics flush every 10 s).
  view = await waitFor(
    `invocations of ${functions.join(", ")}`,
    async () => {
      const current = await api<HealthView>(session.urls, "api/health?minutes=15");
      const ran = new Set(current.functions.filter((f) => f.invocations > 0).map((f) => f.name));
      return functions.every((f) => ran.has(f)) ? current : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 2000 },
  );
});

afterAll(async () => {
  await session?.close();
});

describe("the health API", () => {
  test("lists the functions that ran, each with invocations and a duration", () => {
    for (const name of functions) {
      const f = view.functions.find((g) => g.name === name);
      expect(f?.invocations).toBeGreaterThan(0);
      expect(f?.durationAvgMs).toBeGreaterThan(0);
      expect(f?.durationMaxMs).toBeGreaterThanOrEqual(f?.durationAvgMs ?? 0);
      expect(f?.series.invocations).toHaveLength(view.timestamps.length);
    }
    for (const f of view.functions) expect(f.name.startsWith(`${cfg.stackPrefix}-`)).toBe(true);
  });

  test("one mapping per Kafka event-source mapping of those functions, with its OffsetLag", async () => {
    const lambda = awsClients(cfg).lambda;
    for (const name of functions) {
      const { EventSourceMappings = [] } = await lambda.send(
        new ListEventSourceMappingsCommand({ FunctionName: name }),
      );
      const shown = view.mappings.filter((m) => m.functionName === name).map((m) => m.uuid);
      expect(shown.sort()).toEqual(EventSourceMappings.map((m) => m.UUID).sort());
      for (const m of view.mappings.filter((n) => n.functionName === name)) {
        expect(m.offsetLagMax).not.toBeNull();
        expect(m.errors).toBe(view.functions.find((f) => f.name === name)?.errors);
      }
    }
  });
});

describe("the health page", () => {
  test.each([
    ["desktop", undefined],
    ["phone", PHONE],
  ])("on a %s it lists the functions that ran and the mappings, with no console error", async (_n, viewport) => {
    const opened = await session.open("#/health?minutes=15", { viewport });
    const { page, close } = opened;
    try {
      const table = page.locator('table[data-table="health-functions"]');
      await table.locator("tbody tr td").first().waitFor();
      const names = await table
        .locator("tbody tr")
        .evaluateAll((trs) => trs.map((tr) => tr.querySelector("td")?.textContent ?? ""));
      for (const f of functions) expect(names).toContain(f);
      const current = await api<HealthView>(session.urls, "api/health?minutes=15");
      expect(names.sort()).toEqual(
        current.functions
          .filter((f) => f.invocations > 0 || f.errors > 0)
          .map((f) => f.name)
          .sort(),
      );
      const lake = outputs.LakeWriterFunctionName as string;
      const mappings = page.locator('table[data-table="health-mappings"] tbody tr');
      await mappings.first().waitFor();
      expect(await mappings.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining(lake)]));
      const text = await page.locator('[data-chart-text="health-invocations"] li').allTextContents();
      expect(text.some((t) => t.startsWith(`${lake}: `))).toBe(true);
      await expectSettledAndClean(opened);
    } finally {
      await close();
    }
  });
});
