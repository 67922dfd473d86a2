import {
  type AddressClass,
  checkHost,
  checkUrl,
  classifyAddress,
  hostPort,
  type LookupAll,
} from "#shared/net/url-safety";

const policy = { allowList: [] as string[] };
const resolvesTo =
  (...addresses: string[]): LookupAll =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

describe("checkUrl", () => {
  test("http and https URLs pass, normalized without the fragment", () => {
    const result = checkUrl("HTTPS://Example.COM:443/a b/../c?q=1#frag");
    expect(result).toMatchObject({ ok: true, normalized: "https://example.com/c?q=1" });
    expect(checkUrl("http://example.com")).toMatchObject({ ok: true, normalized: "http://example.com/" });
  });

  test.each([
    ["not a url", "invalid-url"],
    ["/relative/path.jpg", "invalid-url"],
    ["http://", "invalid-url"],
    ["ftp://example.com/a.jpg", "unsafe-scheme"],
    ["file:///etc/passwd", "unsafe-scheme"],
    ["javascript:alert(1)", "unsafe-scheme"],
    ["data:image/png;base64,AAAA", "unsafe-scheme"],
    ["http://user:secret@example.com/", "credentials-in-url"],
    ["http://user@example.com/", "credentials-in-url"],
    ["https://:pw@example.com/", "credentials-in-url"],
  ])("%s → %s", (raw, reason) => {
    expect(checkUrl(raw)).toMatchObject({ ok: false, reason });
  });
});

describe("classifyAddress", () => {
  test.each<[string, AddressClass]>([
    ["8.8.8.8", "public"],
    ["93.184.216.34", "public"],
    ["2606:4700:4700::1111", "public"],
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["::1", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.5.4", "private"],
    ["192.168.0.1", "private"],
    ["fd12:3456::1", "private"],
    ["fc00::1", "private"],
    ["169.254.169.254", "metadata"],
    ["fd00:ec2::254", "metadata"],
    ["::ffff:169.254.169.254", "metadata"],
    ["169.254.10.10", "link-local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["100.64.0.1", "carrier-grade-nat"],
    ["100.127.255.254", "carrier-grade-nat"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.251", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["192.0.2.10", "reserved"],
    ["240.0.0.1", "reserved"],
    ["2001:db8::1", "reserved"],
    ["2002:a00:1::", "reserved"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:8.8.8.8", "public"],
    ["64:ff9b::10.0.0.1", "private"],
    ["64:ff9b::8.8.8.8", "public"],
    ["[::1]", "loopback"],
    ["example.com", "invalid"],
    ["0x7f.1", "invalid"],
  ])("%s is %s", (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });
});

describe("hostPort", () => {
  test("defaults the port per scheme, lower-cases, keeps IPv6 brackets", () => {
    expect(hostPort(new URL("http://LocalHost/x"))).toBe("localhost:80");
    expect(hostPort(new URL("https://example.com/"))).toBe("example.com:443");
    expect(hostPort(new URL("http://[::1]:8080/"))).toBe("[::1]:8080");
  });
});

describe("checkHost", () => {
  test("a name resolving only to public addresses passes, with every address", async () => {
    const result = await checkHost(
      new URL("https://example.com/a.jpg"),
      policy,
      resolvesTo("93.184.216.34", "2606:2800::1"),
    );
    expect(result).toEqual({ ok: true, addresses: ["93.184.216.34", "2606:2800::1"], allowListed: false });
  });

  test("one private address among public ones is enough to refuse", async () => {
    const result = await checkHost(new URL("https://example.com/"), policy, resolvesTo("93.184.216.34", "10.0.0.7"));
    expect(result).toMatchObject({ ok: false, reason: "private-address" });
    expect(!result.ok && result.detail).toContain("10.0.0.7");
  });

  test("IP literals are judged without DNS", async () => {
    const lookup = jest.fn(resolvesTo("8.8.8.8"));
    expect(await checkHost(new URL("http://169.254.169.254/latest/meta-data/"), policy, lookup)).toMatchObject({
      ok: false,
      reason: "private-address",
      detail: expect.stringContaining("metadata"),
    });
    expect(await checkHost(new URL("http://[::ffff:a00:1]/"), policy, lookup)).toMatchObject({
      ok: false,
      reason: "private-address",
    });
    expect(await checkHost(new URL("http://8.8.4.4/"), policy, lookup)).toMatchObject({ ok: true });
    expect(lookup).not.toHaveBeenCalled();
  });

  test("a failed or empty resolution is unresolvable-host", async () => {
    const failing: LookupAll = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND nowhere.invalid"), { code: "ENOTFOUND" });
    };
    expect(await checkHost(new URL("http://nowhere.invalid/"), policy, failing)).toMatchObject({
      ok: false,
      reason: "unresolvable-host",
      detail: expect.stringContaining("ENOTFOUND"),
    });
    expect(await checkHost(new URL("http://empty.example/"), policy, resolvesTo())).toMatchObject({
      ok: false,
      reason: "unresolvable-host",
    });
  });

  test("an allow-listed host:port may be private; the same host on another port may not", async () => {
    const allow = { allowList: ["127.0.0.1:4580", "LocalStack:4566", "[::1]:8080", "web.local:80"] };
    const local = resolvesTo("127.0.0.1");
    expect(await checkHost(new URL("http://127.0.0.1:4580/x"), allow, local)).toMatchObject({
      ok: true,
      allowListed: true,
    });
    expect(await checkHost(new URL("http://localstack:4566/"), allow, resolvesTo("172.18.0.2"))).toMatchObject({
      ok: true,
    });
    expect(await checkHost(new URL("http://[0:0::1]:8080/"), allow, local)).toMatchObject({ ok: true });
    expect(await checkHost(new URL("http://web.local/"), allow, resolvesTo("10.1.1.1"))).toMatchObject({ ok: true });
    expect(await checkHost(new URL("http://127.0.0.1:4581/x"), allow, local)).toMatchObject({
      ok: false,
      reason: "private-address",
    });
    expect(await checkHost(new URL("https://127.0.0.1:4580/x"), allow, local)).toMatchObject({ ok: true });
  });

  test("an allow-listed name must still resolve", async () => {
    const failing: LookupAll = async () => {
      throw new Error("nope");
    };
    expect(
      await checkHost(new URL("http://localstack:4566/"), { allowList: ["localstack:4566"] }, failing),
    ).toMatchObject({
      ok: false,
      reason: "unresolvable-host",
    });
  });
});
