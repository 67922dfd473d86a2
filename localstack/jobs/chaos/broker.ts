/**
 * The broker fault: SIGKILL the broker, leave it down for the planned outage, start it again. Today's stack has one
 * broker, so this is a full outage (every producer and consumer waits); kept in one small file so that, once the
 * stack can run three (`local:up -- --brokers 3`), it can kill one node of them instead.
 */
import type { LocalConfig } from "../../config";
import { kafkaPid, startKafka } from "../../launchers/kafka";
import type { Log } from "../../support/log";
import { isAlive, waitFor } from "../../support/proc";

export async function brokerOutage(cfg: LocalConfig, downMs: number, log: Log): Promise<string> {
  const pid = kafkaPid(cfg);
  if (pid === undefined) throw new Error("the broker is not running: nothing to kill (npm run local:up)");
  process.kill(pid, "SIGKILL");
  await waitFor(`broker pid ${pid} to die`, async () => (isAlive(pid) ? undefined : true), {
    timeoutMs: 10_000,
    intervalMs: 50,
  });
  await new Promise((r) => setTimeout(r, downMs));
  await startKafka(cfg, log);
  return `SIGKILLed the broker (pid ${pid}), down ${(downMs / 1000).toFixed(1)} s, started again`;
}
