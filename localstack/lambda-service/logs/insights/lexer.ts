/**
 * The tokens of a Logs Insights query (Logs Insights QL, "CloudWatch Logs Insights language query syntax"):
 * field names (letters, digits, `_`, `@`, `.`, or anything between backticks), numbers, quoted strings,
 * /regular expressions/ (only where a pattern is expected: after `like`, `=~` and a parse command's field),
 * operators, and `|` between commands; `#` starts a comment to the end of the line. Each token keeps its
 * offsets, so errors and unaliased column names can quote the query.
 */
import { MalformedQueryError } from "./errors";

export type TokenKind = "name" | "quoted" | "number" | "string" | "regex" | "op" | "pipe" | "end";

export interface Token {
  readonly kind: TokenKind;
  /** A name's or string's value (unquoted, unescaped), a regex's source, an operator, a number's text. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const OPERATORS = ["<=", ">=", "!=", "=~", "=", "<", ">", "+", "-", "*", "/", "%", "^", "(", ")", ",", "[", "]"];
const NAME_START = /[A-Za-z_@]/;
const NAME_PART = /[A-Za-z0-9_@.]/;

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, text: string, start: number) => tokens.push({ kind, text, start, end: i });
  while (i < query.length) {
    const c = query.charAt(i);
    const start = i;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "#") {
      while (i < query.length && query.charAt(i) !== "\n") i++;
    } else if (c === "|") {
      i++;
      push("pipe", "|", start);
    } else if (c === '"' || c === "'") {
      push(
        "string",
        readQuoted(
          query,
          c,
          () => i,
          (n) => (i = n),
        ),
        start,
      );
    } else if (c === "`") {
      push(
        "quoted",
        readQuoted(
          query,
          "`",
          () => i,
          (n) => (i = n),
        ),
        start,
      );
    } else if (c === "/" && expectsPattern(tokens)) {
      const source = readRegex(query, i, (n) => (i = n));
      push("regex", source, start);
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(query.charAt(i + 1)))) {
      while (i < query.length && /[0-9.]/.test(query.charAt(i))) i++;
      // a period such as 5m or 1h stays one token: bin(5m)
      while (i < query.length && /[A-Za-z]/.test(query.charAt(i))) i++;
      push("number", query.slice(start, i), start);
    } else if (NAME_START.test(c)) {
      while (i < query.length && NAME_PART.test(query.charAt(i))) i++;
      push("name", query.slice(start, i), start);
    } else {
      const op = OPERATORS.find((o) => query.startsWith(o, i));
      if (!op) throw new MalformedQueryError(`unexpected character '${c}'`, start, start + 1);
      i += op.length;
      push("op", op, start);
    }
  }
  tokens.push({ kind: "end", text: "", start: query.length, end: query.length });
  return tokens;
}

/** A slash starts a regex after `like`, `=~`, or the field of a parse command (`parse @message /…/`). */
function expectsPattern(tokens: readonly Token[]): boolean {
  const last = tokens.at(-1);
  if (!last) return false;
  if (last.kind === "op" && last.text === "=~") return true;
  if (last.kind === "name" && last.text.toLowerCase() === "like") return true;
  const before = tokens.at(-2);
  const commandStart = tokens.length === 2 || tokens.at(-3)?.kind === "pipe";
  return (
    (last.kind === "name" || last.kind === "quoted") && before?.text.toLowerCase() === "parse" && commandStart === true
  );
}

function readQuoted(query: string, quote: string, at: () => number, moveTo: (n: number) => void): string {
  const start = at();
  let i = start + 1;
  let out = "";
  while (i < query.length && query.charAt(i) !== quote) {
    if (query.charAt(i) === "\\" && i + 1 < query.length) {
      const next = query.charAt(i + 1);
      out += next === "n" ? "\n" : next === "t" ? "\t" : next;
      i += 2;
    } else {
      out += query.charAt(i);
      i++;
    }
  }
  if (i >= query.length) throw new MalformedQueryError(`unterminated ${quote} quote`, start, query.length);
  moveTo(i + 1);
  return out;
}

function readRegex(query: string, start: number, moveTo: (n: number) => void): string {
  let i = start + 1;
  let inClass = false;
  while (i < query.length) {
    const c = query.charAt(i);
    if (c === "\\") i += 2;
    else {
      if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) break;
      i++;
    }
  }
  if (i >= query.length) throw new MalformedQueryError("unterminated regular expression", start, query.length);
  moveTo(i + 1);
  return query.slice(start + 1, i);
}
