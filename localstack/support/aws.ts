/**
 * How every client — SDK, CDK CLI, AWS CLI — reaches the local endpoint, the one set of SDK clients the
 * local tooling, the benchmark and the tests share, and the deployed stacks' outputs.
 */
import {
  CloudFormationClient,
  DescribeStacksCommand,
  paginateDescribeStacks,
  type Stack,
} from "@aws-sdk/client-cloudformation";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { LOCAL_CREDENTIALS, type LocalConfig } from "../config";

/** Options for any AWS SDK v3 client: local endpoint, path-style S3 (no DNS needed), test credentials. */
function sdkConfig(cfg: LocalConfig) {
  return {
    endpoint: cfg.endpoint.url,
    region: cfg.region,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
  };
}

/** SDK clients of the local endpoint, each built on first use and kept. */
class AwsClients {
  #cloudFormation?: CloudFormationClient;
  #cloudWatch?: CloudWatchClient;
  #dynamodb?: DynamoDBClient;
  #documents?: DynamoDBDocumentClient;
  #lambda?: LambdaClient;
  #logs?: CloudWatchLogsClient;
  #s3?: S3Client;
  #secrets?: SecretsManagerClient;
  #sns?: SNSClient;
  #sqs?: SQSClient;

  constructor(private readonly config: ReturnType<typeof sdkConfig>) {}

  get cloudFormation(): CloudFormationClient {
    this.#cloudFormation ??= new CloudFormationClient(this.config);
    return this.#cloudFormation;
  }
  get cloudWatch(): CloudWatchClient {
    this.#cloudWatch ??= new CloudWatchClient(this.config);
    return this.#cloudWatch;
  }
  get dynamodb(): DynamoDBClient {
    this.#dynamodb ??= new DynamoDBClient(this.config);
    return this.#dynamodb;
  }
  /** DynamoDB with plain JavaScript values (lib-dynamodb), over `dynamodb`. */
  get documents(): DynamoDBDocumentClient {
    this.#documents ??= DynamoDBDocumentClient.from(this.dynamodb);
    return this.#documents;
  }
  get lambda(): LambdaClient {
    this.#lambda ??= new LambdaClient(this.config);
    return this.#lambda;
  }
  get logs(): CloudWatchLogsClient {
    this.#logs ??= new CloudWatchLogsClient(this.config);
    return this.#logs;
  }
  get s3(): S3Client {
    this.#s3 ??= new S3Client(this.config);
    return this.#s3;
  }
  get secrets(): SecretsManagerClient {
    this.#secrets ??= new SecretsManagerClient(this.config);
    return this.#secrets;
  }
  get sns(): SNSClient {
    this.#sns ??= new SNSClient(this.config);
    return this.#sns;
  }
  get sqs(): SQSClient {
    this.#sqs ??= new SQSClient(this.config);
    return this.#sqs;
  }

  /** Closes the clients built so far (a test's afterAll); a later use builds them again. */
  destroy(): void {
    for (const client of [
      this.#documents,
      this.#cloudFormation,
      this.#cloudWatch,
      this.#dynamodb,
      this.#lambda,
      this.#logs,
      this.#s3,
      this.#secrets,
      this.#sns,
      this.#sqs,
    ]) {
      client?.destroy();
    }
    this.#cloudFormation = undefined;
    this.#cloudWatch = undefined;
    this.#dynamodb = undefined;
    this.#documents = undefined;
    this.#lambda = undefined;
    this.#logs = undefined;
    this.#s3 = undefined;
    this.#secrets = undefined;
    this.#sns = undefined;
    this.#sqs = undefined;
  }
}

const clientSets = new WeakMap<LocalConfig, AwsClients>();

/**
 * The SDK clients for cfg's endpoint: one set per configuration, each client built when first used and
 * kept (idle keep-alive connections do not hold the process open). Code that calls AWS takes the set, or
 * one of its clients, rather than building clients of its own.
 */
export function awsClients(cfg: LocalConfig): AwsClients {
  let clients = clientSets.get(cfg);
  if (!clients) {
    clients = new AwsClients(sdkConfig(cfg));
    clientSets.set(cfg, clients);
  }
  return clients;
}

/** Environment for child processes (CDK CLI, AWS CLI, handlers) that should talk to the local endpoint. */
export function awsEnv(cfg: LocalConfig, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    AWS_ENDPOINT_URL: cfg.endpoint.url,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_REGION: cfg.region,
    AWS_DEFAULT_REGION: cfg.region,
    CDK_DEFAULT_ACCOUNT: cfg.accountId,
    CDK_DEFAULT_REGION: cfg.region,
    AWS_S3_FORCE_PATH_STYLE: "true",
    AWS_PAGER: "",
  };
}

export interface DeployedStack {
  readonly name: string;
  readonly status: string;
  readonly outputs: Record<string, string>;
}

/** The stacks whose name starts with prefix, with their outputs; [] when none is deployed. */
export async function deployedStacks(cfg: LocalConfig, prefix: string): Promise<DeployedStack[]> {
  const stacks: Stack[] = [];
  for await (const page of paginateDescribeStacks({ client: awsClients(cfg).cloudFormation }, {})) {
    stacks.push(...(page.Stacks ?? []));
  }
  return stacks
    .filter((s) => s.StackName?.startsWith(`${prefix}-`) && s.StackStatus !== "DELETE_COMPLETE")
    .map((s) => ({
      name: s.StackName ?? "",
      status: s.StackStatus ?? "UNKNOWN",
      outputs: Object.fromEntries((s.Outputs ?? []).map((o) => [o.OutputKey ?? "", o.OutputValue ?? ""])),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** All outputs of all the prefix's stacks, merged (output keys are unique across our stacks). */
export async function stackOutputs(cfg: LocalConfig, prefix: string): Promise<Record<string, string>> {
  return Object.assign({}, ...(await deployedStacks(cfg, prefix)).map((s) => s.outputs));
}

/** A stack's status, or undefined when it does not exist. */
export async function stackStatus(cfg: LocalConfig, name: string): Promise<string | undefined> {
  try {
    const { Stacks } = await awsClients(cfg).cloudFormation.send(new DescribeStacksCommand({ StackName: name }));
    return Stacks?.[0]?.StackStatus;
  } catch (error) {
    if ((error as Error).name === "ValidationError") return undefined; // "Stack with id … does not exist"
    throw new Error(`cannot read the status of stack ${name}`, { cause: error });
  }
}
