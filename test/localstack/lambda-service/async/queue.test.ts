/**
 * The durable queue keeps each accepted event in a whole file until it is finished, so a new process
 * (after a SIGKILL) finds exactly the events not yet finished.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DurableEventQueue, type QueuedEvent } from "#local/lambda-service/async/queue";

const event = (requestId: string, enqueuedAtMs: number): QueuedEvent => ({
  requestId,
  functionName: "f",
  payload: '{"n":1}',
  enqueuedAtMs,
  dueAtMs: enqueuedAtMs,
  functionErrors: 0,
  throttles: 0,
});

describe("DurableEventQueue", () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), "async-queue-")), "events");
  });
  afterEach(() => rmSync(join(dir, ".."), { recursive: true, force: true }));

  it("is empty before anything was queued", async () => {
    expect(await new DurableEventQueue(dir).load(() => undefined)).toEqual([]);
  });

  it("gives a fresh instance every event put and not removed, oldest first", async () => {
    const queue = new DurableEventQueue(dir);
    await queue.put(event("b", 2));
    await queue.put(event("a", 1));
    await queue.put(event("c", 3));
    await queue.put({ ...event("b", 2), functionErrors: 1 });
    await queue.remove("c");
    const loaded = await new DurableEventQueue(dir).load(() => undefined);
    expect(loaded.map((e) => [e.requestId, e.functionErrors])).toEqual([
      ["a", 0],
      ["b", 1],
    ]);
    expect(readdirSync(dir).sort()).toEqual(["a.json", "b.json"]);
  });

  it("drops an interrupted write's temporary file and reports a file that is not an event", async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "x.json.123.tmp"), '{"requestId":');
    writeFileSync(join(dir, "bad.json"), "not json");
    const bad: string[] = [];
    expect(await new DurableEventQueue(dir).load((file) => bad.push(file))).toEqual([]);
    expect(bad).toEqual([join(dir, "bad.json")]);
    expect(existsSync(join(dir, "x.json.123.tmp"))).toBe(false);
  });

  it("refuses a request id that is not a plain file name", async () => {
    await expect(new DurableEventQueue(dir).put(event("../escape", 1))).rejects.toThrow(/not a file name/);
  });
});
