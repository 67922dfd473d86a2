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
import { type HealthDeps, type HealthView, healthQuerySchema, readHealth } from "../../lambdas/dashboard/api/health";
import { cfg } from "./helpers";
import { seedHour } from "./support/dashboard-seed";

jest.setTimeout(10 * 60_000);

const FUNCTIONS = ["HourlyIngestFunctionName", "LakeWriterFunctionName"];
let outputs: Record<string, string>;
let deps: HealthDeps;
let functions: string[];
let view: HealthView;

beforeAll(async () => {
  outputs = await stackOutputs(cfg, cfg.stackPrefix);
  deps = { cloudWatch: awsClients(cfg).cloudWatch, functionPrefix: `${cfg.stackPrefix}-`, now: () => new Date() };
  functions = FUNCTIONS.map((k) => outputs[k] as string);
  await seedHour(outputs);
  // Until every stage's invocations have been published (the service's metrics flush every 10 s).
  view = await waitFor(
    `invocations of ${functions.join(", ")}`,
    async () => {
      const current = await readHealth(deps, healthQuerySchema.parse({ minutes: "15" }));
      const ran = new Set(current.functions.filter((f) => f.invocations > 0).map((f) => f.name));
      return functions.every((f) => ran.has(f)) ? current : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 2000 },
  );
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
