/**
 * Schedules on the real local service: a Scheduler schedule and a scheduled rule fire their function through
 * `sluice schedule run` and through the test clock (never waiting real minutes), with the Input and the
 * scheduled event AWS sends; a failed hand-off ends in a real SQS dead-letter queue; and Kafka mappings the
 * service cannot honour (schema registry, TLS authentication) are refused by name rather than run.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { loadLocalConfig } from "#local/config";
import { writeSyntheticAssembly } from "#local/lambda-service/synthetic-assembly";
import { awsClients } from "#local/support/aws";
import { waitFor } from "#local/support/proc";
import { startTestService, type TestService } from "./support/service";

const work = mkdtempSync(join(tmpdir(), "sluice-schedules-"));
const recordFile = join(work, "events.jsonl");
const suffix = Date.now().toString(36);
const functionName = `sched-recorder-${suffix}`;
const scheduleName = `nightly-${suffix}`;
const ruleName = `tick-${suffix}`;
const orphanName = `orphan-${suffix}`;
const queueName = `sched-dlq-${suffix}`;
const base = loadLocalConfig();
const sqs = awsClients(base).sqs;
let service: TestService | undefined;
let queueUrl: string | undefined;

beforeAll(async () => {
  process.env.SLUICE_TEST_CLOCK = "1";
  process.env.SLUICE_SCHEDULER_RETRY_DELAY_MS = "50";
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl;
  const assemblyDir = join(work, "cdk.out");
  writeSyntheticAssembly(assemblyDir, {
    functions: [
      {
        logicalId: "Recorder",
        functionName,
        codeDir: resolve(__dirname, "fixtures/event-recorder"),
        environment: { RECORD_FILE: recordFile },
      },
    ],
    schedules: [
      {
        kind: "schedule",
        logicalId: "Nightly",
        name: scheduleName,
        expression: "cron(30 2 * * ? *)",
        functionLogicalId: "Recorder",
        target: { Input: '{"job":"nightly","at":"<aws.scheduler.scheduled-time>"}' },
        properties: { ScheduleExpressionTimezone: "Europe/Berlin" },
      },
      {
        kind: "rule",
        logicalId: "Tick",
        name: ruleName,
        expression: "rate(5 minutes)",
        functionLogicalId: "Recorder",
      },
      {
        kind: "schedule",
        logicalId: "Orphan",
        name: orphanName,
        expression: "rate(1 day)",
        targetArn: `arn:aws:lambda:${base.region}:${base.accountId}:function:missing-${suffix}`,
        target: {
          Input: '{"job":"orphan"}',
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
          DeadLetterConfig: { Arn: `arn:aws:sqs:${base.region}:${base.accountId}:${queueName}` },
        },
        properties: { State: "DISABLED" },
      },
    ],
    mappings: [
      {
        logicalId: "RegistryFeed",
        functionLogicalId: "Recorder",
        topic: `registry-${suffix}`,
        bootstrapServers: [...base.kafka.brokerList],
        extraProperties: {
          SelfManagedKafkaEventSourceConfig: {
            SchemaRegistryConfig: { SchemaRegistryURI: "https://registry.invalid", EventRecordFormat: "JSON" },
          },
        },
      },
      {
        logicalId: "MtlsFeed",
        functionLogicalId: "Recorder",
        topic: `mtls-${suffix}`,
        bootstrapServers: [...base.kafka.brokerList],
        extraProperties: {
          SourceAccessConfigurations: [
            {
              Type: "CLIENT_CERTIFICATE_TLS_AUTH",
              URI: `arn:aws:secretsmanager:${base.region}:${base.accountId}:secret:c`,
            },
          ],
        },
      },
    ],
  });
  service = await startTestService({ assemblyDir });
  await service.loaded();
});

afterAll(async () => {
  await service?.dispose();
  if (queueUrl) await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  delete process.env.SLUICE_TEST_CLOCK;
  delete process.env.SLUICE_SCHEDULER_RETRY_DELAY_MS;
  rmSync(work, { recursive: true, force: true });
});

function recorded(): Array<Record<string, unknown>> {
  if (!existsSync(recordFile)) return [];
  return readFileSync(recordFile, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function waitForEvents(count: number): Promise<Array<Record<string, unknown>>> {
  return waitFor(`${count} recorded events`, async () => (recorded().length >= count ? recorded() : undefined), {
    timeoutMs: 30_000,
    intervalMs: 100,
  });
}

async function scheduleStatus(name: string) {
  const status = await service?.status();
  const found = status?.schedules.find((s) => s.name === name);
  if (!found) throw new Error(`schedule ${name} is not in the status`);
  return found;
}

test("refuses, by name, the Kafka mappings with a schema registry or TLS authentication", async () => {
  const status = await service?.status();
  expect(status?.mappings).toEqual([]);
  expect(status?.unhonoured).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        logicalId: "RegistryFeed",
        property: "SelfManagedKafkaEventSourceConfig.SchemaRegistryConfig",
        action: "refused",
      }),
      expect.objectContaining({
        logicalId: "MtlsFeed",
        property: "SourceAccessConfigurations[0] CLIENT_CERTIFICATE_TLS_AUTH",
        action: "refused",
      }),
    ]),
  );
});

test("`sluice schedule run` fires a schedule now with its Input", async () => {
  const before = recorded().length;
  const cli = resolve(__dirname, "../../localstack/cli.ts");
  const { stdout } = await promisify(execFile)("npx", ["tsx", cli, "schedule", "run", scheduleName], {
    env: { ...process.env, SLUICE_PORT: String(service?.cfg.endpoint.port) },
  });
  expect(stdout).toContain(`fired ${scheduleName}`);
  const events = await waitForEvents(before + 1);
  expect(events[before]).toEqual({ job: "nightly", at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
});

test("`sluice schedule run --at` fires a schedule as if due then; a bad time is refused before anything fires", async () => {
  const before = recorded().length;
  const cli = resolve(__dirname, "../../localstack/cli.ts");
  const env = { ...process.env, SLUICE_PORT: String(service?.cfg.endpoint.port) };
  const { stdout } = await promisify(execFile)(
    "npx",
    ["tsx", cli, "schedule", "run", scheduleName, "--at", "2026-11-29T13:00:00+01:00"],
    { env },
  );
  expect(stdout).toContain(`fired ${scheduleName}`);
  expect(stdout).toContain("at scheduled time 2026-11-29T12:00:00Z");
  const events = await waitForEvents(before + 1);
  expect(events[before]).toEqual({ job: "nightly", at: "2026-11-29T12:00:00Z" });

  const refused = await promisify(execFile)("npx", ["tsx", cli, "schedule", "run", scheduleName, "--at", "noon"], {
    env,
  }).catch((error: { code: number; stderr: string }) => error);
  expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('"noon" is not a scheduled time') });
  const res = await fetch(`${service?.cfg.endpoint.url}/_sluice/schedules/${scheduleName}/run`, {
    method: "POST",
    body: JSON.stringify({ at: "2026-11-31T00:00:00Z" }),
  });
  expect(res.status).toBe(400);
  expect(await res.text()).toContain("is not a real date and time");
  expect(recorded()).toHaveLength(before + 1);
});

test("the test clock fires the schedule at its next firing, and the rule with the scheduled event", async () => {
  const nightly = await scheduleStatus(scheduleName);
  const tick = await scheduleStatus(ruleName);
  expect(nightly.zone).toBe("Europe/Berlin");
  const nightlyAt = Date.parse(nightly.nextFire ?? "");
  const tickAt = Date.parse(tick.nextFire ?? "");
  // 02:30 in Berlin is 01:30Z in winter, 00:30Z in summer.
  expect(new Date(nightlyAt).getUTCMinutes()).toBe(30);
  expect([0, 1]).toContain(new Date(nightlyAt).getUTCHours());
  const before = recorded().length;

  const move = async (now: number) => {
    const res = await fetch(`${service?.cfg.endpoint.url}/_sluice/clock`, {
      method: "POST",
      body: JSON.stringify({ now: new Date(now).toISOString() }),
    });
    expect(res.status).toBe(200);
  };
  await move(tickAt + 1_000);
  const afterTick = await waitForEvents(before + 1);
  expect(afterTick[before]).toEqual({
    version: "0",
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: base.accountId,
    time: `${new Date(tickAt).toISOString().slice(0, 19)}Z`,
    region: base.region,
    resources: [`arn:aws:events:${base.region}:${base.accountId}:rule/${ruleName}`],
    detail: {},
  });
  await move(Math.max(nightlyAt, tickAt) + 1_000);
  const expected = { job: "nightly", at: `${new Date(nightlyAt).toISOString().slice(0, 19)}Z` };
  await waitFor(
    "the nightly schedule's event",
    async () => (recorded().some((e) => JSON.stringify(e) === JSON.stringify(expected)) ? true : undefined),
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  expect(Date.parse((await scheduleStatus(scheduleName)).nextFire ?? "")).toBeGreaterThan(nightlyAt);
});

test("a hand-off that keeps failing ends in the schedule's SQS dead-letter queue", async () => {
  const res = await fetch(`${service?.cfg.endpoint.url}/_sluice/schedules/${orphanName}/run`, { method: "POST" });
  expect(res.status).toBe(200);
  const message = await waitFor(
    "the dead-letter message",
    async () =>
      (
        await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ["All"], WaitTimeSeconds: 1 }),
        )
      ).Messages?.[0],
    { timeoutMs: 30_000 },
  );
  expect(message.Body).toBe('{"job":"orphan"}');
  expect(message.MessageAttributes?.ERROR_CODE?.StringValue).toBe("ResourceNotFoundException");
  expect(message.MessageAttributes?.RETRY_ATTEMPTS?.StringValue).toBe("2");
  expect(message.MessageAttributes?.SCHEDULE_ARN?.StringValue).toBe(
    `arn:aws:scheduler:${base.region}:${base.accountId}:schedule/default/${orphanName}`,
  );
  expect((await scheduleStatus(orphanName)).failedHandOffs).toBe(3);
});
