/**
 * CloudWatch Logs filter patterns, parsed and matched against one event's message, because LocalStack's
 * FilterLogEvents ignores them: terms ("all of", `?term` any of, `-term` none of, quoted phrases), JSON
 * selectors (`{ $.a = "x" && ($.b > 3 || $.c IS NULL) }`) and space-delimited fields
 * (`[ip, ..., status = 4*, bytes > 1000]`). A hand-written recursive descent: the grammar is small.
 */

/** What AWS answers for a pattern it cannot parse (InvalidParameterException). */
export class FilterPatternError extends Error {
  readonly code = "InvalidParameterException";
  constructor(detail: string, options?: { cause?: unknown }) {
    super("Invalid filter pattern", options);
    this.detail = detail;
  }
  readonly detail: string;
}

export type Matcher = (message: string) => boolean;

type Op = "=" | "!=" | "<" | ">" | "<=" | ">=";
type Value = { kind: "string"; text: string } | { kind: "number"; value: number } | { kind: "regex"; re: RegExp };

/** Parses a filter pattern once; the returned function tells whether one message matches it. */
export function compileFilterPattern(pattern: string): Matcher {
  const text = pattern.trim();
  if (text === "") return () => true;
  if (text.startsWith("{")) return compileJson(text);
  if (text.startsWith("[")) return compileDelimited(text);
  return compileTerms(text);
}

// ---------- terms ----------

function compileTerms(text: string): Matcher {
  const all: Matcher[] = [];
  const any: Matcher[] = [];
  const none: Matcher[] = [];
  const s = new Scanner(text);
  for (s.skipSpace(); !s.done(); s.skipSpace()) {
    let target = all;
    if (s.peek() === "?") {
      target = any;
      s.pos++;
    } else if (s.peek() === "-" && s.pos + 1 < text.length && text[s.pos + 1] !== " ") {
      target = none;
      s.pos++;
    }
    const term = s.peek() === '"' ? s.quoted() : s.bare(/\s/);
    if (term === "") throw new FilterPatternError(`empty term at ${s.pos}`);
    target.push(termMatcher(term));
  }
  return (m) => all.every((t) => t(m)) && !none.some((t) => t(m)) && (any.length === 0 || any.some((t) => t(m)));
}

function termMatcher(term: string): Matcher {
  if (term.length > 1 && term.startsWith("%") && term.endsWith("%")) {
    const re = regex(term.slice(1, -1));
    return (m) => re.test(m);
  }
  return (m) => m.includes(term);
}

function regex(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new FilterPatternError(`bad regular expression ${source}`, { cause: error });
  }
}

// ---------- JSON ----------

type Path = (string | number)[];
/** A condition over a JSON document's selectors, or over a space-delimited event's named fields. */
type Node =
  | { kind: "and" | "or"; left: Node; right: Node }
  | { kind: "compare"; path: Path; op: Op; value: Value }
  | { kind: "is"; path: Path; what: "NULL" | "TRUE" | "FALSE" | "NOT EXISTS" | "EXISTS" };
type Primary = (s: Scanner) => Node;

function compileJson(text: string): Matcher {
  if (!text.endsWith("}")) throw new FilterPatternError("a JSON pattern ends with }");
  const s = new Scanner(text.slice(1, -1));
  const tree = parseOr(s, parseJsonPrimary);
  s.skipSpace();
  if (!s.done()) throw new FilterPatternError(`unexpected ${s.rest()}`);
  return (message) => {
    let doc: unknown;
    try {
      doc = JSON.parse(message);
    } catch {
      return false;
    }
    return typeof doc === "object" && doc !== null && evaluate(tree, (path) => select(doc, path));
  };
}

/** `||` binds loosest, then `&&`, then parentheses (AWS's documented order of operations). */
function parseOr(s: Scanner, primary: Primary, first?: Node): Node {
  let left = parseAnd(s, primary, first);
  while (s.eat("||")) left = { kind: "or", left, right: parseAnd(s, primary) };
  return left;
}

function parseAnd(s: Scanner, primary: Primary, first?: Node): Node {
  let left = first ?? parseGroup(s, primary);
  while (s.eat("&&")) left = { kind: "and", left, right: parseGroup(s, primary) };
  return left;
}

function parseGroup(s: Scanner, primary: Primary): Node {
  if (!s.eat("(")) return primary(s);
  const inner = parseOr(s, primary);
  if (!s.eat(")")) throw new FilterPatternError("missing )");
  return inner;
}

