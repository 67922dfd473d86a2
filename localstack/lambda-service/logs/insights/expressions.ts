/**
 * The value of an expression for one row. A field the event does not have is undefined, and a comparison,
 * `like` or `in` with an undefined side is false (so `filter f != "x"` keeps only events that have f).
 * Two values compare as numbers when both read as numbers (times as epoch milliseconds), else as text.
 */
import type { Expr } from "./ast";
import { type Row, showValue, type Value } from "./fields";

export type Result = Value | undefined;

export function evaluate(expr: Expr, row: Row): Result {
  switch (expr.kind) {
    case "field":
      return row.get(expr.name);
    case "literal":
      return expr.value;
    case "period":
      return expr.ms;
    case "not":
      return !truthy(evaluate(expr.expr, row));
    case "negate": {
      const n = toNumber(evaluate(expr.expr, row));
      return n === undefined ? undefined : -n;
    }
    case "like": {
      const value = evaluate(expr.expr, row);
      if (value === undefined) return false;
      return expr.pattern.test(showValue(value)) !== expr.negated;
    }
    case "in": {
      const value = evaluate(expr.expr, row);
      if (value === undefined) return false;
      const found = expr.list.some((item) => equal(value, evaluate(item, row)));
      return found !== expr.negated;
    }
    case "binary":
      return binary(expr.op, expr.left, expr.right, row);
    case "call":
      return call(expr.name, expr.args, row);
  }
}

export function truthy(value: Result): boolean {
  if (value === undefined) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (value instanceof Date) return true;
  return value !== "";
}

/** A number, a text that reads as one, or a time; undefined otherwise. */
export function toNumber(value: Result): number | undefined {
  if (typeof value === "number") return value;
  if (value instanceof Date) return value.getTime();
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

/** Ordering of two present values: numbers (and times) numerically, anything else as text. */
export function compareValues(a: Value, b: Value): number {
  const x = toNumber(a);
  const y = toNumber(b);
  if (x !== undefined && y !== undefined) return x - y;
  const s = showValue(a);
  const t = showValue(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

function equal(a: Result, b: Result): boolean {
  return a !== undefined && b !== undefined && compareValues(a, b) === 0;
}

function binary(op: string, leftExpr: Expr, rightExpr: Expr, row: Row): Result {
  if (op === "and") return truthy(evaluate(leftExpr, row)) && truthy(evaluate(rightExpr, row));
  if (op === "or") return truthy(evaluate(leftExpr, row)) || truthy(evaluate(rightExpr, row));
  const left = evaluate(leftExpr, row);
  const right = evaluate(rightExpr, row);
  if (left === undefined || right === undefined)
    return ["=", "!=", "<", "<=", ">", ">="].includes(op) ? false : undefined;
  switch (op) {
    case "=":
      return compareValues(left, right) === 0;
    case "!=":
      return compareValues(left, right) !== 0;
    case "<":
      return compareValues(left, right) < 0;
    case "<=":
      return compareValues(left, right) <= 0;
    case ">":
      return compareValues(left, right) > 0;
    case ">=":
      return compareValues(left, right) >= 0;
  }
  const x = toNumber(left);
  const y = toNumber(right);
  if (x === undefined || y === undefined) return undefined;
  const result = arithmetic(op, x, y);
  return Number.isFinite(result) ? result : undefined;
}

function arithmetic(op: string, x: number, y: number): number {
  switch (op) {
    case "+":
      return x + y;
    case "-":
      return x - y;
    case "*":
      return x * y;
    case "/":
      return x / y;
    case "%":
      return x % y;
    default:
      return x ** y;
  }
}

function call(name: string, args: readonly Expr[], row: Row): Result {
  const values = args.map((arg) => evaluate(arg, row));
  const [first] = values;
  const text = first === undefined ? undefined : showValue(first);
  switch (name) {
    case "ispresent":
      return first !== undefined;
    case "isempty":
      return text === undefined || text === "";
    case "isblank":
      return text === undefined || text.trim() === "";
    case "coalesce":
      return values.find((v) => v !== undefined);
    case "concat":
      return values.map((v) => (v === undefined ? "" : showValue(v))).join("");
    case "tolower":
      return text?.toLowerCase();
    case "toupper":
      return text?.toUpperCase();
    case "strlen":
      return text === undefined ? undefined : [...text].length;
    case "bin":
      return bin(row.get("@timestamp"), toNumber(first));
    default:
      return numeric(name, toNumber(first));
  }
}

function numeric(name: string, n: number | undefined): Result {
  if (n === undefined) return undefined;
  if (name === "abs") return Math.abs(n);
  if (name === "ceil") return Math.ceil(n);
  return Math.floor(n);
}

/** bin(period): the event's @timestamp rounded down to the period (from the epoch, in UTC). */
function bin(timestamp: Value | undefined, periodMs: number | undefined): Result {
  if (!(timestamp instanceof Date) || !periodMs) return undefined;
  return new Date(Math.floor(timestamp.getTime() / periodMs) * periodMs);
}
