/**
 * A function's result as a function URL answers it, by the rules and examples of AWS's "Invoking Lambda
 * function URLs" page (response payload format).
 */
import { urlResponse } from "#local/lambda-service/urls/response";

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

test("a bare string is a 200 JSON answer with the string as body", () => {
  const r = urlResponse(json("Hello (world)"), undefined);
  expect(r.statusCode).toBe(200);
  expect(r.headers).toEqual({ "content-type": "application/json" });
  expect(r.body.toString()).toBe("Hello (world)");
  expect(r.cookies).toEqual([]);
});

test("JSON without a statusCode is a 200 answer with that JSON as body", () => {
  const r = urlResponse(json({ message: "Hello, world!" }), undefined);
  expect(r.statusCode).toBe(200);
  expect(r.headers).toEqual({ "content-type": "application/json" });
  expect(r.body.toString()).toBe('{"message":"Hello, world!"}');
});

test("a result with statusCode gives the status, headers, cookies and body", () => {
  const r = urlResponse(
    json({
      statusCode: 201,
      headers: { "Content-Type": "application/json", "My-Custom-Header": "Custom Value" },
      body: '{ "message": "Hello, world!" }',
      cookies: ["Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT", "Cookie_2=Value2; Max-Age=78000"],
      isBase64Encoded: false,
    }),
    undefined,
  );
  expect(r.statusCode).toBe(201);
  expect(r.headers).toEqual({ "content-type": "application/json", "my-custom-header": "Custom Value" });
  expect(r.cookies).toEqual(["Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT", "Cookie_2=Value2; Max-Age=78000"]);
  expect(r.body.toString()).toBe('{ "message": "Hello, world!" }');
});

test("a base64 body is decoded; multiValueHeaders add values; no content-type means application/json", () => {
  const r = urlResponse(
    json({
      statusCode: 200,
      headers: { "x-one": "1" },
      multiValueHeaders: { "X-One": ["2"], "x-two": ["a", "b"] },
      body: "/wCJ",
      isBase64Encoded: true,
    }),
    undefined,
  );
  expect([...r.body]).toEqual([0xff, 0x00, 0x89]);
  expect(r.headers).toEqual({ "x-one": ["1", "2"], "x-two": ["a", "b"], "content-type": "application/json" });
});

test.each([
  ["a function error", json({ errorType: "Error", errorMessage: "boom" }), "Unhandled"],
  ["a result that is not JSON", Buffer.from("{not json"), undefined],
  ["a statusCode outside 100-599", json({ statusCode: 42 }), undefined],
  ["a body that is not a string", json({ statusCode: 200, body: { a: 1 } }), undefined],
  ["headers that are not an object", json({ statusCode: 200, headers: ["a"] }), undefined],
  ["cookies that are not strings", json({ statusCode: 200, cookies: [1] }), undefined],
])("%s is AWS's 502", (_what, payload, functionError) => {
  const r = urlResponse(payload, functionError);
  expect(r.statusCode).toBe(502);
  expect(r.body.toString()).toBe("Internal Server Error");
});
