/**
 * What `npm run dev` relies on: when the assembly changes, the service reloads only the functions whose
 * code or configuration changed — they cold-start with the new code — and leaves the others warm.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeSyntheticAssembly } from "#local/lambda-service/synthetic-assembly";
import { startTestService, type TestService } from "./support/service";

const work = mkdtempSync(join(tmpdir(), "sluice-hot-reload-"));
let service: TestService | undefined;

afterAll(async () => {
  await service?.dispose();
  rmSync(work, { recursive: true, force: true });
});

/** A handler that answers with its version, in its own code directory. */
function handlerCode(name: string, version: number): string {
  const dir = join(work, `${name}-v${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "index.js"),
    `exports.handler = async () => ({ name: ${JSON.stringify(name)}, version: ${version} });\n`,
  );
  return dir;
}

async function invoke(endpoint: string, functionName: string): Promise<unknown> {
  const res = await fetch(`${endpoint}/2015-03-31/functions/${functionName}/invocations`, {
    method: "POST",
    body: "{}",
  });
  return res.json();
}

test("a changed function cold-starts with its new code; an unchanged one stays warm", async () => {
  const assemblyDir = join(work, "cdk.out");
  const suffix = Date.now().toString(36);
  const a = `hot-a-${suffix}`;
  const b = `hot-b-${suffix}`;
  const write = (aVersion: number) =>
    writeSyntheticAssembly(assemblyDir, {
      functions: [
        { logicalId: "A", functionName: a, codeDir: handlerCode("a", aVersion) },
        { logicalId: "B", functionName: b, codeDir: handlerCode("b", 1) },
      ],
    });
  write(1);
  service = await startTestService({ assemblyDir });
  await service.loaded();
  const endpoint = service.cfg.endpoint.url;
  expect(await invoke(endpoint, a)).toEqual({ name: "a", version: 1 });
  expect(await invoke(endpoint, b)).toEqual({ name: "b", version: 1 });
  const pidsOf = async (fn: string): Promise<number[]> =>
    ((await service?.status())?.functions.find((f) => f.name === fn)?.stats?.sandboxes ?? []).map((s) => s.pid);
  const bWorkers = await pidsOf(b);
  expect(bWorkers).toHaveLength(1);

  write(2);
  const status = await service.reload();
  expect(status.loadError).toBeUndefined();
  expect(status.lastReload).toEqual([`function reloaded: ${a}`]);
  expect(await invoke(endpoint, a)).toEqual({ name: "a", version: 2 });
  expect(await invoke(endpoint, b)).toEqual({ name: "b", version: 1 });
  expect(await pidsOf(b)).toEqual(bWorkers);
  const aStats = (await service.status())?.functions.find((f) => f.name === a)?.stats;
  expect(aStats?.coldStarts).toBe(2);
});
