/**
 * Is a URL safe to fetch from inside our network? Three questions, each its own function so that the
 * validate stage (before anything is fetched) and the HTTP client (before each connection and each
 * redirect) ask them the same way:
 *
 * - `checkUrl`: is it an http(s) URL without credentials? (pure)
 * - `classifyAddress`: what kind of address is this IP? Only "public" is safe. (pure)
 * - `checkHost`: does the host resolve, and only to public addresses? (DNS, injectable)
 *
 * Failures carry reasons a pipeline can record as they are (the face pipeline's validate reasons use the same words).
 */
import { promises as dns } from "node:dns";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

export interface UrlPolicy {
  /**
   * Exact `host:port` entries (e.g. `127.0.0.1:4580`, `[::1]:8080`, `localstack:4566`) that may resolve
   * to non-public addresses: the local stack's own endpoints. A port is required; matching is on the
   * URL's host as written (lower-cased), never on what it resolves to.
   */
  allowList: readonly string[];
}

export type UrlCheck =
  | { ok: true; url: URL; normalized: string }
  | {
      ok: false;
      reason: "invalid-url" | "unsafe-scheme" | "credentials-in-url";
      detail: string;
    };

export type HostCheck =
  | { ok: true; addresses: string[]; allowListed: boolean }
  | { ok: false; reason: "private-address" | "unresolvable-host"; detail: string };

/** Every address a host name resolves to (like `dns.promises.lookup(host, { all: true })`). */
export type LookupAll = (hostname: string) => Promise<ReadonlyArray<{ address: string; family: number }>>;

export const systemLookup: LookupAll = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * Syntax and scheme only: no DNS. `normalized` is the WHATWG serialization without the fragment (the
 * fragment never reaches the server, so two URLs differing only there are the same resource).
 */
export function checkUrl(raw: string): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    return { ok: false, reason: "invalid-url", detail: `not an absolute URL: ${describe(error)}` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { ok: false, reason: "unsafe-scheme", detail: `scheme ${url.protocol} is not http or https` };
  }
  if (url.username !== "" || url.password !== "") {
    return { ok: false, reason: "credentials-in-url", detail: "the URL carries a user name or password" };
  }
  url.hash = "";
  return { ok: true, url, normalized: url.href };
}

export type AddressClass =
  | "public"
  | "loopback"
  | "private"
  | "link-local"
  | "metadata"
  | "carrier-grade-nat"
  | "unspecified"
  | "multicast"
  | "broadcast"
  | "reserved"
  | "invalid";

/** Cloud instance metadata services: the classic SSRF target, named apart so logs say what was attempted. */
const METADATA = new Set(["169.254.169.254", "fd00:ec2::254"]);

const IPV4_CLASS: Record<string, AddressClass> = {
  unicast: "public",
  unspecified: "unspecified",
  broadcast: "broadcast",
  multicast: "multicast",
  linkLocal: "link-local",
  loopback: "loopback",
  carrierGradeNat: "carrier-grade-nat",
  private: "private",
};

const IPV6_CLASS: Record<string, AddressClass> = {
  unspecified: "unspecified",
  linkLocal: "link-local",
  multicast: "multicast",
  loopback: "loopback",
  // The IPv6 counterparts of RFC 1918 networks.
  uniqueLocal: "private",
  deprecatedSiteLocal: "private",
};

/** 2000::/3, the only IPv6 space allocated for global unicast; ipaddr.js calls everything else "unicast" too. */
const GLOBAL_UNICAST = ipaddr.IPv6.parse("2000::");
const NAT64_LOCAL = ipaddr.IPv6.parse("64:ff9b:1::");

/**
 * The kind of an IP address (v4 or v6, no brackets). Only "public" is safe to connect to. IPv4-mapped
 * IPv6 (`::ffff:10.0.0.1`) and NAT64 (`64:ff9b::a00:1`) addresses are judged by the IPv4 address they
 * reach; other transition and special-purpose ranges (6to4, Teredo, documentation, benchmarking, …)
 * count as "reserved" rather than guessing where they lead.
 */
export function classifyAddress(ip: string): AddressClass {
  const bare = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
  // net.isIP is strict (dotted-quad or RFC 4291 text); ipaddr.js alone would also take "0x7f.1".
  if (isIP(bare.split("%")[0] ?? "") === 0) return "invalid";
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(bare);
  } catch {
    return "invalid";
  }
  if (METADATA.has(address.toNormalizedString()) || METADATA.has(address.toString())) return "metadata";
  if (address.kind() === "ipv4") return IPV4_CLASS[address.range()] ?? "reserved";

  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  if (range === "rfc6052") {
    // NAT64: the last 32 bits are the IPv4 destination. 64:ff9b:1::/48 is for local use only.
    if (v6.match(NAT64_LOCAL, 48)) return "reserved";
    return classifyAddress(v6.toByteArray().slice(12).join("."));
  }
  const named = IPV6_CLASS[range];
  if (named) return named;
  if (range === "unicast" && v6.match(GLOBAL_UNICAST, 3)) return "public";
  return "reserved";
}

/** `host:port` as the allow-list spells it: lower-cased host, IPv6 in brackets, the scheme's port if none. */
export function hostPort(url: URL): string {
  const port = url.port || (url.protocol === "https:" ? "443" : url.protocol === "http:" ? "80" : "");
  return `${url.hostname.toLowerCase()}:${port}`;
}

/** Allow-list entries compared in canonical form, so `[0:0::1]:8080` matches a URL written `[::1]:8080`. */
export function normalizeAllowList(entries: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const entry of entries) {
    const trimmed = entry.trim().toLowerCase();
    const match = /^(.+):(\d{1,5})$/.exec(trimmed);
    if (!match) {
      out.add(trimmed); // no port: kept as written, so it can never match (a URL's host:port always has one)
      continue;
    }
    try {
      out.add(`${new URL(`http://${match[1]}`).hostname}:${Number(match[2])}`);
    } catch {
      out.add(trimmed);
    }
  }
  return out;
}

function isAllowListed(url: URL, policy: UrlPolicy): boolean {
  return normalizeAllowList(policy.allowList).has(hostPort(url));
}

/**
 * Where does the host lead? An IP literal is judged as written; a name is resolved and every address
 * it resolves to must be public (one private answer is enough for an attacker who controls the
 * name's DNS). Allow-listed `host:port`s may resolve anywhere, but must still resolve.
 *
 * This answer is only as good as the moment it was given: a name can resolve differently by the time
 * something connects (DNS rebinding). The HTTP client therefore checks again at connect time.
 */
export async function checkHost(url: URL, policy: UrlPolicy, lookup: LookupAll = systemLookup): Promise<HostCheck> {
  const allowListed = isAllowListed(url, policy);
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;

  let addresses: string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    try {
      addresses = (await lookup(host)).map((a) => a.address);
    } catch (error) {
      return { ok: false, reason: "unresolvable-host", detail: `${host} did not resolve: ${describe(error)}` };
    }
    if (addresses.length === 0) {
      return { ok: false, reason: "unresolvable-host", detail: `${host} resolved to no addresses` };
    }
  }
  if (!allowListed) {
    for (const address of addresses) {
      const kind = classifyAddress(address);
      if (kind !== "public") {
        return {
          ok: false,
          reason: "private-address",
          detail: `${host} ${address === host ? "is" : `resolves to ${address}, which is`} a ${kind} address`,
        };
      }
    }
  }
  return { ok: true, addresses, allowListed };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
