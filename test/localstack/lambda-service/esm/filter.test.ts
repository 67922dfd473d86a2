/** FilterCriteria of Kafka event-source mappings: EventBridge-style patterns on the record's `value`. */
import { compileKafkaFilters, FilterPatternError, matchesPattern } from "#local/lambda-service/esm/filter";

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const text = (value: string): Buffer => Buffer.from(value, "utf8");
const accepts = (patterns: unknown[], value: Buffer | null): boolean =>
  compileKafkaFilters(patterns.map((p) => JSON.stringify(p))).matches(value);

describe("Kafka FilterCriteria on value", () => {
  test("no filters let every record through", () => {
    expect(compileKafkaFilters([]).matches(text("anything"))).toBe(true);
    expect(compileKafkaFilters([]).matches(null)).toBe(true);
  });

  test("exact values: strings, numbers, booleans, null, and the AWS docs' nested example", () => {
    const device = { device_ID: "AB1234", session: { start_time: "2024-01-01T00:00:00", duration: 162 } };
    expect(accepts([{ value: { device_ID: ["AB1234"] } }], json(device))).toBe(true);
    expect(accepts([{ value: { device_ID: ["XY9"] } }], json(device))).toBe(false);
    expect(accepts([{ value: { session: { duration: [162] } } }], json(device))).toBe(true);
    expect(accepts([{ value: { session: { duration: [163] } } }], json(device))).toBe(false);
    expect(accepts([{ value: { ok: [true] } }], json({ ok: true }))).toBe(true);
    expect(accepts([{ value: { ok: [true] } }], json({ ok: "true" }))).toBe(false);
    expect(accepts([{ value: { gone: [null] } }], json({ gone: null }))).toBe(true);
    expect(accepts([{ value: { name: [""] } }], json({ name: "" }))).toBe(true);
    // A list of matchers is an OR; an array in the message matches when any element does.
    expect(accepts([{ value: { color: ["red", "blue"] } }], json({ color: "blue" }))).toBe(true);
    expect(accepts([{ value: { tags: ["b"] } }], json({ tags: ["a", "b"] }))).toBe(true);
    // Keys of a pattern are AND'ed.
    expect(accepts([{ value: { a: [1], b: [2] } }], json({ a: 1, b: 3 }))).toBe(false);
  });

  test("prefix, suffix, equals-ignore-case, wildcard", () => {
    const doc = json({ device_ID: "AB1234", file: "photo.JPG" });
    expect(accepts([{ value: { device_ID: [{ prefix: "AB" }] } }], doc)).toBe(true);
    expect(accepts([{ value: { device_ID: [{ prefix: "ab" }] } }], doc)).toBe(false);
    expect(accepts([{ value: { device_ID: [{ prefix: { "equals-ignore-case": "ab" } }] } }], doc)).toBe(true);
    expect(accepts([{ value: { file: [{ suffix: ".JPG" }] } }], doc)).toBe(true);
    expect(accepts([{ value: { file: [{ suffix: { "equals-ignore-case": ".jpg" } }] } }], doc)).toBe(true);
    expect(accepts([{ value: { file: [{ "equals-ignore-case": "PHOTO.jpg" }] } }], doc)).toBe(true);
    expect(accepts([{ value: { file: [{ wildcard: "photo.*" }] } }], doc)).toBe(true);
    expect(accepts([{ value: { file: [{ wildcard: "*.png" }] } }], doc)).toBe(false);
  });

  test("numeric comparisons and ranges apply to numbers only", () => {
    const pattern = { value: { session: { duration: [{ numeric: [">", 100, "<=", 200] }] } } };
    expect(accepts([pattern], json({ session: { duration: 162 } }))).toBe(true);
    expect(accepts([pattern], json({ session: { duration: 100 } }))).toBe(false);
    expect(accepts([pattern], json({ session: { duration: 200 } }))).toBe(true);
    expect(accepts([pattern], json({ session: { duration: "162" } }))).toBe(false);
    expect(accepts([{ value: { n: [{ numeric: ["=", 3.5] }] } }], json({ n: 3.5 }))).toBe(true);
  });

  test("exists", () => {
    expect(accepts([{ value: { id: [{ exists: true }] } }], json({ id: 1 }))).toBe(true);
    expect(accepts([{ value: { id: [{ exists: true }] } }], json({ other: 1 }))).toBe(false);
    expect(accepts([{ value: { id: [{ exists: false }] } }], json({ other: 1 }))).toBe(true);
    expect(accepts([{ value: { id: [{ exists: false }] } }], json({ id: 1 }))).toBe(false);
  });

  test("anything-but: values, lists, prefix; a missing field matches nothing", () => {
    expect(accepts([{ value: { state: [{ "anything-but": "error" }] } }], json({ state: "ok" }))).toBe(true);
    expect(accepts([{ value: { state: [{ "anything-but": ["error", "fatal"] }] } }], json({ state: "fatal" }))).toBe(
      false,
    );
    expect(accepts([{ value: { code: [{ "anything-but": [404] }] } }], json({ code: 200 }))).toBe(true);
    expect(accepts([{ value: { state: [{ "anything-but": { prefix: "err" } }] } }], json({ state: "error" }))).toBe(
      false,
    );
    expect(accepts([{ value: { state: [{ "anything-but": { prefix: "err" } }] } }], json({ state: "done" }))).toBe(
      true,
    );
    expect(accepts([{ value: { state: [{ "anything-but": "error" }] } }], json({ other: 1 }))).toBe(false);
  });

  test("plain-string messages match a plain-string pattern (the AWS docs' anything-but example)", () => {
    const notError = { value: [{ "anything-but": ["error"] }] };
    expect(accepts([notError], text("all good"))).toBe(true);
    expect(accepts([notError], text("error"))).toBe(false);
    expect(accepts([{ value: [{ prefix: "hello" }] }], text("hello world"))).toBe(true);
    expect(accepts([{ value: [{ prefix: "hello" }] }], text("goodbye"))).toBe(false);
    expect(accepts([{ value: ["exact"] }], text("exact"))).toBe(true);
  });

  test("several filters are OR'ed", () => {
    const patterns = [{ value: { kind: ["keep"] } }, { value: { priority: [{ numeric: [">=", 5] }] } }];
    expect(accepts(patterns, json({ kind: "keep" }))).toBe(true);
    expect(accepts(patterns, json({ kind: "drop", priority: 9 }))).toBe(true);
    expect(accepts(patterns, json({ kind: "drop", priority: 1 }))).toBe(false);
  });

  test("$or inside a pattern", () => {
    const pattern = { value: { $or: [{ a: [1] }, { b: [2] }] } };
    expect(accepts([pattern], json({ b: 2 }))).toBe(true);
    expect(accepts([pattern], json({ a: 2, b: 1 }))).toBe(false);
  });

  test("a pattern whose format does not fit the message does not match it", () => {
    // JSON pattern, plain-string message; plain-string pattern, JSON message; not UTF-8.
    expect(accepts([{ value: { kind: ["keep"] } }], text("not json"))).toBe(false);
    expect(accepts([{ value: [{ prefix: "{" }] }], json({ kind: "keep" }))).toBe(false);
    expect(accepts([{ value: [{ "anything-but": ["x"] }] }], Buffer.from([0xff, 0xfe, 0x00, 0x80]))).toBe(false);
    // With one filter of each format, each message is judged by the filter of its own format.
    const both = [{ value: { kind: ["keep"] } }, { value: [{ prefix: "hello" }] }];
    expect(accepts(both, json({ kind: "keep" }))).toBe(true);
    expect(accepts(both, json({ kind: "drop" }))).toBe(false);
    expect(accepts(both, text("hello world"))).toBe(true);
    expect(accepts(both, text("bye"))).toBe(false);
  });

  test("a tombstone (no value) matches only an exists:false pattern", () => {
    expect(accepts([{ value: [{ exists: false }] }], null)).toBe(true);
    expect(accepts([{ value: [{ prefix: "" }] }], null)).toBe(false);
    expect(accepts([{ value: { kind: ["keep"] } }], null)).toBe(false);
  });

  test("invalid patterns are refused, as CreateEventSourceMapping would", () => {
    expect(() => compileKafkaFilters(["not json"])).toThrow(FilterPatternError);
    expect(() => compileKafkaFilters([JSON.stringify({ topic: ["t"] })])).toThrow(
      /only support filtering on the "value" key/,
    );
    expect(() => compileKafkaFilters([JSON.stringify({ value: "x" })])).toThrow(FilterPatternError);
    expect(() => compileKafkaFilters([JSON.stringify({ value: { a: [{ numeric: [">"] }] } })])).toThrow(
      FilterPatternError,
    );
    expect(() => compileKafkaFilters([JSON.stringify({ value: { a: [{ bogus: 1 }] } })])).toThrow(
      /unsupported operator/,
    );
    expect(() => compileKafkaFilters([JSON.stringify({ value: { a: [] } })])).toThrow(FilterPatternError);
  });

  test("matchesPattern works on whole documents", () => {
    expect(matchesPattern({ detail: { n: [{ numeric: ["<", 0] }] } }, { detail: { n: -1 } })).toBe(true);
    expect(matchesPattern('{"a":["x"]}', { a: "y" })).toBe(false);
  });
});
