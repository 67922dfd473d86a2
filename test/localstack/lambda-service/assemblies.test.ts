/**
 * The service serves sluice's assembly and every registered app's side by side: which assemblies it loads, and
 * a function name two apps both define is an error naming both.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { assemblySources, functionNameClashes } from "#local/lambda-service/assemblies";
import { writeSyntheticAssembly } from "#local/lambda-service/synthetic-assembly";
import { appAssemblyDir, registerApp } from "#local/support/app-registry";

const codeDir = resolve(__dirname, "../../integration/fixtures/event-recorder");
let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), "sluice-assemblies-"));
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

function deployApp(name: string, stackName: string, functionName: string): void {
  writeSyntheticAssembly(appAssemblyDir(stateDir, name), {
    stackName,
    functions: [{ logicalId: "Fn", functionName, codeDir }],
  });
  registerApp(stateDir, { name, app: `${name}/cdk.out`, stacks: [stackName], deployedAt: "2026-11-29T14:00:00Z" });
}

test("the main assembly comes first, then each registered app; missing assemblies are left out", () => {
  const mainDir = join(stateDir, "cdk.out");
  expect(assemblySources({ assemblyDir: mainDir, stateDir })).toEqual([]);
  deployApp("orders", "orders", "orders-fn");
  writeSyntheticAssembly(mainDir, {
    stackName: "sluice-test",
    functions: [{ logicalId: "Fn", functionName: "main-fn", codeDir }],
  });
  expect(assemblySources({ assemblyDir: mainDir, stateDir })).toEqual([
    { app: "main", dir: mainDir },
    { app: "orders", dir: appAssemblyDir(stateDir, "orders") },
  ]);
});

test("two apps defining the same function name clash, naming both", () => {
  deployApp("orders", "orders", "shared-fn");
  deployApp("billing", "billing", "shared-fn");
  deployApp("reports", "reports", "reports-fn");
  const sources = assemblySources({ assemblyDir: join(stateDir, "cdk.out"), stateDir });
  expect(functionNameClashes(sources)).toEqual([
    "function shared-fn is defined by both app billing (billing/Fn) and app orders (orders/Fn)",
  ]);
  expect(functionNameClashes(sources.filter((s) => s.app !== "billing"))).toEqual([]);
});
