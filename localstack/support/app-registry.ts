/**
 * The CDK apps deployed to the local stack besides sluice's own: one directory per app under
 * <stateDir>/apps/<name>/ holding its profiled cloud assembly (cdk.out) and app.json. The CLI writes it after
 * a deploy and removes it after a destroy; the local Lambda service reads it at every reload, so it serves the
 * functions of every deployed app side by side.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";

export interface DeployedApp {
  /** Its name in the registry (a directory name: lower-case letters, digits, dashes). */
  readonly name: string;
  /** The --app it was deployed with: a command, or a cloud assembly directory. */
  readonly app: string;
  /** Its stacks, as deployed. */
  readonly stacks: string[];
  readonly deployedAt: string;
}

export const appsDir = (stateDir: string): string => join(stateDir, "apps");
export const appDir = (stateDir: string, name: string): string => join(appsDir(stateDir), name);
/** Where an app's profiled cloud assembly lives; the local Lambda service loads it from there. */
export const appAssemblyDir = (stateDir: string, name: string): string => join(appDir(stateDir, name), "cdk.out");

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function checkAppName(name: string): string {
  if (!NAME.test(name)) {
    throw new Error(
      `app name "${name}" must be 1-63 lower-case letters, digits and dashes, starting with one of the first two`,
    );
  }
  return name;
}

/** File and folder names that say nothing about which app it is, so the folder above names it instead. */
const GENERIC = new Set(["app", "main", "index", "cdk", "bin", "src", "cdk.out", "dist", "lib"]);

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
}

/**
 * A name for an app from its --app: the last argument that looks like a path (a script or a cdk.out directory),
 * its file name without extension, or, while that is generic (app.ts, bin/, cdk.out), the folder above it.
 * `npx tsx apps/triggers/app.ts` → "triggers"; `../billing/cdk.out` → "billing"; `python3 orders.py` → "orders".
 */
export function appNameFrom(app: string): string {
  const words = app
    .trim()
    .split(/\s+/)
    .filter((w) => w !== "");
  const path = [...words].reverse().find((w) => w.includes("/") || /\.[a-z]+$/i.test(w)) ?? words.at(-1) ?? "";
  let rest = path.replace(/\/+$/, "");
  let name = basename(rest, extname(rest) === ".out" ? "" : extname(rest));
  while (GENERIC.has(name.toLowerCase()) && dirname(rest) !== rest && dirname(rest) !== ".") {
    rest = dirname(rest);
    name = basename(rest);
  }
  const s = slug(name);
  if (s === "" || GENERIC.has(name.toLowerCase()))
    throw new Error(`cannot derive an app name from --app "${app}": give one with --name`);
  return s;
}

export function listApps(stateDir: string): DeployedApp[] {
  const dir = appsDir(stateDir);
  if (!existsSync(dir)) return [];
  const apps: DeployedApp[] = [];
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name, "app.json");
    if (!existsSync(file)) continue; // an app being deployed, not registered yet
    try {
      apps.push(JSON.parse(readFileSync(file, "utf8")) as DeployedApp);
    } catch (error) {
      throw new Error(`the app registry entry ${file} is not JSON: remove the directory or deploy it again`, {
        cause: error,
      });
    }
  }
  return apps;
}

export function findApp(stateDir: string, name: string): DeployedApp | undefined {
  return listApps(stateDir).find((a) => a.name === name);
}

/** Records a deployed app (atomically: a reader never sees half a file). */
export function registerApp(stateDir: string, app: DeployedApp): void {
  const dir = appDir(stateDir, checkAppName(app.name));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "app.json");
  writeFileSync(`${file}.tmp`, `${JSON.stringify(app, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** Forgets an app and its assembly; true when it was registered. */
export function unregisterApp(stateDir: string, name: string): boolean {
  const dir = appDir(stateDir, checkAppName(name));
  const known = existsSync(join(dir, "app.json"));
  rmSync(dir, { recursive: true, force: true });
  return known;
}
