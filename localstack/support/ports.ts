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
