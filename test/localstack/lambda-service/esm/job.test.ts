/** A job remembers, per partition, what it took and how much of it is done. */
import { endOffset, firstUndoneOffset, jobFromPlan } from "#local/lambda-service/esm/job";
import { newPartitionState } from "#local/lambda-service/esm/partition-state";
import { polled } from "./records";

test("jobFromPlan keys the parts by partition and keeps each part's epoch, records and done flags", () => {
  const p0 = newPartitionState("t", 0, 3);
  const p1 = newPartitionState("t", 1, 4);
  const records0 = [polled(7), polled(8)];
  const records1 = [polled(2, { partition: 1 })];
  const job = jobFromPlan(9, {
    parts: [
      { source: p0, records: records0, done: [true, false] },
      { source: p1, records: records1, done: [false] },
    ],
    invocable: [polled(8), ...records1],
    oversized: [],
    filtered: 1,
  });
  expect(job.id).toBe(9);
  expect([...job.parts.keys()]).toEqual(["t-0", "t-1"]);
  const part = job.parts.get("t-0");
  expect(part).toMatchObject({ state: p0, epoch: 3, records: records0, done: [true, false], prefix: 0 });
  expect(part?.index).toEqual(
    new Map([
      [7, 0],
      [8, 1],
    ]),
  );
  expect(part && endOffset(part)).toBe(9);
  expect(part && firstUndoneOffset(part)).toBe(7);
  if (part) part.prefix = 2;
  expect(part && firstUndoneOffset(part)).toBeUndefined();
});
