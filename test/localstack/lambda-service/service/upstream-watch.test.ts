/**
 * LocalStack's outages as the service's proxy reports them: an outage begins at the first request that could not be
 * forwarded and ends when LocalStack's health endpoint answers again (a real HTTP server here).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { UpstreamWatch } from "#local/lambda-service/service/upstream-watch";

const listen = (server: Server, port = 0): Promise<number> =>
  new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
const until = async (check: () => boolean): Promise<void> => {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
};

test("an outage lasts from the first unforwarded request until /_localstack/health answers, and is seen by marks taken before it", async () => {
  const health = createServer((req, res) => {
    res.writeHead(req.url === "/_localstack/health" ? 200 : 404).end("{}");
  });
  const port = await listen(health);
  await close(health); // LocalStack is down
  const lines: string[] = [];
  const watch = new UpstreamWatch(new URL(`http://127.0.0.1:${port}`), {
    log: (level, message) => lines.push(`${level} ${message}`),
    probeMs: 20,
  });
  const before = watch.mark();
  expect(watch.since(before)).toBe(false);

  watch.unreachable(new Error("connect ECONNREFUSED"));
  watch.unreachable(new Error("connect ECONNREFUSED")); // the same outage
  expect(watch.down()).toBe(true);
  await new Promise((r) => setTimeout(r, 100));
  expect(watch.down()).toBe(true); // probes keep failing while nothing listens

  await listen(health, port);
  await until(() => !watch.down());
  expect(watch.since(before)).toBe(true); // a batch invoked before it began failed during it
  expect(watch.since(watch.mark())).toBe(false); // one invoked after it ended did not
  expect(lines).toEqual([
    "warn LocalStack does not answer; Kafka batches that fail meanwhile wait for it",
    "info LocalStack answers again",
  ]);
  watch.stop();
  await close(health);
});

test("a health endpoint that answers with an error is not LocalStack answering", async () => {
  let healthy = false;
  const health = createServer((_req, res) => {
    res.writeHead(healthy ? 200 : 503).end("{}");
  });
  const port = await listen(health);
  const watch = new UpstreamWatch(new URL(`http://127.0.0.1:${port}`), { log: () => undefined, probeMs: 20 });
  watch.unreachable(new Error("socket hang up"));
  await new Promise((r) => setTimeout(r, 100));
  expect(watch.down()).toBe(true);
  healthy = true;
  await until(() => !watch.down());
  watch.stop();
  await close(health);
});

test("an announced stop lasts while LocalStack still answers, until it has been seen gone and answers again", async () => {
  const health = createServer((_req, res) => {
    res.writeHead(200).end("{}");
  });
  const port = await listen(health);
  const lines: string[] = [];
  const watch = new UpstreamWatch(new URL(`http://127.0.0.1:${port}`), {
    log: (level, message) => lines.push(`${level} ${message}`),
    probeMs: 20,
  });
  const before = watch.mark();
  watch.stopping();
  await new Promise((r) => setTimeout(r, 150));
  expect(watch.down()).toBe(true); // it still answers (saving, shutting down), and the outage holds
  await close(health);
  await new Promise((r) => setTimeout(r, 150));
  expect(watch.down()).toBe(true);
  await listen(health, port);
  await until(() => !watch.down());
  expect(watch.since(before)).toBe(true);
  expect(lines).toEqual([
    "warn LocalStack is being stopped; Kafka batches that fail meanwhile wait for it",
    "info LocalStack answers again",
  ]);
  watch.stop();
  await close(health);
});
