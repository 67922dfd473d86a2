/**
 * AWS_IAM on a function URL: a request signed by the SDK's signer with the local credentials for `lambda`
 * passes; anything else — unsigned, another secret, region or service, a changed body, an old date — does not.
 */
import { SignatureV4 } from "@smithy/signature-v4";
import { NodeSha256, verifySigV4 } from "#local/lambda-service/urls/sigv4";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const now = new Date("2026-01-02T03:04:05Z");

async function signed(
  options: { secret?: string; region?: string; service?: string; body?: string; date?: Date } = {},
): Promise<{ headers: Record<string, string[]>; body: Buffer }> {
  const body = options.body ?? '{"hello":"world"}';
  const signer = new SignatureV4({
    credentials: { accessKeyId: "test", secretAccessKey: options.secret ?? "test" },
    region: options.region ?? "us-east-1",
    service: options.service ?? "lambda",
    sha256: NodeSha256,
  });
  const request = await signer.sign(
    {
      method: "POST",
      protocol: "http:",
      hostname: "abc.lambda-url.us-east-1.localhost",
      port: 4566,
      path: "/orders/42",
      query: { a: "1", b: ["2", "3"] },
      headers: { host: "abc.lambda-url.us-east-1.localhost:4566", "content-type": "application/json" },
      body,
    },
    { signingDate: options.date ?? now },
  );
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), [v]]));
  return { headers, body: Buffer.from(body) };
}

const request = (headers: Record<string, string[]>, body: Buffer) => ({
  method: "POST",
  rawPath: "/orders/42",
  rawQueryString: "a=1&b=2&b=3",
  headers,
  body,
});

test("a request signed with the local credentials is accepted", async () => {
  const { headers, body } = await signed();
  expect(await verifySigV4(request(headers, body), credentials, "us-east-1", now)).toEqual({ accessKey: "test" });
});

test.each([
  ["another secret", { secret: "wrong" }],
  ["another region", { region: "eu-west-1" }],
  ["another service", { service: "execute-api" }],
  ["a date 20 minutes old", { date: new Date(now.getTime() - 20 * 60 * 1000) }],
])("a request signed with %s is refused", async (_what, options) => {
  const { headers, body } = await signed(options);
  expect(await verifySigV4(request(headers, body), credentials, "us-east-1", now)).toBeUndefined();
});

test("a changed body, a changed query or no signature is refused", async () => {
  const { headers, body } = await signed();
  expect(await verifySigV4(request(headers, Buffer.from("{}")), credentials, "us-east-1", now)).toBeUndefined();
  const query = { ...request(headers, body), rawQueryString: "a=1&b=2" };
  expect(await verifySigV4(query, credentials, "us-east-1", now)).toBeUndefined();
  const { authorization: _, ...unsigned } = headers;
  expect(await verifySigV4(request(unsigned, body), credentials, "us-east-1", now)).toBeUndefined();
});
