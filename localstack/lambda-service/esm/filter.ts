/**
 * Lambda event filtering (FilterCriteria) for Kafka event-source mappings: EventBridge-style patterns.
 *
 * What AWS documents for Kafka (developer guide, "Filtering events from Amazon MSK and self-managed
 * Apache Kafka event sources", and "Control which events Lambda sends to your function"):
 *  - only the `value` key can be filtered on;
 *  - Lambda decodes the value as UTF-8, then matches a JSON pattern (`{"value": {"field": [...]}}`)
 *    against a JSON message, or a plain-string pattern (`{"value": [...]}`) against a plain-string message;
 *  - when the message's format does not match the pattern's (JSON message with a plain-string pattern,
 *    plain string with a JSON pattern, or a value that is not UTF-8) the filter does not match. The current
 *    guide's table says Lambda then "filters on the other metadata properties only"; earlier versions of
 *    the same page said plainly "If there is a mismatch, Lambda drops the message", and since a Kafka
 *    filter has nothing but `value`, dropping is the reading taken here (a pattern that cannot apply does
 *    not select the record);
 *  - several filters are OR'ed; a record is sent to the function when any of them matches.
 *
 * Operators (as in Lambda's table of comparison operators): exact values (string, number, null, ""),
 * `equals-ignore-case`, `prefix` (also `{prefix: {equals-ignore-case}}`), `suffix`, `anything-but`
 * (a value, a list, or `{prefix}` / `{suffix}` / `{equals-ignore-case}`), `numeric` (`=`, `<`, `<=`,
 * `>`, `>=` and ranges), `exists`, `wildcard`, and `$or` between object clauses. A matcher list is an OR;
 * the keys of an object are AND'ed; an array in the message matches when any element matches.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A filter pattern that cannot be compiled; AWS rejects such a FilterCriteria at create/update. */
export class FilterPatternError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FilterPatternError";
  }
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

// ---------------------------------------------------------------------------------------------
// Compiled form

type Leaf = string | number | boolean | null;

/** Matches one leaf value of the message (never an object or array: arrays are expanded before). */
type ValueMatcher =
  | { readonly kind: "exact"; readonly value: Leaf }
  | { readonly kind: "exists"; readonly exists: boolean }
  | { readonly kind: "test"; readonly test: (value: Leaf) => boolean };

/** A node of a compiled pattern: an object clause (AND of fields, OR of $or branches) or a matcher list. */
interface ObjectClause {
  readonly kind: "object";
  readonly fields: ReadonlyArray<readonly [string, ObjectClause | MatcherList]>;
  readonly or: readonly ObjectClause[];
}
interface MatcherList {
  readonly kind: "list";
  readonly matchers: readonly ValueMatcher[];
}

function fail(path: string, message: string): never {
  throw new FilterPatternError(`${path}: ${message}`);
}

function isLeaf(value: Json): value is Leaf {
  return value === null || typeof value !== "object";
}

function compileNumeric(path: string, spec: Json): (value: Leaf) => boolean {
  if (!Array.isArray(spec) || spec.length === 0 || spec.length % 2 !== 0) {
    fail(path, `"numeric" takes pairs of operator and number, e.g. [">", 0, "<=", 5]`);
  }
  const checks: Array<(n: number) => boolean> = [];
  for (let i = 0; i < spec.length; i += 2) {
    const op = spec[i];
    const bound = spec[i + 1];
    if (typeof bound !== "number") fail(path, `"numeric" bound after "${String(op)}" must be a number`);
    switch (op) {
      case "=":
        checks.push((n) => n === bound);
        break;
      case "<":
        checks.push((n) => n < bound);
        break;
      case "<=":
        checks.push((n) => n <= bound);
        break;
      case ">":
        checks.push((n) => n > bound);
        break;
      case ">=":
        checks.push((n) => n >= bound);
        break;
      default:
        fail(path, `unknown "numeric" operator ${JSON.stringify(op)}`);
    }
  }
  return (value) => typeof value === "number" && checks.every((check) => check(value));
}

function wildcardRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${escaped}$`, "s");
}

/** `{prefix: "x"}` or `{prefix: {"equals-ignore-case": "x"}}` (and the same for suffix). */
function compileAffix(path: string, kind: "prefix" | "suffix", spec: Json): (value: Leaf) => boolean {
  let text: string;
  let ignoreCase = false;
  if (typeof spec === "string") text = spec;
  else if (isObject(spec) && typeof spec["equals-ignore-case"] === "string" && Object.keys(spec).length === 1) {
    text = spec["equals-ignore-case"];
    ignoreCase = true;
  } else fail(path, `"${kind}" takes a string or {"equals-ignore-case": string}`);
  const needle = ignoreCase ? text.toLowerCase() : text;
  return (value) => {
    if (typeof value !== "string") return false;
    const hay = ignoreCase ? value.toLowerCase() : value;
    return kind === "prefix" ? hay.startsWith(needle) : hay.endsWith(needle);
  };
}

function compileAnythingBut(path: string, spec: Json): (value: Leaf) => boolean {
  if (isObject(spec)) {
    const keys = Object.keys(spec);
    const key = keys[0];
    if (keys.length !== 1 || key === undefined) fail(path, `"anything-but" takes one operator`);
    const operand = spec[key] as Json;
    let inner: (value: Leaf) => boolean;
    if (key === "prefix" || key === "suffix") inner = compileAffix(path, key, operand);
    else if (key === "equals-ignore-case") {
      const options = (Array.isArray(operand) ? operand : [operand]).map((o) => {
        if (typeof o !== "string") fail(path, `"anything-but" / "equals-ignore-case" takes strings`);
        return o.toLowerCase();
      });
      inner = (value) => typeof value === "string" && options.includes(value.toLowerCase());
    } else if (key === "wildcard") {
      if (typeof operand !== "string") fail(path, `"anything-but" / "wildcard" takes a string`);
      const re = wildcardRegExp(operand);
      inner = (value) => typeof value === "string" && re.test(value);
    } else fail(path, `"anything-but" does not support "${key}"`);
    // EventBridge: anything-but {prefix} only applies to strings.
    return (value) => typeof value === "string" && !inner(value);
  }
  const excluded = Array.isArray(spec) ? spec : [spec];
  for (const e of excluded) if (!isLeaf(e) || e === null) fail(path, `"anything-but" takes strings or numbers`);
  return (value) => !excluded.includes(value);
}

function compileMatcher(path: string, matcher: Json): ValueMatcher {
  if (isLeaf(matcher)) return { kind: "exact", value: matcher };
  if (Array.isArray(matcher)) fail(path, "a matcher list cannot contain a list");
  const keys = Object.keys(matcher);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined)
    fail(path, `a matcher object has exactly one operator, got ${keys.length}`);
  const spec = matcher[key] as Json;
  switch (key) {
    case "exists":
      if (typeof spec !== "boolean") fail(path, `"exists" takes true or false`);
      return { kind: "exists", exists: spec };
    case "prefix":
    case "suffix":
      return { kind: "test", test: compileAffix(path, key, spec) };
    case "equals-ignore-case": {
      if (typeof spec !== "string") fail(path, `"equals-ignore-case" takes a string`);
      const lower = spec.toLowerCase();
      return { kind: "test", test: (value) => typeof value === "string" && value.toLowerCase() === lower };
    }
    case "anything-but":
      return { kind: "test", test: compileAnythingBut(path, spec) };
    case "numeric":
      return { kind: "test", test: compileNumeric(path, spec) };
    case "wildcard": {
      if (typeof spec !== "string") fail(path, `"wildcard" takes a string`);
      const re = wildcardRegExp(spec);
      return { kind: "test", test: (value) => typeof value === "string" && re.test(value) };
    }
    default:
      fail(path, `unsupported operator "${key}"`);
  }
}

function compileList(path: string, list: Json[]): MatcherList {
  if (list.length === 0) fail(path, "an empty matcher list matches nothing; AWS rejects it");
  return { kind: "list", matchers: list.map((m, i) => compileMatcher(`${path}[${i}]`, m)) };
}

function compileObject(path: string, pattern: JsonObject): ObjectClause {
  const fields: Array<readonly [string, ObjectClause | MatcherList]> = [];
  const or: ObjectClause[] = [];
  for (const [key, spec] of Object.entries(pattern)) {
    const at = path === "" ? key : `${path}.${key}`;
    if (key === "$or") {
      if (!Array.isArray(spec) || spec.length < 2) fail(at, `"$or" takes a list of at least two patterns`);
      spec.forEach((branch, i) => {
        if (!isObject(branch)) fail(`${at}[${i}]`, "each $or branch is a pattern object");
        or.push(compileObject(path, branch));
      });
    } else if (Array.isArray(spec)) fields.push([key, compileList(at, spec)]);
    else if (isObject(spec)) fields.push([key, compileObject(at, spec)]);
    else fail(at, "a pattern field holds a list of matchers or a nested pattern object");
  }
  return { kind: "object", fields, or };
}

// ---------------------------------------------------------------------------------------------
// Matching

function matchesList(list: MatcherList, present: boolean, value: Json | undefined): boolean {
  // An array in the message matches when any of its elements does.
  const leaves: Leaf[] = [];
  if (present && value !== undefined) {
    for (const item of Array.isArray(value) ? value : [value]) if (isLeaf(item)) leaves.push(item);
  }
  return list.matchers.some((m) => {
    if (m.kind === "exists") return m.exists === present;
    if (!present) return false;
    if (m.kind === "exact") return leaves.some((leaf) => leaf === m.value);
    return leaves.some((leaf) => m.test(leaf));
  });
}

function matchesObject(clause: ObjectClause, event: JsonObject): boolean {
  for (const [key, spec] of clause.fields) {
    const present = Object.hasOwn(event, key);
    const value = event[key];
    if (spec.kind === "list") {
      if (!matchesList(spec, present, value)) return false;
    } else {
      // A nested pattern: the field must be an object (or an array of objects, any of which matches).
      const candidates = Array.isArray(value) ? value.filter(isObject) : isObject(value) ? [value] : [];
      if (!candidates.some((candidate) => matchesObject(spec, candidate))) return false;
    }
  }
  return clause.or.length === 0 || clause.or.some((branch) => matchesObject(branch, event));
}

/** Matches a whole JSON document against a pattern (plain EventBridge semantics). */
export function matchesPattern(pattern: string | JsonObject, event: JsonObject): boolean {
  const parsed = typeof pattern === "string" ? parsePattern(pattern) : pattern;
  return matchesObject(compileObject("", parsed), event);
}

function parsePattern(pattern: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(pattern);
  } catch (error) {
    throw new FilterPatternError(`filter pattern is not valid JSON: ${pattern}`, { cause: error });
  }
  if (!isObject(parsed)) throw new FilterPatternError(`filter pattern must be a JSON object: ${pattern}`);
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// Kafka

/** One compiled FilterCriteria filter for a Kafka mapping: its `value` clause. */
type KafkaFilter =
  | { readonly kind: "json"; readonly clause: ObjectClause }
  | { readonly kind: "string"; readonly list: MatcherList };

/** Decides, per record, whether a Kafka mapping's FilterCriteria lets it through to the function. */
export interface KafkaRecordFilter {
  /** True when there are no filters or any filter matches; `value` is the record's raw value (null for a tombstone). */
  matches(value: Buffer | null): boolean;
  readonly count: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

type DecodedValue =
  | { readonly format: "json"; readonly document: JsonObject }
  | { readonly format: "string"; readonly text: string }
  | { readonly format: "absent" }
  | { readonly format: "other" };

function decodeValue(value: Buffer | null): DecodedValue {
  if (value === null) return { format: "absent" };
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return { format: "other" };
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed)) return { format: "json", document: parsed };
  } catch {
    // a plain string
  }
  return { format: "string", text };
}

function matchesKafkaFilter(filter: KafkaFilter, decoded: DecodedValue): boolean {
  if (decoded.format === "absent") {
    // A tombstone has no value: only {"exists": false} (or a JSON clause's absent fields) can say so.
    return filter.kind === "string" && matchesList(filter.list, false, undefined);
  }
  // A format mismatch (or a value that is not UTF-8) means the pattern cannot apply: no match.
  if (filter.kind === "json") return decoded.format === "json" && matchesObject(filter.clause, decoded.document);
  return decoded.format === "string" && matchesList(filter.list, true, decoded.text);
}

/**
 * Compiles a mapping's FilterCriteria (each entry one `Pattern` JSON string). Throws FilterPatternError
 * for a pattern AWS would reject, or one that filters on anything but `value`.
 */
export function compileKafkaFilters(patterns: readonly string[]): KafkaRecordFilter {
  const filters: KafkaFilter[] = patterns.map((pattern, index) => {
    const parsed = parsePattern(pattern);
    const keys = Object.keys(parsed);
    const unsupported = keys.filter((key) => key !== "value");
    if (unsupported.length > 0) {
      throw new FilterPatternError(
        `filter ${index}: Kafka event-source mappings only support filtering on the "value" key, not ${unsupported.map((k) => `"${k}"`).join(", ")}`,
      );
    }
    const clause = parsed.value;
    if (clause === undefined)
      throw new FilterPatternError(`filter ${index}: pattern has no "value" clause: ${pattern}`);
    if (Array.isArray(clause)) return { kind: "string", list: compileList(`filter ${index}: value`, clause) };
    if (isObject(clause)) return { kind: "json", clause: compileObject(`filter ${index}: value`, clause) };
    throw new FilterPatternError(`filter ${index}: "value" holds a matcher list or a pattern object: ${pattern}`);
  });
  return {
    count: filters.length,
    matches(value: Buffer | null): boolean {
      if (filters.length === 0) return true;
      const decoded = decodeValue(value);
      return filters.some((filter) => matchesKafkaFilter(filter, decoded));
    },
  };
}
