import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { AssetHashType, DockerImage, type ILocalBundling } from "aws-cdk-lib";
import { type Architecture, Code, LayerVersion, Runtime } from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";

/** Where a package set is installed for the layer. `host` = this machine, for the local Lambda service. */
export type LayerTarget = { readonly os: "linux"; readonly cpu: "arm64" | "x64"; readonly libc: "glibc" } | "host";

export interface NodeModulesLayerProps {
  /** Packages to install, at the versions this project has installed (so tests and Lambda run the same code). */
  readonly packages: string[];
  readonly architecture: Architecture;
  readonly target: LayerTarget;
  readonly description?: string;
}

interface InstallTarget {
  readonly os: string;
  readonly cpu: string;
  readonly libc: string;
}

/**
 * A Lambda layer holding npm packages with native code (e.g. sharp's libvips) installed for the
 * function's platform, under `nodejs/node_modules` as Lambda's Node.js runtimes expect. Functions
 * mark the packages external and find them on Lambda's NODE_PATH.
 *
 * The install is the asset's bundling step, so it runs only when CDK bundles the asset (not for a
 * stack that is merely constructed, nor when the asset is already staged). It runs locally with
 * `npm install --os --cpu --libc`, no Docker, and is cached per package set and target
 * (`$SLUICE_CACHE_DIR/layers`), so synthesis stays fast and works offline once the cache is filled.
 */
export class NodeModulesLayer extends LayerVersion {
  constructor(scope: Construct, id: string, props: NodeModulesLayerProps) {
    const dependencies = Object.fromEntries(props.packages.map((name) => [name, installedVersion(name)]));
    const target: InstallTarget =
      props.target === "host"
        ? { os: process.platform, cpu: process.arch, libc: "glibc" }
        : { os: props.target.os, cpu: props.target.cpu, libc: props.target.libc };
    const key = createHash("sha256").update(JSON.stringify({ dependencies, target })).digest("hex").slice(0, 24);
    const local: ILocalBundling = {
      tryBundle(outputDir) {
        cpSync(join(installLayer(key, dependencies, target), "nodejs"), join(outputDir, "nodejs"), { recursive: true });
        return true;
      },
    };
    super(scope, id, {
      // The source is only the bundling's working directory: the layer's content is what the install produces.
      code: Code.fromAsset(__dirname, {
        assetHashType: AssetHashType.CUSTOM,
        assetHash: key,
        bundling: {
          local,
          // Never used while npm is on this machine (the local install does not fail over to it).
          image: DockerImage.fromRegistry("public.ecr.aws/sam/build-nodejs22.x"),
          command: ["bash", "-c", dockerInstall(dependencies, target)],
        },
      }),
      compatibleRuntimes: [Runtime.NODEJS_22_X],
      compatibleArchitectures: [props.architecture],
      description: props.description ?? `${props.packages.join(", ")} for ${target.os}-${target.cpu}`,
    });
  }
}

function installedVersion(name: string): string {
  // Read directly: packages such as sharp do not export their package.json.
  const file = join(__dirname, "..", "..", "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

function npmInstallArgs(target: InstallTarget): string[] {
  return [
    "install",
    "--no-audit",
    "--no-fund",
    "--no-package-lock",
    "--omit=dev",
    "--prefer-offline",
    `--os=${target.os}`,
    `--cpu=${target.cpu}`,
    `--libc=${target.libc}`,
  ];
}

function packageJson(dependencies: Record<string, string>): string {
  return JSON.stringify({ private: true, dependencies }, null, 2);
}

/** The same install inside CDK's bundling container, for a machine without npm. */
function dockerInstall(dependencies: Record<string, string>, target: InstallTarget): string {
  const quoted = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    "mkdir -p /asset-output/nodejs",
    "cd /asset-output/nodejs",
    `printf %s ${quoted(packageJson(dependencies))} > package.json`,
    `HOME=/tmp npm ${npmInstallArgs(target).join(" ")}`,
  ].join(" && ");
}

/** Installs the packages once per key into the cache and returns that directory (with `nodejs/` inside). */
function installLayer(key: string, dependencies: Record<string, string>, target: InstallTarget): string {
  const cacheRoot = process.env.SLUICE_CACHE_DIR ?? join(homedir(), ".cache", "sluice");
  const dir = join(cacheRoot, "layers", key);
  if (existsSync(join(dir, ".complete"))) return dir;
  const staging = `${dir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, "nodejs"), { recursive: true });
  writeFileSync(join(staging, "nodejs", "package.json"), packageJson(dependencies));
  try {
    execFileSync("npm", npmInstallArgs(target), {
      cwd: join(staging, "nodejs"),
      stdio: ["ignore", "ignore", "pipe"],
    });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`could not install ${Object.keys(dependencies).join(", ")} for the layer: ${stderr ?? ""}`, {
      cause: error,
    });
  }
  writeFileSync(join(staging, ".complete"), "");
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return dir;
}
