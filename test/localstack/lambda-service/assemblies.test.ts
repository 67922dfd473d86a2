/**
 * The service serves sluice's assembly and every registered app's side by side: which assemblies it loads, and
 * a function name two apps both define is an error naming both.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { assemblySources, functionNameClashes, loadAssemblies } from "#local/lambda-service/assemblies";
import { AssemblyError, type DeployedState } from "#local/lambda-service/assembly";
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

const nothingDeployed: DeployedState = { exports: new Map(), physicalIds: () => new Map() };
const env = { region: "us-east-1", accountId: "000000000000" };

test("loadAssemblies serves every app's functions side by side and knows each one's app", () => {
  deployApp("orders", "orders", "orders-fn");
  deployApp("billing", "billing", "billing-fn");
  const loaded = loadAssemblies(
    assemblySources({ assemblyDir: join(stateDir, "cdk.out"), stateDir }),
    nothingDeployed,
    env,
  );
  expect(loaded.functions.map((f) => f.name)).toEqual(["billing-fn", "orders-fn"]);
  expect([...loaded.appOf]).toEqual([
    ["billing-fn", "billing"],
    ["orders-fn", "orders"],
  ]);
});

test("loadAssemblies refuses two apps with one function name, naming both", () => {
  deployApp("orders", "orders", "shared-fn");
  deployApp("billing", "billing", "shared-fn");
  const sources = assemblySources({ assemblyDir: join(stateDir, "cdk.out"), stateDir });
  expect(() => loadAssemblies(sources, nothingDeployed, env)).toThrow(AssemblyError);
  expect(() => loadAssemblies(sources, nothingDeployed, env)).toThrow(
    "the deployed apps cannot be run together:\n  - function shared-fn is defined by both app billing (billing/Fn) and app orders (orders/Fn)",
  );
});
