/**
 * Another team's CDK app on the same local stack, deployed the way a user does it (`deploy:local -- --app`),
 * with no change to that app: its stack is in CloudFormation without the resources the local service runs, the
 * service lists its function beside sluice's own and serves its URL, schedule and EventInvokeConfig, status lists
 * the app, and `destroy:local -- --app` removes its stack and the service stops serving it.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { paginateListStackResources } from "@aws-sdk/client-cloudformation";
import { GetFunctionEventInvokeConfigCommand, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { destroyApp } from "#local/apps/apps";
import { lambdaServiceStatus } from "#local/lambda-service/daemon";
import { appDir, findApp } from "#local/support/app-registry";
import { awsClients, stackStatus } from "#local/support/aws";
import { waitFor } from "#local/support/proc";
import { cfg, output } from "./helpers";

const cli = resolve(__dirname, "../../localstack/cli.ts");
const suffix = Date.now().toString(36);
const name = `triggers-${suffix}`;
const stackName = `triggers-${suffix}`;
const functionName = `triggers-recorder-${suffix}`;
const scheduleName = `triggers-tick-${suffix}`;
const work = mkdtempSync(join(tmpdir(), "sluice-other-app-"));
const recordFile = join(work, "events.jsonl");
const appCommand = `npx tsx ${resolve(__dirname, "fixtures/apps/triggers/app.ts")}`;
const env = { ...process.env, TRIGGERS_SUFFIX: suffix, TRIGGERS_RECORD_FILE: recordFile };

async function sluice(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)("npx", ["tsx", cli, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

const recorded = (): Array<Record<string, unknown>> =>
  existsSync(recordFile)
    ? readFileSync(recordFile, "utf8")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];

async function listedFunctions(): Promise<string[]> {
  const { Functions } = await awsClients(cfg).lambda.send(new ListFunctionsCommand({}));
  return (Functions ?? []).map((f) => f.FunctionName ?? "");
}

let deployOutput = "";

beforeAll(async () => {
  deployOutput = await sluice("deploy", "--app", appCommand, "--name", name);
}, 300_000);

afterAll(async () => {
  if (findApp(cfg.stateDir, name)) await destroyApp(cfg, name, () => {});
  rmSync(work, { recursive: true, force: true });
}, 120_000);

test("the app's stack is in CloudFormation, without what the local service runs", async () => {
  expect(deployOutput).toContain(`app ${name} deployed: stacks ${stackName}; functions ${functionName}`);
  expect(await stackStatus(cfg, stackName)).toBe("CREATE_COMPLETE");
  const types: string[] = [];
  for await (const page of paginateListStackResources(
    { client: awsClients(cfg).cloudFormation },
    { StackName: stackName },
  )) {
    for (const r of page.StackResourceSummaries ?? []) types.push(r.ResourceType ?? "");
  }
  expect(types).toEqual(expect.arrayContaining(["AWS::SQS::Queue", "AWS::IAM::Role", "AWS::IAM::Policy"]));
  expect(types.filter((t) => t.startsWith("AWS::Lambda::") || t === "AWS::Scheduler::Schedule")).toEqual([]);
});

test("the service lists its function beside sluice's own, with its EventInvokeConfig", async () => {
  const functions = await listedFunctions();
  expect(functions).toContain(functionName);
  expect(functions).toContain(await output("ScrapeFunctionName"));
  const config = await awsClients(cfg).lambda.send(
    new GetFunctionEventInvokeConfigCommand({ FunctionName: functionName }),
  );
  expect(config.MaximumRetryAttempts).toBe(0);
  expect(config.DestinationConfig?.OnFailure?.Destination).toBe(
    `arn:aws:sqs:${cfg.region}:${cfg.accountId}:triggers-failures-${suffix}`,
  );
  expect(await sluice("status")).toContain(`app         ${name}: ${stackName}`);
});

test("its function URL answers", async () => {
  const url = (await lambdaServiceStatus(cfg))?.urls?.find((u) => u.functionName === functionName);
  expect(url?.authType).toBe("NONE");
  const res = await fetch(`${url?.pathUrl}hello?from=test`, { method: "POST", body: "ping" });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ recorded: true });
  expect(recorded().some((e) => e.rawPath === "/hello" && e.body === "ping")).toBe(true);
});

test("`sluice schedule run` fires its schedule into its function", async () => {
  const fromSchedule = (): number => recorded().filter((e) => e.from === "schedule").length;
  const before = fromSchedule();
  expect(await sluice("schedule", "run", scheduleName)).toMatch(
    new RegExp(`^fired ${scheduleName} \\(rate\\(1 hour\\)\\) at scheduled time \\S+Z → ${functionName}; execution `),
  );
  await waitFor("the scheduled event", async () => (fromSchedule() === before + 1 ? true : undefined), {
    timeoutMs: 20_000,
  });
});

test("a second app (given as a cdk.out directory) defining the same function is refused, naming both", async () => {
  const dir = join(work, "cdk.out");
  await promisify(execFile)("npx", ["cdk", "synth", "--app", appCommand, "--output", dir, "--quiet"], {
    env,
    cwd: resolve(__dirname, "../.."),
  });
  const twin = `twin-${suffix}`;
  const refusal = sluice("deploy", "--app", dir, "--name", twin);
  await expect(refusal).rejects.toThrow(
    new RegExp(
      `function ${functionName} is defined by both app ${name} \\(${stackName}/Recorder\\w*\\) and app ${twin}`,
    ),
  );
  await expect(refusal).rejects.toThrow(`stack ${stackName} is already deployed by app ${name}`);
  expect(findApp(cfg.stateDir, twin)).toBeUndefined();
  expect(existsSync(appDir(cfg.stateDir, twin))).toBe(false);
  expect(await listedFunctions()).toContain(functionName);
}, 120_000);

test("destroy:local --app removes its stack, and the service stops serving it", async () => {
  const out = await sluice("destroy", "--app", name);
  expect(out).toContain(`app ${name} destroyed: stacks ${stackName}`);
  expect([undefined, "DELETE_COMPLETE"]).toContain(await stackStatus(cfg, stackName));
  expect(findApp(cfg.stateDir, name)).toBeUndefined();
  const functions = await listedFunctions();
  expect(functions).not.toContain(functionName);
  expect(functions).toContain(await output("ScrapeFunctionName"));
  expect((await lambdaServiceStatus(cfg))?.urls?.some((u) => u.functionName === functionName)).toBe(false);
});
