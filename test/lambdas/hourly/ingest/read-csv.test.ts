import { MalformedCsv, readCsv, TruncatedBody } from "../../../../lambdas/hourly/ingest/read-csv";

const rows = async (body: string) => {
  const csv = await readCsv(body);
  const out: string[][] = [];
  for await (const row of csv.rows) out.push(row);
  return { header: csv.header, rows: out };
};

describe("readCsv", () => {
  test("header then rows; blank lines and a BOM dropped; quoted fields kept whole; CRLF lines", async () => {
    expect(await rows('\uFEFFa,b,c\r\n1,2,3\r\n\r\n"x,y",,z\r\n')).toEqual({
      header: ["a", "b", "c"],
      rows: [
        ["1", "2", "3"],
        ["x,y", "", "z"],
      ],
    });
  });
  test("rows of any length come through, for the rules to count", async () => {
    expect((await rows("a,b,c\n1\n1,2,3,4\n")).rows).toEqual([["1"], ["1", "2", "3", "4"]]);
  });
  test("an empty body has no header", async () => {
    expect(await rows("")).toEqual({ header: undefined, rows: [] });
  });
  test("a body cut inside its last row is truncated", async () => {
    await expect(rows("a,b,c\n1,2,3\n4,")).rejects.toThrow(TruncatedBody);
  });
  test("a last row that is whole but has no final newline is not truncated", async () => {
    expect((await rows("a,b,c\n1,2,3")).rows).toEqual([["1", "2", "3"]]);
  });
  test("an unclosed quote is a malformed file", async () => {
    await expect(rows('a,b,c\n"1,2,3\n')).rejects.toThrow(MalformedCsv);
  });
});
