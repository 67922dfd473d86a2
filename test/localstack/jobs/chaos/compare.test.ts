import { type Capture, compareCaptures, formatComparison } from "#local/jobs/chaos/compare";

const capture = (groups: Record<string, Record<string, string>>): Capture =>
  new Map(Object.entries(groups).map(([g, entries]) => [g, new Map(Object.entries(entries))]));

describe("compareCaptures", () => {
  test("equal captures: no differences", () => {
    const a = capture({ BankTableName: { "ACCOUNT#A ACCOUNT": '{"balance":100}' }, LakeBucketName: {} });
    const c = compareCaptures(
      a,
      capture({ BankTableName: { "ACCOUNT#A ACCOUNT": '{"balance":100}' }, LakeBucketName: {} }),
    );
    expect(c.differences).toBe(0);
    expect(c.entries).toBe(1);
    expect(formatComparison(c).at(-1)).toMatch(/the same — 1 entries in 2 tables and buckets/);
  });

  test("missing, extra and changed entries, per group, with examples", () => {
    const reference = capture({
      BankTableName: { a: "1", b: "2", c: "3" },
      TweetUsersTableName: { u: "x" },
    });
    const chaos = capture({
      BankTableName: { a: "1", b: "20", d: "4" },
      TweetUsersTableName: { u: "x" },
      FailuresBucketName: { "aws/lambda/m/transactions-0": "1 objects" },
    });
    const c = compareCaptures(reference, chaos);
    const bank = c.groups.find((g) => g.group === "BankTableName");
    expect(bank?.missing).toEqual(["c"]);
    expect(bank?.extra).toEqual(["d"]);
    expect(bank?.changed).toEqual([{ key: "b", reference: "2", chaos: "20" }]);
    expect(c.groups.find((g) => g.group === "FailuresBucketName")?.extra).toEqual(["aws/lambda/m/transactions-0"]);
    expect(c.differences).toBe(4);
    const text = formatComparison(c).join("\n");
    expect(text).toMatch(/BankTableName .* 1 missing, 1 extra, 1 changed/);
    expect(text).toMatch(/reference 2\n.*chaos {5}20/);
    expect(text).toMatch(/verdict: 4 differences in 2 of 3 tables and buckets/);
  });
});
