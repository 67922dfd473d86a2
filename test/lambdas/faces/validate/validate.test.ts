import type { ImageCandidate } from "#faces/contracts";
import type { SafetyVerdict } from "#faces/net/assess-url";
import { InvalidMessageError } from "#shared/message";
import { validateRecord } from "../../../../lambdas/faces/validate/validate";
import { MemoryMetadata } from "../fakes";

const candidate = (url: string, extra: Partial<ImageCandidate> = {}): string =>
  JSON.stringify({
    candidateId: "a".repeat(64),
    wikidataId: "Q42",
    name: "Douglas Adams",
    source: "web",
    url,
    foundOn: "http://127.0.0.1:4580/web/people/Q42",
    foundAt: "2026-11-22T10:00:00.000Z",
    ...extra,
  });

const safe = async (url: string): Promise<SafetyVerdict> =>
  url.startsWith("http://10.")
    ? {
        ok: false,
        reason: "private-address",
        detail: "10.0.0.5 is private",
        normalized: new URL(url.split("#")[0] ?? url).href,
      }
    : url.startsWith("ftp:")
      ? { ok: false, reason: "unsafe-scheme", detail: "ftp:" }
      : { ok: true, normalized: new URL(url).href };

describe("validate", () => {
  const now = () => new Date("2026-11-22T10:00:01.000Z");

  test("a safe, new URL is verified, recorded and emitted keyed by person", async () => {
    const db = new MemoryMetadata();
    const out = await validateRecord(candidate("http://127.0.0.1:4580/img/a.jpg#x"), "t-0-1", {
      checkSafety: safe,
      recordSighting: db.recordSighting,
      now,
    });
    expect(out.outcome).toBe("verified");
    expect(out.emit).toHaveLength(1);
    expect(out.emit?.[0]?.key).toBe("Q42");
    expect(out.value?.url).toBe("http://127.0.0.1:4580/img/a.jpg#x");
    expect(out.value?.verifiedAt).toBe("2026-11-22T10:00:01.000Z");
    expect([...db.urls.values()][0]?.validation).toBe("verified");
  });

  test("an unsafe URL is rejected with its reason, recorded, and not emitted", async () => {
    const db = new MemoryMetadata();
    const out = await validateRecord(candidate("http://10.0.0.5/x.jpg"), "t-0-1", {
      checkSafety: safe,
      recordSighting: db.recordSighting,
      now,
    });
    expect(out).toMatchObject({ outcome: "rejected", reason: "private-address" });
    expect(out.emit).toBeUndefined();
    expect([...db.urls.values()][0]).toMatchObject({ validation: "rejected", reason: "private-address" });
  });

  test("the same URL in another record is already-seen; a redelivery of the first record repeats its outcome", async () => {
    const db = new MemoryMetadata();
    const deps = { checkSafety: safe, recordSighting: db.recordSighting, now };
    const url = "http://127.0.0.1:4580/img/a.jpg";
    const first = await validateRecord(candidate(url), "t-0-1", deps);
    const again = await validateRecord(candidate(url, { source: "tmdb" }), "t-1-7", deps);
    const redelivered = await validateRecord(candidate(url), "t-0-1", deps);
    expect(first.outcome).toBe("verified");
    expect(again).toMatchObject({ outcome: "rejected", reason: "already-seen" });
    expect(redelivered.outcome).toBe("verified-again");
    expect(redelivered.emit).toEqual(first.emit);
    expect([...db.urls.values()][0]?.sightings.size).toBe(2);
  });

  test("a rejected first sighting makes later ones already-seen too, and its redelivery is rejected again", async () => {
    const db = new MemoryMetadata();
    const deps = { checkSafety: safe, recordSighting: db.recordSighting, now };
    await validateRecord(candidate("ftp://example.org/a.jpg"), "t-0-1", deps);
    expect(await validateRecord(candidate("ftp://example.org/a.jpg"), "t-0-2", deps)).toMatchObject({
      reason: "already-seen",
    });
    expect(await validateRecord(candidate("ftp://example.org/a.jpg"), "t-0-1", deps)).toMatchObject({
      outcome: "rejected",
      reason: "unsafe-scheme",
    });
  });

  test("a URL whose host is unsafe is still deduplicated by its normalized form (fragment ignored)", async () => {
    const db = new MemoryMetadata();
    const deps = { checkSafety: safe, recordSighting: db.recordSighting, now };
    expect((await validateRecord(candidate("http://10.0.0.5/x.jpg"), "t-0-1", deps)).reason).toBe("private-address");
    expect((await validateRecord(candidate("http://10.0.0.5/x.jpg#again"), "t-0-2", deps)).reason).toBe("already-seen");
  });

  test("a value that is not a candidate fails the record with what is wrong", async () => {
    const deps = { checkSafety: safe, recordSighting: new MemoryMetadata().recordSighting, now };
    await expect(validateRecord("not json", "t-0-1", deps)).rejects.toThrow(InvalidMessageError);
    await expect(validateRecord(JSON.stringify({ wikidataId: "42" }), "t-0-1", deps)).rejects.toThrow(
      /wikidataId: expected a Wikidata item id/,
    );
  });
});
