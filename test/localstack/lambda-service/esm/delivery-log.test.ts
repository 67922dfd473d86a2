/** The delivery log: one line per invocation with each partition's offsets, written before the invoke. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deliveryLine, deliveryLogWriter, parseDeliveryLog } from "#local/lambda-service/esm/delivery-log";
import { polled } from "./records";

test("a line names the function and each partition's offsets, in the batch's order", () => {
  const records = [polled(4), polled(5), polled(9, { partition: 2 }), polled(6)];
  expect(deliveryLine("fn", records)).toEqual({ f: "fn", o: { "t-0": [4, 5, 6], "t-2": [9] } });
});

test("the writer appends one line per call, and a torn last line is left out when read", () => {
  const dir = mkdtempSync(join(tmpdir(), "deliveries-"));
  const file = join(dir, "logs", "log.jsonl");
  const write = deliveryLogWriter(file);
  write("a", [polled(0)]);
  write("a", [polled(0), polled(1)]);
  const text = `${readFileSync(file, "utf8")}{"f":"a","o":{"t-0":[2`;
  expect(parseDeliveryLog(text)).toEqual([
    { f: "a", o: { "t-0": [0] } },
    { f: "a", o: { "t-0": [0, 1] } },
  ]);
  rmSync(dir, { recursive: true, force: true });
});