function parseJsonPrimary(s: Scanner): Node {
  const path = parseSelector(s);
  if (s.eatWord("IS")) {
    if (s.eatWord("NULL")) return { kind: "is", path, what: "NULL" };
    if (s.eatWord("TRUE")) return { kind: "is", path, what: "TRUE" };
    if (s.eatWord("FALSE")) return { kind: "is", path, what: "FALSE" };
    throw new FilterPatternError("IS takes NULL, TRUE or FALSE");
  }
  if (s.eatWord("NOT")) {
    if (s.eatWord("EXISTS")) return { kind: "is", path, what: "NOT EXISTS" };
    throw new FilterPatternError("NOT takes EXISTS");
  }
  if (s.eatWord("EXISTS")) return { kind: "is", path, what: "EXISTS" };
  const op = parseOp(s);
  return { kind: "compare", path, op, value: parseValue(s, /[\s)&|]/) };
}

function parseSelector(s: Scanner): Path {
  s.skipSpace();
  if (!s.eat("$")) throw new FilterPatternError(`a selector starts with $ at ${s.rest()}`);
  const path: Path = [];
  for (;;) {
    if (s.peek() === ".") {
      s.pos++;
      const name = s.bare(/[^A-Za-z0-9_@:-]/);
      if (name === "") throw new FilterPatternError("empty field name in selector");
      path.push(name);
    } else if (s.peek() === "[") {
      s.pos++;
      const index = s.bare(/[^0-9]/);
      if (index === "" || !s.eat("]")) throw new FilterPatternError("bad array index in selector");
      path.push(Number(index));
    } else break;
  }
  if (path.length === 0) throw new FilterPatternError("a selector names a field");
  return path;
}

function parseOp(s: Scanner): Op {
  s.skipSpace();
  for (const op of ["!=", "<=", ">=", "=", "<", ">"] as const) if (s.eat(op)) return op;
  throw new FilterPatternError(`expected an operator at ${s.rest()}`);
}

function parseValue(s: Scanner, end: RegExp): Value {
  s.skipSpace();
  if (s.peek() === '"') return { kind: "string", text: s.quoted() };
  if (s.peek() === "%") {
    const close = s.text.indexOf("%", s.pos + 1);
    if (close < 0) throw new FilterPatternError("unterminated %regex%");
    const source = s.text.slice(s.pos + 1, close);
    s.pos = close + 1;
    return { kind: "regex", re: regex(source) };
  }
  const raw = s.bare(end);
  if (raw === "") throw new FilterPatternError(`expected a value at ${s.rest()}`);
  const n = Number(raw);
  return /^[+-]?\.?\d/.test(raw) && Number.isFinite(n) ? { kind: "number", value: n } : { kind: "string", text: raw };
}

function evaluate(node: Node, lookup: (path: Path) => unknown): boolean {
  switch (node.kind) {
    case "and":
      return evaluate(node.left, lookup) && evaluate(node.right, lookup);
    case "or":
      return evaluate(node.left, lookup) || evaluate(node.right, lookup);
    case "is": {
      const v = lookup(node.path);
      if (node.what === "NOT EXISTS") return v === undefined;
      if (node.what === "EXISTS") return v !== undefined;
      if (node.what === "NULL") return v === null;
      return v === (node.what === "TRUE");
    }
    case "compare": {
      const v = lookup(node.path);
      return (
        v !== undefined &&
        v !== null &&
        typeof v !== "object" &&
        compare(v as string | number | boolean, node.op, node.value)
      );
    }
  }
}

