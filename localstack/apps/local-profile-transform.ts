/**
 * The local profile applied to a synthesized cloud assembly instead of to a CDK app: any team's CDK app can be
 * deployed to the local stack with no code change and no import of ours. The rule (which resources the local
 * Lambda service runs, the always-false condition that makes CloudFormation skip them) is lib/local-profile.ts's,
 * shared with the aspect; this file rewrites template JSON the same way the aspect would have synthesized it.
 * An app written without the profile in mind may point deployed resources at skipped ones (a role's policy naming
 * its function's ARN, an output of a URL), which CloudFormation refuses as unresolved; those references become
 * the values the local service gives: a function's name and ARN, else a placeholder naming the resource.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { CloudAssembly } from "aws-cdk-lib/cx-api";
import {
  LOCAL_CONDITION_ID,
  LOCAL_CONDITION_TEMPLATE,
  localMappingUuid,
  RUNS_ON_METADATA,
  runsOnLocalService,
} from "#lib/local-profile";
import { localFunctionName } from "../lambda-service/assembly";

interface TemplateResource {
  Type?: unknown;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  Condition?: unknown;
  [key: string]: unknown;
}

export interface CfnTemplate {
  Resources?: Record<string, TemplateResource>;
  Conditions?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ProfiledTemplate {
  readonly template: CfnTemplate;
  /** Logical ids CloudFormation will skip, in template order. */
  readonly skipped: string[];
}

/** What a reference to a skipped resource becomes in what CloudFormation deploys. */
function localValue(stackName: string, id: string, r: TemplateResource, attribute?: string): string {
  if (r.Type === "AWS::Lambda::Function") {
    const name = localFunctionName(stackName, id, r.Properties);
    if (attribute === undefined) return name;
    if (attribute === "Arn") return `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${name}`;
  }
  // The mapping's UUID as the local service gives it (an alarm's EventSourceMappingUUID dimension).
  if (r.Type === "AWS::Lambda::EventSourceMapping" && attribute === undefined) return localMappingUuid(stackName, id);
  return `sluice-local:${id}${attribute === undefined ? "" : `.${attribute}`}`;
}

/** value with every Ref, Fn::GetAtt and Fn::Sub reference to a skipped resource replaced by its local value. */
function unreference(value: unknown, stackName: string, skipped: ReadonlyMap<string, TemplateResource>): unknown {
  if (Array.isArray(value)) return value.map((v) => unreference(v, stackName, skipped));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value);
  const [key, arg] = entries.length === 1 ? (entries[0] as [string, unknown]) : ["", undefined];
  const local = (id: string, attribute?: string): string | undefined => {
    const r = skipped.get(id);
    return r && localValue(stackName, id, r, attribute);
  };
  if (key === "Ref" && typeof arg === "string") {
    const v = local(arg);
    if (v !== undefined) return v.includes("${") ? { "Fn::Sub": v } : v;
  }
  if (key === "Fn::GetAtt") {
    const [id, attribute] = typeof arg === "string" ? arg.split(/\.(.*)/s) : (arg as unknown[]);
    const v = typeof id === "string" ? local(id, String(attribute)) : undefined;
    if (v !== undefined) return v.includes("${") ? { "Fn::Sub": v } : v;
  }
  if (key === "Fn::Sub") {
    const subst = (text: string): string =>
      text.replace(
        /\$\{([^!}][^}.]*)(?:\.([^}]+))?\}/g,
        (whole, id: string, attribute?: string) => local(id, attribute) ?? whole,
      );
    if (typeof arg === "string") return { "Fn::Sub": subst(arg) };
    if (Array.isArray(arg) && typeof arg[0] === "string") {
      return { "Fn::Sub": [subst(arg[0]), unreference(arg[1], stackName, skipped)] };
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, unreference(v, stackName, skipped)]));
}

/**
 * The template with the local profile: every resource the local service runs gets the always-false condition
 * (added once to Conditions) and the runs-on metadata, and what CloudFormation still deploys no longer refers
 * to it. Pure: the input is not modified; applying it twice gives the same template as once.
 */
