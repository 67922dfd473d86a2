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
  type StackTemplate,
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
  /** The stacks of an assembly directory, when the caller has read them already. */
  stacksOf: (dir: string) => readonly StackTemplate[] = readAssembly,
): LoadedAssemblies {
  const problems: string[] = [];
  const loaded: Array<{ source: AssemblySource; assembly: LoadedAssembly }> = [];
  for (const source of sources) {
    try {
      loaded.push({ source, assembly: loadAssembly(source.dir, state, env, stacksOf(source.dir)) });
    } catch (error) {
      if (sources.length === 1) throw error;
      problems.push(`app ${source.app}: ${(error as Error).message}`);
    }
  }
  // From the functions just loaded: reading the templates again would double the reload's I/O.
  problems.push(
    ...clashesAmong(
      loaded.flatMap(({ source, assembly }) => assembly.functions.map((f) => ({ app: source.app, ...f }))),
    ),
  );
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
  return clashesAmong(
    sources.flatMap((source) =>
      readAssembly(source.dir).flatMap(({ stackName, template }) =>
        Object.entries(template.Resources ?? {})
          .filter(([, r]) => r.Type === "AWS::Lambda::Function")
          .map(([logicalId, r]) => ({
            app: source.app,
            stackName,
            logicalId,
            name: localFunctionName(stackName, logicalId, r.Properties),
          })),
      ),
    ),
  );
}

/** The rule itself: a function name defined twice, each clash naming both definitions. */
function clashesAmong(
  functions: ReadonlyArray<{ app: string; stackName: string; logicalId: string; name: string }>,
): string[] {
  const owner = new Map<string, string>();
  const clashes: string[] = [];
  for (const f of functions) {
    const here = `app ${f.app} (${f.stackName}/${f.logicalId})`;
    const there = owner.get(f.name);
    if (there) clashes.push(`function ${f.name} is defined by both ${there} and ${here}`);
    else owner.set(f.name, here);
  }
  return clashes;
}
