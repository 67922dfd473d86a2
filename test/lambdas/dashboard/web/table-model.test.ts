import {
  type ColumnModel,
  compareCells,
  matchesSearch,
  viewRows,
} from "../../../../lambdas/dashboard/web/lib/table-model";

interface Row {
  readonly tag: string;
  readonly count?: number;
}
const columns: ColumnModel<Row>[] = [
  { key: "tag", value: (r) => r.tag },
  { key: "count", value: (r) => r.count },
];
const rows: Row[] = [
  { tag: "covid", count: 3 },
  { tag: "Vaccine", count: 12 },
  { tag: "news" },
  { tag: "covid19", count: 3 },
];

test("numbers sort as numbers, text by collation (case-insensitive, digits by value), ties keep their order", () => {
  expect(viewRows(rows, columns, { search: "", sortKey: "count", direction: "descending" }).map((r) => r.tag)).toEqual([
    "Vaccine",
    "covid",
    "covid19",
    "news",
  ]);
  expect(viewRows(rows, columns, { search: "", sortKey: "tag", direction: "ascending" }).map((r) => r.tag)).toEqual([
    "covid",
    "covid19",
    "news",
    "Vaccine",
  ]);
  expect(compareCells("item 2", "item 10")).toBeLessThan(0);
});

test("empty cells sort last in both directions", () => {
  for (const direction of ["ascending", "descending"] as const) {
    expect(viewRows(rows, columns, { search: "", sortKey: "count", direction }).at(-1)?.tag).toBe("news");
  }
});

test("a search keeps the rows holding every word in some column, ignoring case", () => {
  expect(viewRows(rows, columns, { search: "COVID 3", direction: "ascending" }).map((r) => r.tag)).toEqual([
    "covid",
    "covid19",
  ]);
  expect(matchesSearch(rows[1] as Row, columns, "  ")).toBe(true);
  expect(viewRows(rows, columns, { search: "nothing", direction: "ascending" })).toEqual([]);
});
