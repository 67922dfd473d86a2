/** A parsed Logs Insights query: the commands in pipe order, over expressions. */

export type Expr =
  | { readonly kind: "field"; readonly name: string }
  | { readonly kind: "literal"; readonly value: string | number }
  /** A time period such as 5m or 1h, in milliseconds (bin, datefloor). */
  | { readonly kind: "period"; readonly ms: number }
  | { readonly kind: "call"; readonly name: string; readonly args: readonly Expr[] }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "not"; readonly expr: Expr }
  | { readonly kind: "negate"; readonly expr: Expr }
  | { readonly kind: "like"; readonly expr: Expr; readonly pattern: RegExp; readonly negated: boolean }
  | { readonly kind: "in"; readonly expr: Expr; readonly list: readonly Expr[]; readonly negated: boolean };

export type BinaryOp = "and" | "or" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "%" | "^";

/** An expression and the column it makes: its alias, or its text in the query (as AWS names it). */
export interface Named<T = Expr> {
  readonly expr: T;
  readonly name: string;
}

export type AggregateName = "count" | "count_distinct" | "sum" | "avg" | "min" | "max";

export interface Aggregate {
  readonly fn: AggregateName;
  /** undefined for count(*). */
  readonly arg: Expr | undefined;
}

export interface SortKey {
  readonly expr: Expr;
  readonly descending: boolean;
}

export type Command =
  | { readonly kind: "fields"; readonly items: readonly Named[] }
  | { readonly kind: "display"; readonly names: readonly string[] }
  | { readonly kind: "filter"; readonly expr: Expr }
  | { readonly kind: "stats"; readonly aggregates: readonly Named<Aggregate>[]; readonly by: readonly Named[] }
  | { readonly kind: "sort"; readonly keys: readonly SortKey[] }
  | { readonly kind: "limit"; readonly count: number }
  | { readonly kind: "parse"; readonly source: Expr; readonly pattern: RegExp; readonly names: readonly string[] };

export interface Query {
  readonly commands: readonly Command[];
}
