/**
 * What `local:up` and `local:down` say about LocalStack's saved state, where it lives, how often it is saved (a
 * setting refused by name when it makes no sense), and what `local:reset` deletes: every piece of state, no install.
 */
import { join, relative } from "node:path";
import { loadLocalConfig } from "#local/config";
import {
  formatBytes,
  formatRestore,
  formatSave,
  localStackStatePaths,
  persistenceEnv,
} from "#local/launchers/localstack-state";
import { resetTargets } from "#local/reset";

const clean = { HOME: "/home/u", SLUICE_ROOT: "/repo", SLUICE_STATE_DIR: "/repo/.local", SLUICE_CACHE_DIR: "/cache" };

it("saves every 5 s by default, reads SLUICE_LOCALSTACK_SAVE_SECONDS and refuses a bad value by name", () => {
  expect(loadLocalConfig(clean).localstack.saveSeconds).toBe(5);
  expect(loadLocalConfig({ ...clean, SLUICE_LOCALSTACK_SAVE_SECONDS: "0" }).localstack.saveSeconds).toBe(0);
  expect(loadLocalConfig({ ...clean, SLUICE_LOCALSTACK_SAVE_SECONDS: "2.5" }).localstack.saveSeconds).toBe(2.5);
  for (const raw of ["-1", "often"]) {
    expect(() => loadLocalConfig({ ...clean, SLUICE_LOCALSTACK_SAVE_SECONDS: raw })).toThrow(
      new RegExp(`SLUICE_LOCALSTACK_SAVE_SECONDS must be a number of seconds.*"${raw}"`),
    );
  }
});

it("runs LocalStack with PERSISTENCE=1 and its snapshots under <state>/localstack/state", () => {
  const cfg = loadLocalConfig({ ...clean, SLUICE_LOCALSTACK_SAVE_SECONDS: "7" });
  expect(persistenceEnv(cfg)).toEqual({
    PERSISTENCE: "1",
    SLUICE_STATE_SNAPSHOT_DIR: "/repo/.local/localstack/state",
    SLUICE_LOCALSTACK_SAVE_SECONDS: "7",
  });
  expect(localStackStatePaths(cfg)).toMatchObject({
    data: "/repo/.local/localstack/var/lib/localstack/state",
    script: "/repo/localstack/launchers/persistence/run_localstack.py",
  });
});

it("says what each service restored, failures first, and when there was nothing to restore", () => {
  const report = {
    pid: 1,
    at: 0,
    restored: {
      s3: "1 store(s) (3 KiB), 2 bucket(s), 5 object(s) (1.2 MiB) in 0.05 s",
      sqs: "1 store(s) (1 KiB) in 0.01 s",
    },
    failed: { sns: "UnpicklingError: truncated" },
    saved: ["s3", "sns", "sqs"],
  };
  expect(formatRestore(report)).toEqual([
    "LocalStack: could NOT restore sns (it starts empty): UnpicklingError: truncated",
    "LocalStack: restored s3: 1 store(s) (3 KiB), 2 bucket(s), 5 object(s) (1.2 MiB) in 0.05 s",
    "LocalStack: restored sqs: 1 store(s) (1 KiB) in 0.01 s",
  ]);
  expect(formatRestore({ pid: 1, at: 0, restored: {}, failed: {}, saved: [] })).toEqual([
    "LocalStack: no saved state, starting empty",
  ]);
});

it("says what a save wrote, what was unchanged, what failed, and how much is kept where", () => {
  const base = { reason: "shutdown" as const, at: 0, seconds: 0.25, bytes: 3 * 1024 * 1024 };
  expect(formatSave({ ...base, saved: ["s3", "dynamodb"], unchanged: ["iam"], failed: {} }, "/s")).toBe(
    "LocalStack state: saved s3, dynamodb (unchanged: iam) in 0.25 s; 3.0 MiB of snapshots in /s",
  );
  expect(formatSave({ ...base, saved: [], unchanged: [], failed: { logs: "TypeError: x" } }, "/s")).toBe(
    "LocalStack state: nothing changed since the last save in 0.25 s; FAILED to save logs (TypeError: x); 3.0 MiB of snapshots in /s",
  );
  expect([formatBytes(512), formatBytes(1536), formatBytes(5 * 1024 * 1024)]).toEqual(["512 B", "1.5 KiB", "5.0 MiB"]);
});

it("local:reset deletes LocalStack's, DynamoDB's and Kafka's state, the deployment and the logs, and no install", () => {
  const cfg = loadLocalConfig(clean);
  const paths = resetTargets(cfg).map((t) => relative("/repo/.local", t.path));
  expect(paths).toEqual([
    "localstack/state",
    "localstack/var/lib/localstack/state",
    "localstack/tmp",
    "localstack/var/lib/localstack/tmp",
    "localstack/var/lib/localstack/logs",
    "kafka",
    "cdk.out",
    "apps",
    "lambda-service",
    "logs",
  ]);
  const installs = [cfg.localstack.venvDir, join(cfg.localstack.dataDir, "var/lib/localstack/lib"), cfg.cacheDir];
  for (const target of resetTargets(cfg)) {
    for (const install of installs) {
      expect(relative(target.path, install).startsWith("..")).toBe(true);
    }
  }
});
