import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { Architecture } from "aws-cdk-lib/aws-lambda";
import { NodeModulesLayer } from "#lib/constructs/node-modules-layer";

describe("NodeModulesLayer", () => {
  let cache: string;
  const saved = process.env.SLUICE_CACHE_DIR;
  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), "sluice-layer-cache-"));
    process.env.SLUICE_CACHE_DIR = cache;
  });
  afterEach(() => {
    rmSync(cache, { recursive: true, force: true });
    if (saved === undefined) delete process.env.SLUICE_CACHE_DIR;
    else process.env.SLUICE_CACHE_DIR = saved;
  });

  test("installs nothing while its stack is not being bundled: the install is the asset's bundling step", () => {
    // `cdk deploy other-stack` (or `cdk synth -e`) bundles only the stacks it names.
    const app = new App({ context: { "aws:cdk:bundling-stacks": ["some-other-stack"] } });
    const stack = new Stack(app, "layer-stack");
    new NodeModulesLayer(stack, "Sharp", {
      packages: ["sharp"],
      architecture: Architecture.ARM_64,
      target: { os: "linux", cpu: "arm64", libc: "glibc" },
    });
    Template.fromStack(stack).resourceCountIs("AWS::Lambda::LayerVersion", 1);
    expect(existsSync(join(cache, "layers"))).toBe(false);
  });
});
