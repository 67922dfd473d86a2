/**
 * What a table shows, as pure functions of its rows: filtered by a search (every word must appear in some
 * column, case-insensitively) and sorted by one column (numbers as numbers, text in the reader's collation,
 * ties kept in their original order). No DOM here, so it is unit-tested on its own.
 */

export type Cell = string | number | null | undefined;
export type SortDirection = "ascending" | "descending";

export interface ColumnModel<Row> {
  readonly key: string;
  readonly value: (row: Row) => Cell;
}

export interface TableView {
  readonly search: string;
  readonly sortKey?: string;
  readonly direction: SortDirection;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

export function compareCells(a: Cell, b: Cell): number {
  const aEmpty = a === null || a === undefined || a === "";
  const bEmpty = b === null || b === undefined || b === "";
  if (aEmpty || bEmpty) return aEmpty === bEmpty ? 0 : aEmpty ? 1 : -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return collator.compare(String(a), String(b));
}

export function matchesSearch<Row>(row: Row, columns: readonly ColumnModel<Row>[], search: string): boolean {
  const words = search
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== "");
  if (words.length === 0) return true;
  const text = columns.map((c) => String(c.value(row) ?? "").toLowerCase()).join("\u0000");
  return words.every((w) => text.includes(w));
}

/** The rows to show, in order. Empty cells sort last in both directions. */
export function viewRows<Row>(rows: readonly Row[], columns: readonly ColumnModel<Row>[], view: TableView): Row[] {
  const kept = rows.filter((r) => matchesSearch(r, columns, view.search));
  const column = columns.find((c) => c.key === view.sortKey);
  if (column === undefined) return kept;
  const sign = view.direction === "ascending" ? 1 : -1;
  return kept
    .map((row, index) => ({ row, index, cell: column.value(row) }))
    .sort((x, y) => {
      const xEmpty = x.cell === null || x.cell === undefined || x.cell === "";
      const yEmpty = y.cell === null || y.cell === undefined || y.cell === "";
      if (xEmpty !== yEmpty) return xEmpty ? 1 : -1;
      return sign * compareCells(x.cell, y.cell) || x.index - y.index;
    })
    .map((e) => e.row);
}
