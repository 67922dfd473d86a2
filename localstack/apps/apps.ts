/**
 * Deploys any CDK app to the local stack beside sluice's own, with no change to that app: the CDK CLI
 * synthesizes it, the local profile is applied to the synthesized templates (local-profile-transform.ts), the
 * CLI deploys that assembly to LocalStack, and the app is registered so the local Lambda service runs its
 * functions, URLs, schedules and asynchronous configurations. Destroying it reverses each step.
 */
import { cpSync, existsSync, renameSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { paginateListStackResources } from "@aws-sdk/client-cloudformation";
import type { LocalConfig } from "../config";
import { type AssemblySource, assemblySources, functionNameClashes } from "../lambda-service/assemblies";
import { readAssembly } from "../lambda-service/assembly";
import { reloadLambdaService } from "../lambda-service/daemon";
import type { ServiceStatus } from "../lambda-service/service";
import { cdk, emptyBucket, ensureRunningAndBootstrapped } from "../stack";
import {
  appAssemblyDir,
  appDir,
  appNameFrom,
  checkAppName,
  type DeployedApp,
  findApp,
  listApps,
  registerApp,
  unregisterApp,
} from "../support/app-registry";
import { awsClients } from "../support/aws";
import type { Log } from "../support/log";
import { applyLocalProfileToAssembly } from "./local-profile-transform";

export interface AppDeployResult {
  readonly app: DeployedApp;
  readonly service: ServiceStatus;
}

/** Stack names and function names the new assembly would take from sluice's own or another deployed app. */
function clashes(cfg: LocalConfig, name: string, dir: string): string[] {
  const others = assemblySources(cfg).filter((s) => s.app !== name);
  const mine: AssemblySource = { app: name, dir };
  const problems = functionNameClashes([...others, mine]);
  const owners = new Map(others.flatMap((s) => readAssembly(s.dir).map((st) => [st.stackName, s.app] as const)));
  for (const { stackName } of readAssembly(dir)) {
    const owner = owners.get(stackName);
    if (owner) problems.push(`stack ${stackName} is already deployed by app ${owner}`);
  }
  return problems;
}

/** Synthesizes (or copies) the app, profiles it, deploys it and registers it; the service then serves it. */
export async function deployApp(
  cfg: LocalConfig,
  options: { readonly app: string; readonly name?: string },
  log: Log,
): Promise<AppDeployResult> {
  const name = options.name === undefined ? appNameFrom(options.app) : checkAppName(options.name);
  await ensureRunningAndBootstrapped(cfg, log);
  const staging = join(appDir(cfg.stateDir, name), "cdk.out.next");
  rmSync(staging, { recursive: true, force: true });
  const given = resolve(options.app);
  try {
    if (existsSync(given) && statSync(given).isDirectory()) {
      log(`copying the cloud assembly ${given} (app ${name})…`);
      cpSync(given, staging, { recursive: true });
    } else {
      log(`synthesizing app ${name}: ${options.app}…`);
      await cdk(cfg, ["synth", "--app", options.app, "--quiet"], log, { output: staging, cwd: process.cwd() });
    }
    const problems = clashes(cfg, name, staging);
    if (problems.length > 0)
      throw new Error(`app ${name} cannot run beside the deployed apps:\n  - ${problems.join("\n  - ")}`);
    for (const stack of applyLocalProfileToAssembly(staging)) {
      log(`local profile: ${stack.stackName} leaves ${stack.skipped.length} resources to the local Lambda service`);
    }
    log(`deploying app ${name}…`);
    await cdk(cfg, ["deploy", "--app", staging, "--all", "--require-approval", "never", "--progress", "events"], log, {
      output: staging,
    });
  } catch (error) {
    // A first deploy that failed leaves nothing behind; a redeploy that failed keeps the app as it was.
    const registered = findApp(cfg.stateDir, name) !== undefined;
    rmSync(registered ? staging : appDir(cfg.stateDir, name), { recursive: true, force: true });
    throw error;
  }
  const dir = appAssemblyDir(cfg.stateDir, name);
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  const app: DeployedApp = {
    name,
    app: options.app,
    stacks: readAssembly(dir).map((s) => s.stackName),
    deployedAt: new Date().toISOString(),
  };
  registerApp(cfg.stateDir, app);
  const service = await reloadLambdaService(cfg);
  if (service.loadError) {
    throw new Error(`app ${name} is deployed but the local Lambda service could not load it: ${service.loadError}`);
  }
  const fns = service.functions.filter((f) => f.app === name).map((f) => f.name);
  log(`app ${name} deployed: stacks ${app.stacks.join(", ")}; functions ${fns.join(", ") || "(none)"}`);
  for (const u of service.urls ?? [])
    if (fns.includes(u.functionName)) log(`function URL of ${u.functionName}: ${u.url}`);
  return { app, service };
}

/** The registered app a --app (a name, or the command it was deployed with) means. */
export function resolveApp(cfg: LocalConfig, nameOrApp: string): DeployedApp {
  const apps = listApps(cfg.stateDir);
  const found =
    apps.find((a) => a.name === nameOrApp || a.app === nameOrApp) ??
    (() => {
      try {
        return findApp(cfg.stateDir, appNameFrom(nameOrApp));
      } catch {
        return undefined;
      }
    })();
  if (!found) {
    const known = apps.map((a) => a.name).join(", ") || "none";
    throw new Error(`no deployed app "${nameOrApp}" (deployed apps: ${known})`);
  }
  return found;
}

/** Empties the app's buckets, destroys its stacks, forgets it; the service stops serving it. */
export async function destroyApp(cfg: LocalConfig, nameOrApp: string, log: Log): Promise<DeployedApp> {
  const app = resolveApp(cfg, nameOrApp);
  const { cloudFormation, s3 } = awsClients(cfg);
  for (const stackName of app.stacks) {
    try {
      for await (const page of paginateListStackResources({ client: cloudFormation }, { StackName: stackName })) {
        for (const r of page.StackResourceSummaries ?? []) {
          if (r.ResourceType !== "AWS::S3::Bucket" || !r.PhysicalResourceId) continue;
          const n = await emptyBucket(s3, r.PhysicalResourceId).catch(() => 0);
          if (n > 0) log(`emptied s3://${r.PhysicalResourceId} (${n} objects)`);
        }
      }
    } catch (error) {
      log(`stack ${stackName} is not deployed (${(error as Error).message}); nothing to empty`);
    }
  }
  const dir = appAssemblyDir(cfg.stateDir, app.name);
  await cdk(cfg, ["destroy", "--app", dir, "--all", "--force"], log, { output: dir });
  unregisterApp(cfg.stateDir, app.name);
  const service = await reloadLambdaService(cfg);
  if (service.loadError) throw new Error(`app ${app.name} is destroyed but the service reports: ${service.loadError}`);
  log(`app ${app.name} destroyed: stacks ${app.stacks.join(", ")}`);
  return app;
}
