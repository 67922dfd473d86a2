import type { RemovalPolicy } from "aws-cdk-lib";
import { Construct } from "constructs";
import type { KafkaStageDefaults } from "../../constructs/kafka-stage";

export interface BankPipelineProps {
  readonly stageDefaults: KafkaStageDefaults;
  /** The topic live and bootstrap transactions go through. */
  readonly topic: string;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** Bank transactions applied once each to the accounts' balances. */
export class BankPipeline extends Construct {
  constructor(
    scope: Construct,
    id: string,
    readonly props: BankPipelineProps,
  ) {
    super(scope, id);
  }
}
