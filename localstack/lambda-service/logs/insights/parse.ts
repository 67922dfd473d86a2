/**
 * Logs Insights QL, the subset sluice answers: `fields`, `display`, `filter`, `stats`, `sort`, `limit` and
 * `parse` (glob and regex forms), separated by `|`, with comparisons, `and`/`or`/`not`, `like` and `=~` with a
 * string or a /regex/, `in [..]`, arithmetic, and the functions in FUNCTIONS. Everything else (other commands,
 * functions, aggregates) is refused with a MalformedQueryError that names it: never silently ignored.
 * A recursive-descent parser over lexer.ts' tokens; the grammar is small enough that a parser generator
 * would add a dependency without removing much code.
 */
import type { Aggregate, AggregateName, BinaryOp, Command, Expr, Named, Query, SortKey } from "./ast";
import { MalformedQueryError } from "./errors";
import { type Token, tokenize } from "./lexer";
import { compileRegex, escapeRegex, globRegex } from "./patterns";

const COMMANDS = ["fields", "display", "filter", "stats", "sort", "limit", "parse"] as const;
const AGGREGATES: readonly AggregateName[] = ["count", "count_distinct", "sum", "avg", "min", "max"];
/** Functions usable in fields, filter and stats ... by, with their argument counts. */
export const FUNCTIONS: Readonly<Record<string, readonly [min: number, max: number]>> = {
  ispresent: [1, 1],
  isempty: [1, 1],
  isblank: [1, 1],
  coalesce: [1, 100],
  concat: [1, 100],
  tolower: [1, 1],
  toupper: [1, 1],
  strlen: [1, 1],
  abs: [1, 1],
  ceil: [1, 1],
  floor: [1, 1],
  bin: [1, 1],
};
const COMPARISONS = new Set(["=", "!=", "<", "<=", ">", ">="]);
const PERIOD_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** AWS's largest `limit` (StartQuery's limit parameter allows more, through paging). */
export const MAX_QUERY_LIMIT = 10_000;

export function parseQuery(text: string): Query {
  const parser = new Parser(text, tokenize(text));
  const query = parser.query();
  if (query.commands.length === 0) throw new MalformedQueryError("the query has no command", 0, text.length);
  return query;
}

class Parser {
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  query(): Query {
    const commands: Command[] = [];
    if (this.peek().kind === "end") return { commands };
    for (;;) {
      commands.push(this.command());
      const after = this.next();
      if (after.kind === "end") return { commands };
      if (after.kind !== "pipe") throw this.unexpected(after, "'|' or the end of the query");
    }
  }

  private command(): Command {
    const token = this.next();
    const name = token.text.toLowerCase();
    if (token.kind !== "name") throw this.unexpected(token, "a command");
    if (!(COMMANDS as readonly string[]).includes(name)) {
      throw new MalformedQueryError(
        `'${token.text}' is not a command sluice's Logs Insights supports (it answers ${COMMANDS.join(", ")})`,
        token.start,
        token.end,
      );
    }
    switch (name) {
      case "fields":
        return { kind: "fields", items: this.list(() => this.named(() => this.expr())) };
      case "display":
        return { kind: "display", names: this.list(() => this.fieldName()) };
      case "filter":
        return { kind: "filter", expr: this.expr() };
      case "stats":
        return this.stats();
      case "sort":
        return { kind: "sort", keys: this.list(() => this.sortKey()) };
      case "limit":
        return { kind: "limit", count: this.limitCount() };
      default:
        return this.parseCommand();
    }
  }

  private stats(): Command {
    const aggregates = this.list(() => this.named(() => this.aggregate()));
    const by = this.keyword("by") ? this.list(() => this.named(() => this.additive())) : [];
    return { kind: "stats", aggregates, by };
  }

