import { createServer, type Server } from "node:net";
import { freePort, portIsFree } from "#local/support/ports";

describe("ports", () => {
  test("a free port is free until something listens on it", async () => {
    const port = await freePort();
    expect(await portIsFree("127.0.0.1", port)).toBe(true);
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    try {
      expect(await portIsFree("127.0.0.1", port)).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await portIsFree("127.0.0.1", port)).toBe(true);
  });
});