export function applyLocalProfile(template: CfnTemplate, stackName: string): ProfiledTemplate {
  const all = Object.entries(template.Resources ?? {});
  const skippedResources = new Map(
    all.filter(([, r]) =>
      runsOnLocalService(typeof r.Type === "string" ? r.Type : "", r.Properties?.ScheduleExpression !== undefined),
    ),
  );
  const skipped = [...skippedResources.keys()];
  if (skipped.length === 0) return { template, skipped };
  const resources: Record<string, TemplateResource> = {};
  for (const [id, resource] of all) {
    if (skippedResources.has(id)) {
      resources[id] = {
        ...resource,
        Condition: LOCAL_CONDITION_ID,
        Metadata: { ...resource.Metadata, [RUNS_ON_METADATA.key]: RUNS_ON_METADATA.value },
      };
      continue;
    }
    const deployed = unreference(resource, stackName, skippedResources) as TemplateResource;
    const dependsOn = deployed.DependsOn;
    if (typeof dependsOn === "string" && skippedResources.has(dependsOn)) delete deployed.DependsOn;
    if (Array.isArray(dependsOn)) deployed.DependsOn = dependsOn.filter((d) => !skippedResources.has(String(d)));
    resources[id] = deployed;
  }
  const conditions = { ...template.Conditions, [LOCAL_CONDITION_ID]: LOCAL_CONDITION_TEMPLATE };
  const outputs =
    template.Outputs === undefined ? {} : { Outputs: unreference(template.Outputs, stackName, skippedResources) };
  return { template: { ...template, Conditions: conditions, Resources: resources, ...outputs }, skipped };
}

export interface ProfiledStack {
  readonly stackName: string;
  readonly templateFile: string;
  readonly skipped: string[];
}

/**
 * The template is published as a file asset named by the hash of what was synthesized, and the CLI skips an
 * upload whose name is already in the bucket: the rewritten template gets the hash of its new content, in the
 * asset manifests and in the assembly manifest (stackTemplateAssetObjectUrl), or CloudFormation would be handed
 * an earlier upload.
 */
function rehashTemplateAsset(assemblyDir: string, templateFile: string, content: string): void {
  const fresh = createHash("sha256").update(content).digest("hex");
  for (const file of readdirSync(assemblyDir).filter((f) => f.endsWith(".assets.json"))) {
    const path = join(assemblyDir, file);
    const manifest = JSON.parse(readFileSync(path, "utf8")) as {
      files?: Record<string, { source?: { path?: string } }>;
    };
    for (const [hash, asset] of Object.entries(manifest.files ?? {})) {
      if (asset.source?.path !== basename(templateFile) || hash === fresh) continue;
      for (const target of [path, join(assemblyDir, "manifest.json")]) {
        writeFileSync(target, readFileSync(target, "utf8").split(hash).join(fresh));
      }
    }
  }
}

/** Rewrites, in place, the template of every stack of the cloud assembly in assemblyDir with the local profile. */
export function applyLocalProfileToAssembly(assemblyDir: string): ProfiledStack[] {
  let assembly: CloudAssembly;
  try {
    assembly = new CloudAssembly(assemblyDir);
  } catch (error) {
    throw new Error(`cannot read the cloud assembly at ${assemblyDir}: ${(error as Error).message}`, { cause: error });
  }
  return assembly.stacksRecursively.map((stack) => {
    const file = stack.templateFullPath;
    const { template, skipped } = applyLocalProfile(
      JSON.parse(readFileSync(file, "utf8")) as CfnTemplate,
      stack.stackName,
    );
    if (skipped.length > 0) {
      const content = `${JSON.stringify(template, null, 1)}\n`;
      writeFileSync(file, content);
      rehashTemplateAsset(assemblyDir, file, content);
    }
    return { stackName: stack.stackName, templateFile: file, skipped };
  });
}
