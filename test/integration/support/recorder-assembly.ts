/**
 * A test cloud assembly with the offset-recorder fixture (test/integration/fixtures/offset-recorder) and one
 * Kafka mapping to it: the setup of the tests that SIGKILL or restart a test Lambda service.
 */
import { join } from "node:path";
import type { LocalConfig } from "#local/config";
import { type SyntheticAssembly, writeSyntheticAssembly } from "#local/lambda-service/synthetic-assembly";

const RECORDER = join(__dirname, "..", "fixtures", "offset-recorder");

export interface RecorderAssembly {
  readonly stackName: string;
  readonly functionName: string;
  /** The file the recorder appends `<topic>-<partition>-<offset>` lines to. */
  readonly recordFile: string;
  /** How long each invocation waits after recording, before it returns. */
  readonly delayMs: number;
  /** The function's timeout; default the synthetic assembly's. */
  readonly timeoutSeconds?: number;
  readonly topic: string;
  readonly secretArn: string;
  readonly batchSize: number;
  readonly consumerGroupId: string;
}

/** Writes the assembly into dir (batching window 0). */
export function writeRecorderAssembly(cfg: LocalConfig, dir: string, a: RecorderAssembly): SyntheticAssembly {
  return writeSyntheticAssembly(dir, {
    stackName: a.stackName,
    functions: [
      {
        logicalId: "Recorder",
        functionName: a.functionName,
        codeDir: RECORDER,
        ...(a.timeoutSeconds === undefined ? {} : { timeoutSeconds: a.timeoutSeconds }),
        environment: { RECORD_FILE: a.recordFile, DELAY_MS: String(a.delayMs) },
      },
    ],
    mappings: [
      {
        logicalId: "RecorderMapping",
        functionLogicalId: "Recorder",
        topic: a.topic,
        bootstrapServers: [...cfg.kafka.brokerList],
        secretArn: a.secretArn,
        batchSize: a.batchSize,
        maxBatchingWindowSeconds: 0,
        consumerGroupId: a.consumerGroupId,
      },
    ],
  });
}