  private aggregate(): Aggregate {
    const token = this.next();
    const fn = token.text.toLowerCase() as AggregateName;
    if (token.kind !== "name" || this.peek().text !== "(") {
      throw new MalformedQueryError("stats takes aggregate functions such as count(*)", token.start, token.end);
    }
    if (!AGGREGATES.includes(fn)) {
      throw new MalformedQueryError(
        `aggregate function '${token.text}' is not supported by sluice's Logs Insights (it answers ${AGGREGATES.join(", ")})`,
        token.start,
        token.end,
      );
    }
    this.expect("(");
    let arg: Expr | undefined;
    if (fn === "count" && this.peek().text === "*") this.next();
    else arg = this.expr();
    this.expect(")");
    return { fn, arg };
  }

  private sortKey(): SortKey {
    const expr = this.additive();
    if (this.keyword("desc")) return { expr, descending: true };
    this.keyword("asc");
    return { expr, descending: false };
  }

  private limitCount(): number {
    const token = this.next();
    const count = Number(token.text);
    if (token.kind !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_QUERY_LIMIT) {
      throw new MalformedQueryError(`limit takes a whole number from 1 to ${MAX_QUERY_LIMIT}`, token.start, token.end);
    }
    return count;
  }

  private parseCommand(): Command {
    const source = this.additive();
    const pattern = this.next();
    if (pattern.kind === "regex") {
      const regex = compileRegex(pattern);
      const names = [...regex.source.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1] ?? "");
      if (names.length === 0) {
        throw new MalformedQueryError(
          "a parse regular expression names its fields: (?<name>…)",
          pattern.start,
          pattern.end,
        );
      }
      return { kind: "parse", source, pattern: regex, names };
    }
    if (pattern.kind !== "string") throw this.unexpected(pattern, 'a "glob * pattern" or a /regular expression/');
    if (!this.keyword("as")) throw this.unexpected(this.peek(), "as");
    const names = this.list(() => this.fieldName());
    const stars = pattern.text.split("*").length - 1;
    if (stars !== names.length) {
      throw new MalformedQueryError(
        `the parse pattern has ${stars} * but ${names.length} field names`,
        pattern.start,
        this.tokens[this.at - 1]?.end ?? pattern.end,
      );
    }
    return { kind: "parse", source, pattern: globRegex(pattern.text), names };
  }

  // expressions, loosest first: or, and, not, comparison / like / in, + -, * / %, ^, unary -, primary

  expr(): Expr {
    let left = this.and();
    while (this.keyword("or")) left = { kind: "binary", op: "or", left, right: this.and() };
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.keyword("and")) left = { kind: "binary", op: "and", left, right: this.not() };
    return left;
  }

  private not(): Expr {
    if (this.keyword("not")) return { kind: "not", expr: this.not() };
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    const token = this.peek();
    if (token.kind === "op" && COMPARISONS.has(token.text)) {
      this.next();
      return { kind: "binary", op: token.text as BinaryOp, left, right: this.additive() };
    }
    if (token.kind === "op" && token.text === "=~") {
      this.next();
      return { kind: "like", expr: left, pattern: this.pattern(), negated: false };
    }
    const negated = token.kind === "name" && token.text.toLowerCase() === "not" && this.isNotLikeOrIn();
    if (negated) this.next();
    if (this.keyword("like")) return { kind: "like", expr: left, pattern: this.pattern(), negated };
    if (this.keyword("in")) return { kind: "in", expr: left, list: this.inList(), negated };
    if (negated) throw this.unexpected(this.peek(), "like or in");
    return left;
  }

  private isNotLikeOrIn(): boolean {
    const after = this.tokens[this.at + 1]?.text.toLowerCase();
    return after === "like" || after === "in";
  }

  private pattern(): RegExp {
    const token = this.next();
    if (token.kind === "regex") return compileRegex(token);
    if (token.kind === "string") return new RegExp(escapeRegex(token.text));
    throw this.unexpected(token, 'a "string" or a /regular expression/');
  }

  private inList(): Expr[] {
    this.expect("[");
    const items = this.peek().text === "]" ? [] : this.list(() => this.additive());
    this.expect("]");
    return items;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (let op = this.peek().text; this.peek().kind === "op" && (op === "+" || op === "-"); op = this.peek().text) {
      this.next();
      left = { kind: "binary", op, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.power();
    for (let op = this.peek().text; this.peek().kind === "op" && /^[*/%]$/.test(op); op = this.peek().text) {
      this.next();
      left = { kind: "binary", op: op as BinaryOp, left, right: this.power() };
    }
    return left;
  }

  private power(): Expr {
    const left = this.unary();
    if (this.peek().kind === "op" && this.peek().text === "^") {
      this.next();
      return { kind: "binary", op: "^", left, right: this.power() };
    }
    return left;
  }

  private unary(): Expr {
    if (this.peek().kind === "op" && this.peek().text === "-") {
      this.next();
      return { kind: "negate", expr: this.unary() };
    }
    return this.primary();
  }

  private primary(): Expr {
    const token = this.next();
    if (token.kind === "number") return numberOrPeriod(token);
    if (token.kind === "string") return { kind: "literal", value: token.text };
    if (token.kind === "quoted") return { kind: "field", name: token.text };
    if (token.kind === "op" && token.text === "(") {
      const inner = this.expr();
      this.expect(")");
      return inner;
    }
    if (token.kind !== "name") throw this.unexpected(token, "a field, a value or a function");
    if (this.peek().text !== "(") return { kind: "field", name: token.text };
    const name = token.text.toLowerCase();
    const arity = FUNCTIONS[name];
    if (!arity) {
      const what = AGGREGATES.includes(name as AggregateName) ? "outside stats" : "by sluice's Logs Insights";
      throw new MalformedQueryError(`function '${token.text}' is not supported ${what}`, token.start, token.end);
    }
    this.expect("(");
    const args = this.peek().text === ")" ? [] : this.list(() => this.expr());
    const close = this.expect(")");
    if (args.length < arity[0] || args.length > arity[1]) {
      throw new MalformedQueryError(`${name} takes ${arity[0]}..${arity[1]} arguments`, token.start, close.end);
    }
    return { kind: "call", name, args };
  }

  // helpers

  private named<T>(item: () => T): Named<T> {
    const start = this.peek().start;
    const expr = item();
    const end = this.tokens[this.at - 1]?.end ?? start;
    const name = this.keyword("as") ? this.fieldName() : this.text.slice(start, end).trim();
    return { expr, name };
  }

  private fieldName(): string {
    const token = this.next();
    if (token.kind !== "name" && token.kind !== "quoted") throw this.unexpected(token, "a field name");
    return token.text;
  }

  private list<T>(item: () => T): T[] {
    const items = [item()];
    while (this.peek().kind === "op" && this.peek().text === ",") {
      this.next();
      items.push(item());
    }
    return items;
  }

  private keyword(word: string): boolean {
    const token = this.peek();
    if (token.kind !== "name" || token.text.toLowerCase() !== word) return false;
    this.next();
    return true;
  }

  private expect(op: string): Token {
    const token = this.next();
    if (token.kind !== "op" || token.text !== op) throw this.unexpected(token, `'${op}'`);
    return token;
  }

  private peek(): Token {
    return this.tokens[this.at] ?? (this.tokens.at(-1) as Token);
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== "end") this.at++;
    return token;
  }

  private unexpected(token: Token, wanted: string): MalformedQueryError {
    const found = token.kind === "end" ? "the end of the query" : `'${this.text.slice(token.start, token.end)}'`;
    return new MalformedQueryError(`expected ${wanted} but found ${found}`, token.start, token.end);
  }
}

function numberOrPeriod(token: Token): Expr {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(token.text) ?? /^(\d*\.\d+)()$/.exec(token.text);
  if (!match) throw new MalformedQueryError(`'${token.text}' is not a number`, token.start, token.end);
  const value = Number(match[1]);
  const unit = match[2];
  return unit ? { kind: "period", ms: value * (PERIOD_MS[unit] ?? 0) } : { kind: "literal", value };
}
