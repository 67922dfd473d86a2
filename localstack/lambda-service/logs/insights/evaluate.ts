/**
 * Runs a parsed query over log events, command after command, as Logs Insights does: events come newest
 * first (so `limit` without `sort` keeps the most recent), `fields` adds columns, `display` chooses them,
 * `filter` keeps rows, `parse` adds extracted fields, `stats` replaces the rows with its groups, `sort` and
 * `limit` order and cut. Without `fields`/`display`/`stats` the columns are @timestamp and @message. Each
 * result row lists its columns that have a value (a field an event lacks is left out, as GetQueryResults
 * does) and, for rows that are events, the @ptr that names the event.
 */

import { aggregate } from "./aggregate";
import type { Command, Query } from "./ast";
import { compareValues, evaluate, truthy } from "./expressions";
import { discoverFields, type LogRecord, type Row, showValue } from "./fields";

export interface ResultField {
  readonly field: string;
  readonly value: string;
}

export interface QueryStatistics {
  readonly recordsMatched: number;
  readonly recordsScanned: number;
  readonly bytesScanned: number;
}

export interface QueryOutput {
  readonly results: ResultField[][];
  readonly statistics: QueryStatistics;
}

const DEFAULT_COLUMNS = ["@timestamp", "@message"];
const POINTER = "@ptr";

export function runQuery(query: Query, records: readonly LogRecord[], limit: number): QueryOutput {
  const ordered = [...records].sort((a, b) => b.timestamp - a.timestamp);
  let rows: Row[] = ordered.map((record, i) => discoverFields(record).set(POINTER, pointer(record, i)));
  let columns: string[] | undefined;
  /** Events that passed every filter before the first stats (a limit does not change it). */
  let matched = rows.length;
  let aggregated = false;
  for (const command of query.commands) {
    if (command.kind === "stats") {
      rows = aggregate(rows, command);
      columns = [...command.by.map((b) => b.name), ...command.aggregates.map((a) => a.name)];
      aggregated = true;
    } else {
      const step = apply(command, rows, columns);
      rows = step.rows;
      columns = step.columns;
      if (command.kind === "filter" && !aggregated) matched = rows.length;
    }
  }
  const shown = columns ?? DEFAULT_COLUMNS;
  const results = rows.slice(0, limit).map((row) => {
    const fields = shown.flatMap((name) => {
      const value = row.get(name);
      return value === undefined ? [] : [{ field: name, value: showValue(value) }];
    });
    const ptr = row.get(POINTER);
    return aggregated || ptr === undefined ? fields : [...fields, { field: POINTER, value: String(ptr) }];
  });
  const bytesScanned = records.reduce((sum, r) => sum + Buffer.byteLength(r.message), 0);
  return {
    results,
    statistics: { recordsMatched: matched, recordsScanned: records.length, bytesScanned },
  };
}

function apply(
  command: Exclude<Command, { kind: "stats" }>,
  rows: Row[],
  columns: string[] | undefined,
): { rows: Row[]; columns: string[] | undefined } {
  switch (command.kind) {
    case "fields": {
      for (const row of rows) {
        for (const item of command.items) {
          const value = evaluate(item.expr, row);
          if (value !== undefined) row.set(item.name, value);
        }
      }
      const names = command.items.map((item) => item.name);
      return { rows, columns: [...new Set([...(columns ?? []), ...names])] };
    }
    case "display":
      return { rows, columns: [...command.names] };
    case "filter":
      return { rows: rows.filter((row) => truthy(evaluate(command.expr, row))), columns };
    case "parse":
      for (const row of rows) parse(command, row);
      return { rows, columns };
    case "sort":
      return { rows: sortRows(rows, command.keys), columns };
    case "limit":
      return { rows: rows.slice(0, command.count), columns };
  }
}

function parse(command: Extract<Command, { kind: "parse" }>, row: Row): void {
  const source = evaluate(command.source, row);
  if (source === undefined) return;
  const match = command.pattern.exec(showValue(source));
  if (!match) return;
  command.names.forEach((name, i) => {
    const value = match.groups?.[name] ?? match[i + 1];
    if (value !== undefined) row.set(name, value);
  });
}

/** A stable sort; rows without the key go last whichever the direction. */
function sortRows(rows: Row[], keys: Extract<Command, { kind: "sort" }>["keys"]): Row[] {
  const values = new Map(rows.map((row) => [row, keys.map((key) => evaluate(key.expr, row))]));
  return [...rows].sort((a, b) => {
    const va = values.get(a) ?? [];
    const vb = values.get(b) ?? [];
    for (const [i, key] of keys.entries()) {
      const x = va[i];
      const y = vb[i];
      if (x === undefined || y === undefined) {
        if (x !== y) return x === undefined ? 1 : -1;
        continue;
      }
      const order = compareValues(x, y);
      if (order !== 0) return key.descending ? -order : order;
    }
    return 0;
  });
}

/** An opaque name for the event (AWS's @ptr is opaque too; GetLogRecord is not answered here). */
function pointer(record: LogRecord, index: number): string {
  return Buffer.from(`${record.logGroupName}\n${record.logStreamName}\n${record.timestamp}\n${index}`).toString(
    "base64url",
  );
}
