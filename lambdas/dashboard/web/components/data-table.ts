/**
 * A table with a caption, column headers, sorting (each header is a button; `aria-sort` says the order) and a
 * search box. `update(rows)` keeps the reader's sort and search across refreshes. Cells are text.
 */
import { h, replace } from "../dom";
import { type Cell, type SortDirection, type TableView, viewRows } from "../lib/table-model";

export interface Column<Row> {
  readonly key: string;
  readonly label: string;
  readonly value: (row: Row) => Cell;
  /** Right-aligned, and formatted with `format` if given. */
  readonly numeric?: boolean;
  /** What the cell shows; the sort and search use `value`. @default String(value) */
  readonly format?: (row: Row) => string;
  /** A cell that holds a link (within the app), e.g. to an account's page. */
  readonly href?: (row: Row) => string | undefined;
}

export interface DataTableOptions<Row> {
  readonly caption: string;
  readonly columns: readonly Column<Row>[];
  /** @default no sort: the rows' own order */
  readonly sort?: { readonly key: string; readonly direction: SortDirection };
  /** @default true */
  readonly searchable?: boolean;
  /** Shown when there are no rows at all. */
  readonly emptyMessage: string;
  /** Names the table for tests and labels: `data-table="<id>"`. */
  readonly id: string;
}

export class DataTable<Row> {
  readonly element: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly count: HTMLElement;
  private readonly headers: HTMLTableCellElement[] = [];
  private view: TableView;
  private rows: readonly Row[] = [];

  constructor(private readonly options: DataTableOptions<Row>) {
    this.view = { search: "", sortKey: options.sort?.key, direction: options.sort?.direction ?? "ascending" };
    this.tbody = h("tbody");
    const headRow = h("tr");
    for (const column of options.columns) {
      const button = h("button", { type: "button", class: "sort" }, column.label);
      button.addEventListener("click", () => this.sortBy(column.key));
      const th = h("th", { scope: "col", class: column.numeric ? "num" : undefined, "data-key": column.key }, button);
      this.headers.push(th);
      headRow.append(th);
    }
    this.table = h(
      "table",
      { "data-table": options.id },
      h("caption", {}, options.caption),
      h("thead", {}, headRow),
      this.tbody,
    );
    this.count = h("p", { class: "table-count", "aria-live": "polite" });
    const search = h("input", {
      type: "search",
      "aria-label": `Search ${options.caption}`,
      placeholder: "Search…",
      "data-search": options.id,
    });
    search.addEventListener("input", () => {
      this.view = { ...this.view, search: search.value };
      this.render();
    });
    this.element = h(
      "div",
      { class: "data-table" },
      options.searchable === false ? null : h("div", { class: "table-tools" }, search, this.count),
      h("div", { class: "table-scroll" }, this.table),
    );
    this.render();
  }

  update(rows: readonly Row[]): void {
    this.rows = rows;
    this.render();
  }

  private sortBy(key: string): void {
    const direction: SortDirection =
      this.view.sortKey === key && this.view.direction === "descending"
        ? "ascending"
        : this.view.sortKey === key
          ? "descending"
          : this.defaultDirection(key);
    this.view = { ...this.view, sortKey: key, direction };
    this.render();
  }

  private defaultDirection(key: string): SortDirection {
    return this.options.columns.find((c) => c.key === key)?.numeric ? "descending" : "ascending";
  }

  private render(): void {
    const { columns } = this.options;
    for (const th of this.headers) {
      const sorted = th.dataset.key === this.view.sortKey;
      if (sorted) th.setAttribute("aria-sort", this.view.direction);
      else th.removeAttribute("aria-sort");
    }
    const shown = viewRows(this.rows, columns, this.view);
    this.count.textContent =
      this.view.search === "" ? `${this.rows.length} rows` : `${shown.length} of ${this.rows.length} rows`;
    if (shown.length === 0) {
      const message = this.rows.length === 0 ? this.options.emptyMessage : "No row matches the search.";
      replace(this.tbody, h("tr", {}, h("td", { colspan: columns.length, class: "state state-empty" }, message)));
      return;
    }
    replace(
      this.tbody,
      ...shown.map((row) =>
        h(
          "tr",
          {},
          ...columns.map((c) => {
            const text = c.format ? c.format(row) : String(c.value(row) ?? "");
            const href = c.href?.(row);
            return h(
              "td",
              { class: c.numeric ? "num" : undefined },
              href === undefined ? text : h("a", { href }, text),
            );
          }),
        ),
      ),
    );
  }
}
