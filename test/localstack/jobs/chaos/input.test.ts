import { loadLocalConfig } from "#local/config";
import { chaosCommand } from "#local/jobs/chaos/command";
import { loadPeople } from "#local/jobs/chaos/input";

// Refused before anything is asked of a stack: the config points at ports nothing listens on.
const cfg = loadLocalConfig({ ...process.env, SLUICE_PORT: "1", SAMPLE_WEB_PORT: "2" });
const analyticsOnly = { TransactionsTopic: "transactions", TweetsTopic: "tweets", BankTableName: "bank" };

describe("the face pipeline's input", () => {
  test("--people 0 seeds nobody and needs no face pipeline", async () => {
    await expect(loadPeople(cfg, analyticsOnly, 0)).resolves.toEqual({ people: [], faceTopics: [] });
  });

  test("without the face pipeline deployed, it says so and names the command that deploys it", async () => {
    await expect(loadPeople(cfg, analyticsOnly, 5)).rejects.toThrow(
      /the face pipeline is not deployed .*npx tsx localstack\/cli\.ts start.*--people 0/,
    );
    await expect(loadPeople(cfg, analyticsOnly, undefined)).rejects.toThrow(/the face pipeline is not deployed/);
  });

  test("--people must be a whole number ≥ 0, refused by name", async () => {
    const log = () => undefined;
    await expect(chaosCommand(cfg, ["--people=-1"], log)).rejects.toThrow(
      '--people must be a whole number ≥ 0, got "-1"',
    );
    await expect(chaosCommand(cfg, ["--people", "five"], log)).rejects.toThrow(/--people must be a whole number/);
  });
});
