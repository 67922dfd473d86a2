import { join } from "node:path";
import { CfnOutput, Duration, RemovalPolicy } from "aws-cdk-lib";
import { AttributeType, BillingMode, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import { Construct } from "constructs";
import { transactionsEnvironment } from "../../../lambdas/analytics/bank/transactions/settings";
import { KafkaStage, type KafkaStageDefaults } from "../../constructs/kafka-stage";

export interface BankPipelineProps {
  readonly stageDefaults: KafkaStageDefaults;
  /** The topic live and bootstrap transactions go through. */
  readonly topic: string;
  /** Of the bank table. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Bank transactions applied once each to the accounts' balances: the bank table (accounts, applied
 * transactions, each transaction id's marker; see lambdas/analytics/bank/shared/ledger.ts) and the
 * transactions stage fed by the topic. The stage may read and write items of that table, nothing more:
 * no scan, no query, no delete.
 */
export class BankPipeline extends Construct {
  readonly table: Table;
  readonly stage: KafkaStage;

  constructor(
    scope: Construct,
    id: string,
    readonly props: BankPipelineProps,
  ) {
    super(scope, id);
    this.table = new Table(this, "Table", {
      partitionKey: { name: "pk", type: AttributeType.STRING },
      sortKey: { name: "sk", type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.stage = new KafkaStage(this, "Transactions", {
      ...props.stageDefaults,
      stageName: "transactions",
      entry: join(__dirname, "..", "..", "..", "lambdas", "analytics", "bank", "transactions", "handler.ts"),
      description: "Applies bank transactions once each to the accounts' balances",
      inputTopic: props.topic,
      memorySize: 256,
      timeout: Duration.seconds(60),
      environment: transactionsEnvironment({ table: this.table.tableName }),
    });
    // TransactWriteItems needs the rights of each item operation it holds (Put, Update, and Get for the reads).
    this.table.grant(this.stage.function, "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem");
    // Named for the bank, so they cannot clash with another pipeline's outputs in the same stack.
    const out = (key: string, value: string, description: string): void => {
      new CfnOutput(this, key, { value, description }).overrideLogicalId(key);
    };
    out("BankTableName", this.table.tableName, "Bank accounts, transactions and transaction ids");
    out("TransactionsFunctionName", this.stage.function.plainName, `transactions ← ${props.topic}`);
    out("TransactionsTopic", props.topic, "Where live and bootstrap transactions go (keyed by account)");
  }
}
