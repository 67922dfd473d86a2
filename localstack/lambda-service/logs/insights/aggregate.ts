/**
 * The `stats` command: rows grouped by the values of its `by` expressions (a row without one of them is in the
 * group where that field is absent, and its result row omits the field), one result row per group with the
 * group's fields first and then each aggregate under its name. Groups come in the order their first row came,
 * which for the default order of events (newest first) puts the newest group, or bin, first.
 */
import type { Aggregate, Command } from "./ast";
import { compareValues, evaluate, toNumber } from "./expressions";
import { type Row, showValue, type Value } from "./fields";

type Stats = Extract<Command, { kind: "stats" }>;

export function aggregate(rows: readonly Row[], stats: Stats): Row[] {
  const groups = new Map<string, { keys: (Value | undefined)[]; rows: Row[] }>();
  for (const row of rows) {
    const keys = stats.by.map((item) => evaluate(item.expr, row));
    const id = JSON.stringify(keys.map((k) => (k === undefined ? null : [typeof k, showValue(k)])));
    let group = groups.get(id);
    if (!group) {
      group = { keys, rows: [] };
      groups.set(id, group);
    }
    group.rows.push(row);
  }
  if (groups.size === 0 && stats.by.length === 0) groups.set("[]", { keys: [], rows: [] });
  return [...groups.values()].map((group) => {
    const out: Row = new Map();
    stats.by.forEach((item, i) => {
      const key = group.keys[i];
      if (key !== undefined) out.set(item.name, key);
    });
    for (const item of stats.aggregates) {
      const value = compute(item.expr, group.rows);
      if (value !== undefined) out.set(item.name, value);
    }
    return out;
  });
}

function compute(agg: Aggregate, rows: readonly Row[]): Value | undefined {
  const arg = agg.arg;
  if (arg === undefined) return rows.length;
  const values = rows.map((row) => evaluate(arg, row)).filter((v): v is Value => v !== undefined);
  switch (agg.fn) {
    case "count":
      return values.length;
    case "count_distinct":
      return new Set(values.map(showValue)).size;
    case "min":
    case "max": {
      if (values.length === 0) return undefined;
      const sign = agg.fn === "min" ? 1 : -1;
      return values.reduce((best, v) => (sign * compareValues(v, best) < 0 ? v : best));
    }
    default: {
      const numbers = values.map(toNumber).filter((n): n is number => n !== undefined);
      if (numbers.length === 0) return undefined;
      const sum = numbers.reduce((a, b) => a + b, 0);
      return agg.fn === "sum" ? sum : sum / numbers.length;
    }
  }
}
