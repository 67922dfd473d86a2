import { assessUrl } from "#faces/net/assess-url";
import type { LookupAll } from "#shared/net/url-safety";

const resolvesTo =
  (...addresses: string[]): LookupAll =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
const doesNotResolve: LookupAll = async (host) => {
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
};
const noAllowList = { allowList: [] };

describe("assessUrl", () => {
  test("a public http(s) URL is safe, normalized without its fragment", async () => {
    expect(await assessUrl("HTTPS://Example.com/a/../img.jpg#top", noAllowList, resolvesTo("93.184.216.34"))).toEqual({
      ok: true,
      normalized: "https://example.com/img.jpg",
    });
  });

  test.each([
    ["not a url", "invalid-url"],
    ["file:///etc/passwd", "unsafe-scheme"],
    ["https://user:secret@example.com/a.jpg", "credentials-in-url"],
  ])("%s is rejected (%s) before any lookup, with no normalized form", async (raw, reason) => {
    const lookup = jest.fn(resolvesTo("93.184.216.34"));
    const verdict = await assessUrl(raw, noAllowList, lookup);
    expect(verdict).toMatchObject({ ok: false, reason });
    expect(verdict).not.toHaveProperty("normalized");
    expect(lookup).not.toHaveBeenCalled();
  });

  test("a host that resolves to a private address is rejected, and keeps its normalized form for dedupe", async () => {
    expect(await assessUrl("http://intranet.example/x.png#a", noAllowList, resolvesTo("10.0.0.7"))).toMatchObject({
      ok: false,
      reason: "private-address",
      normalized: "http://intranet.example/x.png",
    });
  });

  test("a host that does not resolve is rejected as unresolvable, with its normalized form", async () => {
    expect(await assessUrl("https://nowhere.invalid/a.jpg", noAllowList, doesNotResolve)).toMatchObject({
      ok: false,
      reason: "unresolvable-host",
      normalized: "https://nowhere.invalid/a.jpg",
    });
  });

  test("an allow-listed loopback host:port is safe; the same host on another port is not", async () => {
    const policy = { allowList: ["127.0.0.1:4580"] };
    expect(await assessUrl("http://127.0.0.1:4580/img/1.jpg", policy)).toEqual({
      ok: true,
      normalized: "http://127.0.0.1:4580/img/1.jpg",
    });
    expect(await assessUrl("http://127.0.0.1:4581/img/1.jpg", policy)).toMatchObject({
      ok: false,
      reason: "private-address",
    });
  });
});
