/**
 * The registry of other CDK apps deployed to the local stack, and the names it derives from the --app a user
 * gives: what the service loads at every reload and what `destroy:local -- --app` finds.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  appAssemblyDir,
  appNameFrom,
  checkAppName,
  type DeployedApp,
  findApp,
  listApps,
  registerApp,
  unregisterApp,
} from "#local/support/app-registry";

describe("appNameFrom", () => {
  test.each([
    ["npx tsx test/integration/fixtures/apps/triggers/app.ts", "triggers"],
    ["npx ts-node --prefer-ts-exts bin/billing.ts", "billing"],
    ["node ../orders/bin/main.js", "orders"],
    ["python3 Reports_App.py", "reports-app"],
    ["../billing/cdk.out", "billing"],
    ["/work/shop/cdk.out/", "shop"],
    ["npx tsx infra/bin/app.ts", "infra"],
  ])("%s → %s", (app, name) => {
    expect(appNameFrom(app)).toBe(name);
  });

  test("a command that names nothing asks for --name", () => {
    expect(() => appNameFrom("npx tsx app.ts")).toThrow(/give one with --name/);
    expect(() => appNameFrom("cdk.out")).toThrow(/give one with --name/);
  });
});

test("checkAppName accepts directory-safe names only", () => {
  expect(checkAppName("billing-2")).toBe("billing-2");
  for (const bad of ["", "Billing", "../x", "-x", "a b", "x".repeat(64)]) expect(() => checkAppName(bad)).toThrow();
});

describe("the registry", () => {
  let stateDir: string;
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), "sluice-apps-"));
  });
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  const billing: DeployedApp = {
    name: "billing",
    app: "npx tsx ../billing/bin/billing.ts",
    stacks: ["billing-api", "billing-data"],
    deployedAt: "2026-11-29T14:00:00.000Z",
  };
  const orders: DeployedApp = {
    name: "orders",
    app: "../orders/cdk.out",
    stacks: ["orders"],
    deployedAt: "2026-11-29T14:05:00.000Z",
  };

  test("is empty before any app is deployed", () => {
    expect(listApps(stateDir)).toEqual([]);
  });

  test("lists registered apps by name, finds one, and forgets one", () => {
    registerApp(stateDir, orders);
    registerApp(stateDir, billing);
    expect(listApps(stateDir)).toEqual([billing, orders]);
    expect(findApp(stateDir, "orders")).toEqual(orders);
    expect(unregisterApp(stateDir, "orders")).toBe(true);
    expect(unregisterApp(stateDir, "orders")).toBe(false);
    expect(listApps(stateDir)).toEqual([billing]);
    expect(appAssemblyDir(stateDir, "billing")).toBe(join(stateDir, "apps", "billing", "cdk.out"));
  });

  test("a directory without app.json (a deploy under way) is not an app", () => {
    mkdirSync(join(stateDir, "apps", "half", "cdk.out.next"), { recursive: true });
    expect(listApps(stateDir)).toEqual([]);
  });

  test("an unreadable entry is an error that says what to do", () => {
    mkdirSync(join(stateDir, "apps", "broken"), { recursive: true });
    writeFileSync(join(stateDir, "apps", "broken", "app.json"), "{");
    expect(() => listApps(stateDir)).toThrow(/app\.json is not JSON: remove the directory or deploy it again/);
  });
});
