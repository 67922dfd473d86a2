/**
 * The connect-time half of the safe fetcher's address policy: the undici connector resolves names itself
 * and refuses non-public answers, so the address checked is the address connected to (no DNS rebinding
 * between a check and the connection).
 */
import { isIP, type LookupFunction } from "node:net";
import { buildConnector } from "undici";
import { classifyAddress, type LookupAll, normalizeAllowList, type UrlPolicy } from "./url-safety";

/** Raised by the connector when a connection would reach a non-public address (or nothing). */
export class BlockedAddressError extends Error {
  override readonly name = "BlockedAddressError";
  constructor(
    readonly reason: "private-address" | "unresolvable-host",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The undici connector: resolution happens here, and a connection is only opened to addresses that
 * pass, unless the URL's host:port is allow-listed. IP literals never reach a lookup (net.connect skips
 * it), so they are judged here directly.
 */
export function guardedConnector(policy: UrlPolicy, lookup: LookupAll, timeoutMs: number): buildConnector.connector {
  const allowed = normalizeAllowList(policy.allowList);
  const open = buildConnector({ timeout: timeoutMs, lookup: resolvingLookup(lookup, false) });
  const guarded = buildConnector({ timeout: timeoutMs, lookup: resolvingLookup(lookup, true) });
  return (connectOptions, callback) => {
    const { hostname, protocol, port } = connectOptions;
    const host = isIP(hostname) === 6 ? `[${hostname}]` : hostname.toLowerCase();
    const key = `${host}:${port || (protocol === "https:" ? "443" : "80")}`;
    if (allowed.has(key)) return open(connectOptions, callback);
    if (isIP(hostname) !== 0) {
      const kind = classifyAddress(hostname);
      if (kind !== "public") {
        return callback(new BlockedAddressError("private-address", `${hostname} is a ${kind} address`), null);
      }
    }
    return guarded(connectOptions, callback);
  };
}

/** A `net.connect` lookup over `LookupAll` that, when guarding, refuses if any answer is non-public. */
function resolvingLookup(lookup: LookupAll, guard: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname).then(
      (answers) => {
        const wanted =
          options.family === 4 || options.family === 6 ? answers.filter((a) => a.family === options.family) : answers;
        const firstAnswer = wanted[0];
        if (!firstAnswer) {
          return callback(
            new BlockedAddressError("unresolvable-host", `${hostname} resolved to no usable address`),
            "",
            0,
          );
        }
        if (guard) {
          for (const answer of wanted) {
            const kind = classifyAddress(answer.address);
            if (kind !== "public") {
              const error = new BlockedAddressError(
                "private-address",
                `${hostname} resolved to ${answer.address}, a ${kind} address, at connect time`,
              );
              return callback(error, "", 0);
            }
          }
        }
        if (options.all)
          return callback(
            null,
            wanted.map((a) => ({ address: a.address, family: a.family })),
          );
        return callback(null, firstAnswer.address, firstAnswer.family);
      },
      (error: unknown) =>
        callback(new BlockedAddressError("unresolvable-host", `${hostname} did not resolve`, { cause: error }), "", 0),
    );
  };
}
