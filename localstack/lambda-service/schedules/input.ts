/**
 * What an EventBridge rule hands a target: the whole event, a constant Input, the part an InputPath selects,
 * or an InputTransformer's template filled from its InputPathsMap.
 */

export type RuleTargetInput =
  | { readonly kind: "event" }
  | { readonly kind: "constant"; readonly input: string }
  | { readonly kind: "path"; readonly path: string }
  | {
      readonly kind: "transformer";
      readonly pathsMap: Readonly<Record<string, string>>;
      readonly template: string;
    };

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** Checks a JSON path as EventBridge takes them: `$`, then `.name` or `[index]` steps. */
export function validatePath(path: string): void {
  if (!/^\$((\.[A-Za-z0-9_$@-]+)|(\[\d+\]))*$/.test(path)) {
    throw new InputError(`"${path}" is not a JSON path EventBridge accepts ($.field.sub, $.list[0])`);
  }
}

/** The value at a JSON path, or undefined when the event has nothing there. */
export function select(event: unknown, path: string): unknown {
  validatePath(path);
  let value: unknown = event;
  for (const step of path.slice(1).match(/\.[^.[]+|\[\d+\]/g) ?? []) {
    if (value === null || typeof value !== "object") return undefined;
    const key = step.startsWith("[") ? Number(step.slice(1, -1)) : step.slice(1);
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/**
 * Fills an InputTransformer template. In a JSON template (one that starts with {, [ or "), a placeholder inside a
 * JSON string gets the value's text (strings unquoted) and one outside gets the value as JSON; a plain-text
 * template gets each value's text. Unknown placeholders are left as they are; a missing value becomes null
 * (outside a JSON string) or the empty string (inside one, or in plain text).
 */
export function transform(
  event: unknown,
  pathsMap: Readonly<Record<string, string>>,
  template: string,
  reserved: Readonly<Record<string, unknown>> = {},
): string {
  const values = new Map<string, unknown>(Object.entries(reserved));
  for (const [name, path] of Object.entries(pathsMap)) values.set(name, select(event, path));
  let out = "";
  const json = /^\s*[[{"]/.test(template);
  let inString = !json;
  for (let i = 0; i < template.length; i++) {
    const c = template[i] ?? "";
    if (json && c === '"' && template[i - 1] !== "\\") inString = !inString;
    const m = c === "<" ? /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i)) : null;
    if (m && values.has(m[1] ?? "")) {
      const value = values.get(m[1] ?? "");
      if (inString) out += typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value);
      else out += value === undefined ? "null" : JSON.stringify(value);
      i += m[0].length - 1;
    } else out += c;
  }
  return out;
}

/** The payload a rule target receives for an event. */
export function targetPayload(input: RuleTargetInput, event: unknown, ruleArn: string): string {
  switch (input.kind) {
    case "event":
      return JSON.stringify(event);
    case "constant":
      return input.input;
    case "path":
      return JSON.stringify(select(event, input.path) ?? null);
    case "transformer":
      return transform(event, input.pathsMap, input.template, {
        "aws.events.rule-arn": ruleArn,
        "aws.events.rule-name": ruleArn.split("/").pop() ?? "",
        "aws.events.event.json": event,
        "aws.events.event.ingestion-time": (event as { time?: unknown } | undefined)?.time,
      });
  }
}