function select(doc: unknown, path: Path): unknown {
  let at: unknown = doc;
  for (const key of path) {
    if (at === null || typeof at !== "object") return undefined;
    if (typeof key === "number" && !Array.isArray(at)) return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

/** One field against one value: numbers numerically, text by `=`/`!=` with `*` wildcards or a regex. */
function compare(field: string | number | boolean, op: Op, value: Value): boolean {
  if (value.kind === "number") {
    const n =
      typeof field === "number" ? field : typeof field === "string" && field.trim() !== "" ? Number(field) : NaN;
    if (Number.isNaN(n)) return false;
    const d = n - value.value;
    return { "=": d === 0, "!=": d !== 0, "<": d < 0, ">": d > 0, "<=": d <= 0, ">=": d >= 0 }[op];
  }
  if (op !== "=" && op !== "!=") return false;
  const text = String(field);
  const hit = value.kind === "regex" ? value.re.test(text) : wildcard(value.text).test(text);
  return op === "=" ? hit : !hit;
}

/** `*` is a wildcard at the start or the end only: AWS documents that Ev*ent matches only "Ev*ent". */
function wildcard(pattern: string): RegExp {
  const lead = pattern.startsWith("*");
  const trail = pattern.length > 1 && pattern.endsWith("*");
  const core = pattern.slice(lead ? 1 : 0, trail ? -1 : undefined).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${lead ? ".*" : ""}${core}${trail ? ".*" : ""}$`, "s");
}

// ---------- space-delimited ----------

/** A named (or unnamed, when empty) field, or `...` for any number of fields. */
type Slot = { kind: "ellipsis" } | { kind: "field"; name: string };

function compileDelimited(text: string): Matcher {
  if (!text.endsWith("]")) throw new FilterPatternError("a space-delimited pattern ends with ]");
  const s = new Scanner(text.slice(1, -1));
  const slots: Slot[] = [];
  const conditions: Node[] = [];
  const fieldName = (sc: Scanner): string => {
    sc.skipSpace();
    return sc.bare(/[\s,=!<>&|()]/);
  };
  for (;;) {
    s.skipSpace();
    if (s.eat("...")) slots.push({ kind: "ellipsis" });
    else {
      const name = fieldName(s);
      slots.push({ kind: "field", name });
      s.skipSpace();
      if (!s.done() && s.peek() !== ",") {
        if (name === "") throw new FilterPatternError(`expected a field name at ${s.rest()}`);
        // `status_code = 4* && bytes > 1000`: the first test is on this field, later ones name theirs.
        const compareOn = (path: Path): Node => ({
          kind: "compare",
          path,
          op: parseOp(s),
          value: parseValue(s, /[\s,&|)]/),
        });
        const named: Primary = (sc) => {
          const other = fieldName(sc);
          if (other === "") throw new FilterPatternError(`expected a field name at ${sc.rest()}`);
          return compareOn([other]);
        };
        conditions.push(parseOr(s, named, compareOn([name])));
      }
    }
    s.skipSpace();
    if (s.done()) break;
    if (!s.eat(",")) throw new FilterPatternError(`expected , at ${s.rest()}`);
  }
  const holds = (bound: ReadonlyMap<string, string>): boolean =>
    conditions.every((c) => evaluate(c, (path) => bound.get(String(path[0]))));
  return (message) => bind(slots, 0, splitFields(message), 0, new Map(), holds);
}

/** Whether the event's fields line up with the pattern's slots (`...` taking any number) so that the conditions hold. */
function bind(
  slots: readonly Slot[],
  si: number,
  values: readonly string[],
  vi: number,
  bound: Map<string, string>,
  holds: (bound: ReadonlyMap<string, string>) => boolean,
): boolean {
  if (si === slots.length) return vi === values.length && holds(bound);
  const slot = slots[si] as Slot;
  if (slot.kind === "ellipsis") {
    for (let k = vi; k <= values.length; k++) if (bind(slots, si + 1, values, k, bound, holds)) return true;
    return false;
  }
  const value = values[vi];
  if (value === undefined) return false;
  if (slot.name !== "") bound.set(slot.name, value);
  return bind(slots, si + 1, values, vi + 1, bound, holds);
}

/** Splits a line on spaces; text in "double quotes" or [brackets] is one field (without them). */
export function splitFields(message: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|\[([^\]]*)\]|(\S+)/g;
  for (const m of message.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3] ?? "");
  return out;
}

// ---------- scanning ----------

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}
  done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text[this.pos] ?? "";
  }
  rest(): string {
    return JSON.stringify(this.text.slice(this.pos, this.pos + 20));
  }
  skipSpace(): void {
    while (/\s/.test(this.peek()) && !this.done()) this.pos++;
  }
  eat(token: string): boolean {
    this.skipSpace();
    if (!this.text.startsWith(token, this.pos)) return false;
    this.pos += token.length;
    return true;
  }
  eatWord(word: string): boolean {
    this.skipSpace();
    const next = this.text.slice(this.pos, this.pos + word.length);
    const after = this.text[this.pos + word.length] ?? " ";
    if (next.toUpperCase() !== word || /[A-Za-z]/.test(after)) return false;
    this.pos += word.length;
    return true;
  }
  /** Characters up to one matching end (or the end of the text). */
  bare(end: RegExp): string {
    const start = this.pos;
    while (!this.done() && !end.test(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }
  /** A "double-quoted" string, with \" and \\ escapes. */
  quoted(): string {
    let out = "";
    this.pos++;
    while (!this.done()) {
      const c = this.peek();
      this.pos++;
      if (c === '"') return out;
      if (c === "\\" && !this.done()) {
        out += this.peek();
        this.pos++;
      } else out += c;
    }
    throw new FilterPatternError("unterminated quoted string");
  }
}
