/** Back-off waits end at once when the poller stops. */
import { Aborted, abortableSleep, sleep } from "#local/lambda-service/esm/sleep";

test("an abortable sleep resolves after its time when nothing aborts it", async () => {
  await expect(abortableSleep(5, new AbortController().signal)).resolves.toBeUndefined();
});

test("an abort ends the sleep with Aborted", async () => {
  const controller = new AbortController();
  const waiting = abortableSleep(60_000, controller.signal);
  controller.abort();
  await expect(waiting).rejects.toBeInstanceOf(Aborted);
});

test("an already aborted signal rejects at once", async () => {
  const controller = new AbortController();
  controller.abort();
  await expect(abortableSleep(60_000, controller.signal)).rejects.toBeInstanceOf(Aborted);
});

test("a plain sleep waits its time", async () => {
  const started = Date.now();
  await sleep(20);
  expect(Date.now() - started).toBeGreaterThanOrEqual(15);
});
