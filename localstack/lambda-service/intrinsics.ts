/**
 * A small evaluator of CloudFormation intrinsic functions, enough to resolve the properties of the
 * functions and event-source mappings that CloudFormation did not deploy locally.
 */

export class ResolveError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ResolveError";
  }
}

export interface ResolveContext {
  readonly stackName: string;
  readonly region: string;
  readonly accountId: string;
  /** Template parameters' values (defaults applied). */
  readonly parameters: Readonly<Record<string, string>>;
  readonly conditions: Readonly<Record<string, unknown>>;
  /** Ref of a resource: its physical id (or, for resources the local service runs, their name). */
  ref(logicalId: string): string;
  /** Fn::GetAtt of a resource. */
  getAtt(logicalId: string, attribute: string): string;
  /** Fn::ImportValue. */
  importValue(name: string): string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function pseudo(ctx: ResolveContext, name: string): string | undefined {
  switch (name) {
    case "AWS::Region":
      return ctx.region;
    case "AWS::AccountId":
      return ctx.accountId;
    case "AWS::Partition":
      return "aws";
    case "AWS::URLSuffix":
      return "amazonaws.com";
    case "AWS::StackName":
      return ctx.stackName;
    case "AWS::NoValue":
      return undefined;
    default:
      return undefined;
  }
}

function asString(value: unknown, where: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new ResolveError(`${where}: expected a string, got ${JSON.stringify(value)}`);
}

function evaluateCondition(ctx: ResolveContext, expr: unknown): boolean {
  if (typeof expr === "boolean") return expr;
  if (!expr || typeof expr !== "object" || Array.isArray(expr)) {
    throw new ResolveError(`unsupported condition ${JSON.stringify(expr)}`);
  }
  const [fn, arg] = Object.entries(expr)[0] ?? [];
  const args = Array.isArray(arg) ? arg : [];
  switch (fn) {
    case "Fn::Equals":
      return JSON.stringify(resolve(ctx, args[0])) === JSON.stringify(resolve(ctx, args[1]));
    case "Fn::Not":
      return !evaluateCondition(ctx, args[0]);
    case "Fn::And":
      return args.every((a) => evaluateCondition(ctx, a));
    case "Fn::Or":
      return args.some((a) => evaluateCondition(ctx, a));
    case "Condition": {
      const name = asString(arg, "Condition");
      const def = ctx.conditions[name];
      if (def === undefined) throw new ResolveError(`unknown condition ${name}`);
      return evaluateCondition(ctx, def);
    }
    default:
      throw new ResolveError(`unsupported condition function ${fn}`);
  }
}

/** Resolves every intrinsic function in value; `undefined` stands for AWS::NoValue. */
export function resolve(ctx: ResolveContext, value: unknown): Json | undefined {
  if (value === null || typeof value !== "object") return value as Json;
  if (Array.isArray(value)) {
    return value.map((v) => resolve(ctx, v)).filter((v): v is Json => v !== undefined);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const first = entries[0];
  if (
    entries.length === 1 &&
    first &&
    (first[0] === "Ref" || first[0].startsWith("Fn::") || first[0] === "Condition")
  ) {
    return intrinsic(ctx, first[0], first[1]);
  }
  const out: Record<string, Json> = {};
  for (const [k, v] of entries) {
    const r = resolve(ctx, v);
    if (r !== undefined) out[k] = r;
  }
  return out;
}

function intrinsic(ctx: ResolveContext, fn: string, arg: unknown): Json | undefined {
  switch (fn) {
    case "Ref": {
      const name = asString(arg, "Ref");
      if (name.startsWith("AWS::")) return pseudo(ctx, name);
      if (name in ctx.parameters) return ctx.parameters[name] ?? "";
      return ctx.ref(name);
    }
    case "Fn::GetAtt": {
      const [id, attr] = Array.isArray(arg) ? arg : asString(arg, "Fn::GetAtt").split(/\.(.*)/);
      return ctx.getAtt(asString(id, "Fn::GetAtt"), asString(attr, "Fn::GetAtt"));
    }
    case "Fn::ImportValue":
      return ctx.importValue(asString(resolve(ctx, arg), "Fn::ImportValue"));
    case "Fn::Join": {
      const [sep, parts] = arg as [unknown, unknown];
      const list = resolve(ctx, parts);
      if (!Array.isArray(list)) throw new ResolveError("Fn::Join: expected a list");
      return list.map((p) => asString(p, "Fn::Join")).join(asString(sep, "Fn::Join"));
    }
    case "Fn::Select": {
      const [index, list] = arg as [unknown, unknown];
      const items = resolve(ctx, list);
      if (!Array.isArray(items)) throw new ResolveError("Fn::Select: expected a list");
      const item = items[Number(resolve(ctx, index))];
      if (item === undefined) throw new ResolveError(`Fn::Select: index ${String(index)} out of range`);
      return item;
    }
    case "Fn::Split": {
      const [sep, source] = arg as [unknown, unknown];
      return asString(resolve(ctx, source), "Fn::Split").split(asString(sep, "Fn::Split"));
    }
    case "Fn::Sub": {
      const [template, vars] = Array.isArray(arg) ? (arg as [unknown, Record<string, unknown>?]) : [arg, undefined];
      const bound = Object.fromEntries(Object.entries(vars ?? {}).map(([k, v]) => [k, resolve(ctx, v)]));
      return asString(template, "Fn::Sub").replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
        if (name in bound) return asString(bound[name], "Fn::Sub");
        if (name.startsWith("AWS::")) return asString(pseudo(ctx, name), "Fn::Sub");
        if (name.includes(".")) {
          const [id, attr] = name.split(/\.(.*)/);
          return ctx.getAtt(id ?? "", attr ?? "");
        }
        if (name in ctx.parameters) return ctx.parameters[name] ?? "";
        return ctx.ref(name);
      });
    }
    case "Fn::If": {
      const [cond, yes, no] = arg as [string, unknown, unknown];
      const def = ctx.conditions[cond];
      if (def === undefined) throw new ResolveError(`Fn::If: unknown condition ${cond}`);
      return resolve(ctx, evaluateCondition(ctx, def) ? yes : no);
    }
    case "Condition":
      return evaluateCondition(ctx, { Condition: arg });
    default:
      throw new ResolveError(`unsupported intrinsic function ${fn}`);
  }
}
