/**
 * The 2.0 event of a function URL, checked against the request payload example in AWS's "Invoking Lambda
 * function URLs" page (its values, with a local url-id and time).
 */
import { isTextual, urlEvent } from "#local/lambda-service/urls/event";

const urlId = "abcdefghijklmnopqrstuvwxyz012345";
const context = {
  urlId,
  region: "us-west-2",
  accountId: "123456789012",
  requestId: "id",
  now: new Date("2020-03-12T19:03:58.000Z"),
  domainName: `${urlId}.lambda-url.us-west-2.on.aws`,
};

test("AWS's documented request example becomes AWS's documented event", () => {
  const event = urlEvent(
    {
      method: "POST",
      rawPath: "/my/path",
      rawQueryString: "parameter1=value1&parameter1=value2&parameter2=value",
      headers: {
        header1: ["value1"],
        Header2: ["value1", "value2"],
        cookie: ["cookie1; cookie2"],
        "content-type": ["text/plain"],
        "user-agent": ["agent"],
      },
      body: Buffer.from("Hello from client!"),
      sourceIp: "123.123.123.123",
      protocol: "HTTP/1.1",
    },
    {
      ...context,
      iam: {
        accessKey: "AKIA...",
        accountId: "111122223333",
        callerId: "AIDA...",
        userArn: "arn:aws:iam::111122223333:user/example-user",
        userId: "AIDA...",
      },
    },
  );
  expect(event).toEqual({
    version: "2.0",
    routeKey: "$default",
    rawPath: "/my/path",
    rawQueryString: "parameter1=value1&parameter1=value2&parameter2=value",
    cookies: ["cookie1", "cookie2"],
    headers: { header1: "value1", header2: "value1,value2", "content-type": "text/plain", "user-agent": "agent" },
    queryStringParameters: { parameter1: "value1,value2", parameter2: "value" },
    requestContext: {
      accountId: "111122223333",
      apiId: urlId,
      authorizer: {
        iam: {
          accessKey: "AKIA...",
          accountId: "111122223333",
          callerId: "AIDA...",
          cognitoIdentity: null,
          principalOrgId: null,
          userArn: "arn:aws:iam::111122223333:user/example-user",
          userId: "AIDA...",
        },
      },
      domainName: `${urlId}.lambda-url.us-west-2.on.aws`,
      domainPrefix: urlId,
      http: {
        method: "POST",
        path: "/my/path",
        protocol: "HTTP/1.1",
        sourceIp: "123.123.123.123",
        userAgent: "agent",
      },
      requestId: "id",
      routeKey: "$default",
      stage: "$default",
      time: "12/Mar/2020:19:03:58 +0000",
      timeEpoch: 1584039838000,
    },
    body: "Hello from client!",
    isBase64Encoded: false,
  });
});

test("a binary body is base64, and an empty request has no body, cookies, query or authorizer", () => {
  const binary = urlEvent(
    {
      method: "PUT",
      rawPath: "/image",
      rawQueryString: "",
      headers: { "content-type": ["image/png"] },
      body: Buffer.from([0xff, 0x00, 0x89]),
      sourceIp: "127.0.0.1",
      protocol: "HTTP/1.1",
    },
    context,
  );
  expect(binary.body).toBe("/wCJ");
  expect(binary.isBase64Encoded).toBe(true);
  expect(binary.requestContext.accountId).toBe("anonymous");
  expect(binary.requestContext).not.toHaveProperty("authorizer");

  const get = urlEvent(
    {
      method: "GET",
      rawPath: "/",
      rawQueryString: "",
      headers: {},
      body: Buffer.alloc(0),
      sourceIp: "::1",
      protocol: "HTTP/1.1",
    },
    context,
  );
  expect(get).not.toHaveProperty("body");
  expect(get).not.toHaveProperty("cookies");
  expect(get).not.toHaveProperty("queryStringParameters");
  expect(get.isBase64Encoded).toBe(false);
  expect(get.headers).toEqual({});
});

test.each([
  ["text/html; charset=utf-8", true],
  ["application/json", true],
  ["application/vnd.api+json", true],
  ["application/xml", true],
  ["application/javascript", true],
  ["application/octet-stream", false],
  ["application/x-www-form-urlencoded", false],
  ["image/png", false],
  [undefined, false],
])("a %s body is text: %s", (type, textual) => {
  expect(isTextual(type)).toBe(textual);
});
