/**
 * Each test file gets its own temporary directory, removed when the file's tests end: CDK apps synthesize into
 * `<tmpdir>/cdk.out*` and the Lambda runtime's tests write assemblies there, and a run used to leave thousands
 * of those behind (tens of GB over a day of runs).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const original = process.env.TMPDIR;
const own = mkdtempSync(join(tmpdir(), "sluice-test-"));
process.env.TMPDIR = own;

afterAll(() => {
  if (original === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = original;
  rmSync(own, { recursive: true, force: true });
});
