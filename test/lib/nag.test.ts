import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Stack, Validations } from "aws-cdk-lib";
import { Bucket } from "aws-cdk-lib/aws-s3";
import { buildApp } from "#lib/app";
import { PRODUCTION_CONTEXT } from "./production-context";

const outdir = () => mkdtempSync(join(tmpdir(), "sluice-nag-"));

describe("cdk-nag AwsSolutions", () => {
  test.each(["production", "local"])("the %s app synthesizes with no unacknowledged finding", (profile) => {
    const { app } = buildApp({ context: { ...PRODUCTION_CONTEXT, "sluice:profile": profile }, outdir: outdir() });
    expect(() => app.synth()).not.toThrow();
  });

  test("a finding nobody acknowledged fails synthesis", () => {
    const { app } = buildApp({ context: PRODUCTION_CONTEXT, outdir: outdir() });
    const stack = new Stack(app, "careless");
    new Bucket(stack, "Open");
    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
  });

  test("every acknowledgement gives a reason", () => {
    const { app } = buildApp({ context: PRODUCTION_CONTEXT, outdir: outdir() });
    const reasons: string[] = [];
    for (const c of app.node.findAll()) {
      for (const m of c.node.metadata) {
        if (m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          reasons.push(...Object.values(m.data as Record<string, string>));
      }
    }
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason.length).toBeGreaterThan(20);
  });
});
