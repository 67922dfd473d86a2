/**
 * The assembly reader takes a function's AWS::Lambda::EventInvokeConfig and DeadLetterConfig as AWS would:
 * references resolved, limits enforced, and every problem reported with the resource that has it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssemblyError, type DeployedState, loadAssembly } from "#local/lambda-service/assembly";
import { writeSyntheticAssembly } from "#local/lambda-service/synthetic-assembly";

const env = { region: "us-east-1", accountId: "000000000000" };
const nothingDeployed: DeployedState = { exports: new Map(), physicalIds: () => new Map() };
const QUEUE = "arn:aws:sqs:us-east-1:000000000000:records";

describe("EventInvokeConfig and DeadLetterConfig in the assembly", () => {
  const work = mkdtempSync(join(tmpdir(), "async-assembly-"));
  const code = join(work, "code");
  mkdirSync(code);
  writeFileSync(join(code, "index.js"), "exports.handler = async () => null;\n");
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Writes a one-function assembly, then lets patch change the template. */
  function assembly(
    name: string,
    config: Parameters<typeof writeSyntheticAssembly>[1]["functions"][number]["eventInvokeConfig"],
    patch: (resources: Record<string, { Properties: Record<string, unknown> }>) => void = () => undefined,
  ): string {
    const dir = join(work, name);
    const written = writeSyntheticAssembly(dir, {
      functions: [{ logicalId: "Fn", functionName: name, codeDir: code, eventInvokeConfig: config }],
    });
    const template = JSON.parse(readFileSync(written.templateFile, "utf8")) as {
      Resources: Record<string, { Properties: Record<string, unknown> }>;
    };
    patch(template.Resources);
    writeFileSync(written.templateFile, JSON.stringify(template));
    return dir;
  }

  it("reads the configuration by function name, and the function's dead-letter target", () => {
    const dir = assembly(
      "configured",
      { maximumRetryAttempts: 0, maximumEventAgeSeconds: 300, onFailure: QUEUE },
      (r) => {
        if (r.Fn) r.Fn.Properties.DeadLetterConfig = { TargetArn: "arn:aws:sns:us-east-1:000000000000:dlq" };
      },
    );
    const loaded = loadAssembly(dir, nothingDeployed, env);
    expect(loaded.eventInvokeConfigs.get("configured")).toEqual({
      maximumRetryAttempts: 0,
      maximumEventAgeSeconds: 300,
      onFailure: { arn: QUEUE, kind: "sqs" },
    });
    expect(loaded.functions[0]?.deadLetterTargetArn).toBe("arn:aws:sns:us-east-1:000000000000:dlq");
  });

  it("resolves destinations given as Fn::GetAtt of a deployed queue and event bus", () => {
    const dir = assembly("resolved", {}, (r) => {
      r.Queue = { Type: "AWS::SQS::Queue", Properties: {} } as never;
      r.Bus = { Type: "AWS::Events::EventBus", Properties: { Name: "my-bus" } } as never;
      if (r.FnEventInvokeConfig) {
        r.FnEventInvokeConfig.Properties.DestinationConfig = {
          OnSuccess: { Destination: { "Fn::GetAtt": ["Bus", "Arn"] } },
          OnFailure: { Destination: { "Fn::GetAtt": ["Queue", "Arn"] } },
        };
      }
    });
    const state: DeployedState = {
      exports: new Map(),
      physicalIds: () =>
        new Map([
          ["Queue", "http://sqs.us-east-1.localhost:4566/000000000000/failed-records"],
          ["Bus", "my-bus"],
        ]),
    };
    expect(loadAssembly(dir, state, env).eventInvokeConfigs.get("resolved")).toEqual({
      maximumRetryAttempts: 2,
      maximumEventAgeSeconds: 21600,
      onSuccess: { arn: "arn:aws:events:us-east-1:000000000000:event-bus/my-bus", kind: "events" },
      onFailure: { arn: "arn:aws:sqs:us-east-1:000000000000:failed-records", kind: "sqs" },
    });
  });

  it("has no configuration for a function without one", () => {
    expect(loadAssembly(assembly("plain", undefined), nothingDeployed, env).eventInvokeConfigs.size).toBe(0);
  });

  it.each([
    [
      "retries",
      { maximumRetryAttempts: 3 },
      /sluice-test\/FnEventInvokeConfig: MaximumRetryAttempts must be an integer from 0 to 2 \(got 3\)/,
    ],
    [
      "age",
      { maximumEventAgeSeconds: 30 },
      /sluice-test\/FnEventInvokeConfig: MaximumEventAgeInSeconds must be an integer from 60 to 21600 \(got 30\)/,
    ],
    [
      "s3-success",
      { onSuccess: "arn:aws:s3:::bucket" },
      /FnEventInvokeConfig: DestinationConfig.OnSuccess.Destination arn:aws:s3:::bucket/,
    ],
  ])("refuses %s out of AWS's range, naming the resource", (name, config, message) => {
    const dir = assembly(`bad-${name}`, config);
    expect(() => loadAssembly(dir, nothingDeployed, env)).toThrow(AssemblyError);
    expect(() => loadAssembly(dir, nothingDeployed, env)).toThrow(message);
  });

  it("names a qualifier it cannot honour and a dead-letter target that is not SQS or SNS", () => {
    const dir = assembly("qualified", {}, (r) => {
      if (r.FnEventInvokeConfig) r.FnEventInvokeConfig.Properties.Qualifier = "live";
      if (r.Fn) r.Fn.Properties.DeadLetterConfig = { TargetArn: "arn:aws:s3:::bucket" };
    });
    expect(() => loadAssembly(dir, nothingDeployed, env)).toThrow(
      /FnEventInvokeConfig: Qualifier "live" cannot be honoured/,
    );
    expect(() => loadAssembly(dir, nothingDeployed, env)).toThrow(
      /sluice-test\/Fn: DeadLetterConfig.TargetArn arn:aws:s3:::bucket is not an SQS queue or SNS topic ARN/,
    );
  });
});
