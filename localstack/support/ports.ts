/**
 * TCP ports on this machine: whether one is free before a daemon binds it (a daemon that cannot bind may
 * log and carry on, never reachable), and a free one for a second service of a test or a benchmark.
 */
import { createServer } from "node:net";

/** Whether nothing listens on host:port, found by binding it for a moment. */
export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A TCP port nothing listens on right now (the kernel's pick). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("no port assigned"));
      });
    });
  });
}

/**
 * A base port such that base + i*stride and base + i*stride + 1 (i = 0…count-1) are all free: the ports of a
 * cluster of `count` Kafka nodes (broker, controller) of a test's own. Picked below the kernel's ephemeral range
 * (32768 up on Linux), where an outgoing connection cannot take one between this check and the bind.
 */
export async function freePortSeries(count: number, stride: number, host = "127.0.0.1"): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (12_000 - count * stride));
    const ports = Array.from({ length: count }, (_, i) => [base + i * stride, base + i * stride + 1]).flat();
    const free = await Promise.all(ports.map((port) => portIsFree(host, port)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} free port pairs ${stride} apart between 20000 and 32000 on ${host}`);
}
