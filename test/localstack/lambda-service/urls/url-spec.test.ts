/**
 * AWS::Lambda::Url as CreateFunctionUrlConfig accepts it: what is read, what is refused (naming the resource
 * when the assembly loads), and a url-id that never changes for a function.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAssembly } from "#local/lambda-service/assembly";
import { writeSyntheticAssembly } from "#local/lambda-service/synthetic-assembly";
import { functionUrlSpec, urlIdOf } from "#local/lambda-service/urls/url-spec";

const env = { region: "us-east-1", accountId: "000000000000" };
const arn = "arn:aws:lambda:us-east-1:000000000000:function:my-function";

describe("functionUrlSpec", () => {
  test("reads the documented properties", () => {
    const spec = functionUrlSpec(
      "stack",
      "Url",
      {
        TargetFunctionArn: arn,
        AuthType: "AWS_IAM",
        InvokeMode: "BUFFERED",
        Cors: {
          AllowCredentials: true,
          AllowHeaders: ["date", "keep-alive"],
          AllowMethods: ["GET", "post"],
          AllowOrigins: ["https://www.example.com"],
          ExposeHeaders: ["keep-alive", "date"],
          MaxAge: 86400,
        },
      },
      env,
    );
    expect(spec).toEqual({
      stackName: "stack",
      logicalId: "Url",
      functionName: "my-function",
      urlId: expect.stringMatching(/^[a-z0-9]{32}$/),
      authType: "AWS_IAM",
      invokeMode: "BUFFERED",
      cors: {
        allowCredentials: true,
        allowHeaders: ["date", "keep-alive"],
        allowMethods: ["GET", "POST"],
        allowOrigins: ["https://www.example.com"],
        exposeHeaders: ["keep-alive", "date"],
        maxAge: 86400,
      },
    });
  });

  test("the url-id is the same for the same function and differs between functions", () => {
    const a = functionUrlSpec("s", "A", { TargetFunctionArn: "my-function", AuthType: "NONE" }, env);
    const again = functionUrlSpec("other", "B", { TargetFunctionArn: arn, AuthType: "NONE" }, env);
    expect(again.urlId).toBe(a.urlId);
    expect(urlIdOf(env.accountId, env.region, "another-function")).not.toBe(a.urlId);
    expect(a.invokeMode).toBe("BUFFERED");
    expect(a.cors).toBeUndefined();
  });

  test.each([
    [{ AuthType: "NONE" }, /TargetFunctionArn is required/],
    [{ TargetFunctionArn: arn }, /AuthType must be NONE or AWS_IAM/],
    [
      { TargetFunctionArn: arn, AuthType: "NONE", InvokeMode: "STREAM" },
      /InvokeMode must be BUFFERED or RESPONSE_STREAM/,
    ],
    [
      { TargetFunctionArn: arn, AuthType: "NONE", Qualifier: "live" },
      /Qualifier live: the local service runs only \$LATEST/,
    ],
    [{ TargetFunctionArn: arn, AuthType: "NONE", Qualifier: "3" }, /not a version number/],
    [{ TargetFunctionArn: arn, AuthType: "NONE", Cors: { MaxAge: 86401 } }, /Cors.MaxAge must be 0 to 86400/],
    [{ TargetFunctionArn: arn, AuthType: "NONE", Cors: { AllowMethods: ["OPTIONS"] } }, /must be 0-6 characters/],
    [
      {
        TargetFunctionArn: arn,
        AuthType: "NONE",
        Cors: { AllowMethods: ["GET", "PUT", "POST", "HEAD", "PATCH", "DELETE", "*"] },
      },
      /at most 6 values/,
    ],
    [{ TargetFunctionArn: arn, AuthType: "NONE", Cors: { AllowOrigins: [""] } }, /must be 1-253 characters/],
    [{ TargetFunctionArn: arn, AuthType: "NONE", Cors: { AllowOrigin: ["*"] } }, /unknown property AllowOrigin/],
  ])("refuses %j", (props, message) => {
    expect(() => functionUrlSpec("s", "Url", props, env)).toThrow(message);
  });
});

describe("loadAssembly with function URLs", () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-url-spec-"));
  const code = join(dir, "code");
  mkdirSync(code, { recursive: true });
  writeFileSync(join(code, "index.js"), "exports.handler = async () => 'ok';\n");
  const noDeployments = { exports: new Map<string, string>(), physicalIds: () => new Map<string, string>() };

  function load(name: string, urls: Parameters<typeof writeSyntheticAssembly>[1]["urls"]) {
    const out = join(dir, name);
    writeSyntheticAssembly(out, { functions: [{ logicalId: "Fn", functionName: "url-fn", codeDir: code }], urls });
    return loadAssembly(out, noDeployments, env);
  }

  test("a URL targets its function through Fn::GetAtt Arn", () => {
    const { urls } = load("good", [{ logicalId: "FnUrl", functionLogicalId: "Fn", authType: "AWS_IAM" }]);
    expect(urls).toEqual([
      expect.objectContaining({
        logicalId: "FnUrl",
        functionName: "url-fn",
        authType: "AWS_IAM",
        stackName: "sluice-test",
      }),
    ]);
  });

  test("a RESPONSE_STREAM URL loads with its invoke mode", () => {
    const { urls } = load("stream", [
      { logicalId: "StreamUrl", functionLogicalId: "Fn", invokeMode: "RESPONSE_STREAM" },
    ]);
    expect(urls).toEqual([expect.objectContaining({ logicalId: "StreamUrl", invokeMode: "RESPONSE_STREAM" })]);
  });

  test("two URLs for one function are refused", () => {
    expect(() =>
      load("twice", [
        { logicalId: "One", functionLogicalId: "Fn" },
        { logicalId: "Two", functionLogicalId: "Fn" },
      ]),
    ).toThrow(/sluice-test\/Two: One is already a URL of url-fn/);
  });
});
