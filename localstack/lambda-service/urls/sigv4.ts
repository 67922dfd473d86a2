/**
 * AuthType AWS_IAM for a function URL: the request's Signature Version 4 is computed again with the local
 * credentials (by the SDK's own signer, service `lambda`) and must match, or the URL answers AWS's 403.
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The SDK's Checksum interface over node:crypto (an HMAC when given a secret). */
export class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret: string | Uint8Array | undefined;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash("sha256") : createHmac("sha256", this.secret);
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export interface SignedRequest {
  readonly method: string;
  /** The path as received (percent-encoded). */
  readonly rawPath: string;
  readonly rawQueryString: string;
  /** Lower-case names, each with its values. */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
  readonly body: Buffer;
}

export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Signatures older or newer than this are refused, as AWS refuses them. */
const MAX_SKEW_MS = 15 * 60 * 1000;

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

function amzDate(value: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? "");
  if (!m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

function query(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    const existing = out[name];
    out[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return out;
}

/** The caller's access key when the request is signed for `lambda` in region with the local credentials. */
export async function verifySigV4(
  req: SignedRequest,
  credentials: LocalCredentials,
  region: string,
  now: Date,
): Promise<{ accessKey: string } | undefined> {
  const authorization = req.headers.authorization?.[0];
  const m = AUTHORIZATION.exec(authorization ?? "");
  if (!m) return undefined;
  const [, accessKey, day, signedRegion, service, signedHeaderList, signature] = m;
  if (accessKey !== credentials.accessKeyId || signedRegion !== region || service !== "lambda") return undefined;
  const date = amzDate(req.headers["x-amz-date"]?.[0]);
  if (!date || Math.abs(now.getTime() - date.getTime()) > MAX_SKEW_MS) return undefined;
  if (
    !date
      .toISOString()
      .replace(/-/g, "")
      .startsWith(day ?? "")
  )
    return undefined;
  // The signer trusts a declared payload hash; the body must match it.
  const declaredHash = req.headers["x-amz-content-sha256"]?.[0];
  if (declaredHash !== undefined && declaredHash !== createHash("sha256").update(req.body).digest("hex")) {
    return undefined;
  }
  const signedHeaders = (signedHeaderList ?? "").split(";");
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const values = req.headers[name];
    if (values === undefined) return undefined;
    headers[name] = values.join(",");
  }
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(headers["x-amz-security-token"] === undefined ? {} : { sessionToken: headers["x-amz-security-token"] }),
    },
    region,
    service: "lambda",
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const [hostname = "", port] = (headers.host ?? "").split(":");
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: "http:",
      hostname,
      ...(port === undefined ? {} : { port: Number(port) }),
      path: decodeURIComponent(req.rawPath),
      query: query(req.rawQueryString),
      headers,
      body: req.body,
    },
    { signingDate: date, signableHeaders: new Set(signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ""))?.[1];
  return expected !== undefined && expected === signature ? { accessKey: accessKey ?? "" } : undefined;
}
