import type { RemovalPolicy } from "aws-cdk-lib";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import type { SluiceSettings } from "../../settings";

export interface HourlyIngestProps {
  readonly settings: SluiceSettings;
  readonly kafkaSecret: ISecret;
  readonly alertTopic: ITopic;
  /** Where the kept rows go (`observations`). */
  readonly topic: string;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** The schedule, the ingest function it invokes asynchronously, its run records, retries and alarms. */
export class HourlyIngest extends Construct {
  constructor(
    scope: Construct,
    id: string,
    readonly props: HourlyIngestProps,
  ) {
    super(scope, id);
  }
}
