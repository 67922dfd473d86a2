/** The poller's log: errors as fields with their cause, and kafkajs's lines through the poller's sink. */
import { logLevel } from "kafkajs";
import { errorFields, kafkajsLogCreator, pollerLevel } from "#local/lambda-service/esm/poller-log";

test("an error becomes its name and message, and its cause's", () => {
  expect(errorFields(new TypeError("bad", { cause: new Error("root") }))).toEqual({
    error: "TypeError: bad",
    cause: "Error: root",
  });
  expect(errorFields(new Error("plain"))).toEqual({ error: "Error: plain" });
  expect(errorFields("text")).toEqual({ error: "text" });
});

test.each([
  [logLevel.ERROR, "error"],
  [logLevel.WARN, "warn"],
  [logLevel.INFO, "info"],
  [logLevel.DEBUG, "debug"],
])("kafkajs level %d is %s", (level, expected) => {
  expect(pollerLevel(level)).toBe(expected);
});

test("kafkajs lines keep their fields, lose their timestamp and carry the mapping's uuid", () => {
  const lines: unknown[] = [];
  const write = kafkajsLogCreator(
    (level, message, fields) => lines.push([level, message, fields]),
    "uuid-1",
  )(logLevel.WARN);
  write({
    namespace: "Consumer",
    level: logLevel.WARN,
    label: "WARN",
    log: { message: "rebalancing", timestamp: "2026-01-01T00:00:00Z", groupId: "g" },
  });
  expect(lines).toEqual([["warn", "kafkajs: rebalancing", { uuid: "uuid-1", namespace: "Consumer", groupId: "g" }]]);
});
