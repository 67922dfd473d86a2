/**
 * The service runs more than one CDK app: sluice's own assembly and each app deployed beside it with
 * `deploy:local --app` (support/app-registry.ts). Each assembly is loaded and validated on its own, as its
 * CloudFormation stacks are independent; the union is what the service serves, and a function name two
 * apps both define is an error naming both, since Lambda has one namespace per account and region.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { appAssemblyDir, listApps } from "../support/app-registry";
import {
  AssemblyError,
  type DeployedState,
  type LoadedAssembly,
  loadAssembly,
  localFunctionName,
  readAssembly,
} from "./assembly";

export interface AssemblySource {
  /** "main" for sluice's own app, else the registered app's name. */
  readonly app: string;
  readonly dir: string;
}

/** The assemblies to serve: the main one (when synthesized) and every registered app's. */
export function assemblySources(cfg: { readonly assemblyDir: string; readonly stateDir: string }): AssemblySource[] {
  const apps = listApps(cfg.stateDir).map((a) => ({ app: a.name, dir: appAssemblyDir(cfg.stateDir, a.name) }));
  return [{ app: "main", dir: cfg.assemblyDir }, ...apps].filter((s) => existsSync(join(s.dir, "manifest.json")));
}

/** A key that changes whenever an assembly is added, removed or synthesized again. */
export function sourcesKey(sources: readonly AssemblySource[]): string {
  return sources.map((s) => `${s.app}@${statSync(join(s.dir, "manifest.json")).mtimeMs}`).join(",");
}

export interface LoadedAssemblies extends LoadedAssembly {
  /** The app (AssemblySource.app) of each function, by function name. */
  readonly appOf: ReadonlyMap<string, string>;
}

/** Loads every source; throws AssemblyError listing each source's problems and each clash between them. */
export function loadAssemblies(
  sources: readonly AssemblySource[],
  state: DeployedState,
  env: { region: string; accountId: string },
): LoadedAssemblies {
  const problems: string[] = [];
  const loaded: Array<{ source: AssemblySource; assembly: LoadedAssembly }> = [];
  for (const source of sources) {
    try {
      loaded.push({ source, assembly: loadAssembly(source.dir, state, env) });
    } catch (error) {
      if (sources.length === 1) throw error;
      problems.push(`app ${source.app}: ${(error as Error).message}`);
    }
  }
  problems.push(...functionNameClashes(sources));
  const appOf = new Map<string, string>();
  for (const { source, assembly } of loaded) for (const f of assembly.functions) appOf.set(f.name, source.app);
  if (problems.length > 0) throw new AssemblyError("the deployed apps cannot be run together", problems);
  const all = loaded.map((l) => l.assembly);
  return {
    functions: all.flatMap((a) => a.functions),
    mappings: all.flatMap((a) => a.mappings),
    urls: all.flatMap((a) => a.urls),
    schedules: all.flatMap((a) => a.schedules),
    reports: all.flatMap((a) => a.reports),
    eventInvokeConfigs: new Map(all.flatMap((a) => [...a.eventInvokeConfigs])),
    appOf,
  };
}

/**
 * Function names two sources both define, each clash naming both apps: read from the templates alone, so a
 * deploy can refuse an app before CloudFormation ever sees it.
 */
export function functionNameClashes(sources: readonly AssemblySource[]): string[] {
  const owner = new Map<string, string>();
  const clashes: string[] = [];
  for (const source of sources) {
    for (const { stackName, template } of readAssembly(source.dir)) {
      for (const [id, r] of Object.entries(template.Resources ?? {})) {
        if (r.Type !== "AWS::Lambda::Function") continue;
        const name = localFunctionName(stackName, id, r.Properties);
        const here = `app ${source.app} (${stackName}/${id})`;
        const there = owner.get(name);
        if (there) clashes.push(`function ${name} is defined by both ${there} and ${here}`);
        else owner.set(name, here);
      }
    }
  }
  return clashes;
}
