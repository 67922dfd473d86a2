/** How every client — SDK, CDK CLI, AWS CLI — reaches the local endpoint. */
import { CloudFormationClient, DescribeStacksCommand, type Stack } from "@aws-sdk/client-cloudformation";
import { LOCAL_CREDENTIALS, type LocalConfig } from "../config";

export { LOCAL_CREDENTIALS };

/** Options for any AWS SDK v3 client: local endpoint, path-style S3 (no DNS needed), test credentials. */
export function sdkConfig(cfg: LocalConfig) {
  return {
    endpoint: cfg.endpoint.url,
    region: cfg.region,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
  };
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
  const cfn = new CloudFormationClient(sdkConfig(cfg));
  try {
    const stacks: Stack[] = [];
    let token: string | undefined;
    do {
      const page = await cfn.send(new DescribeStacksCommand({ NextToken: token }));
      stacks.push(...(page.Stacks ?? []));
      token = page.NextToken;
    } while (token);
    return stacks
      .filter((s) => s.StackName?.startsWith(`${prefix}-`) && s.StackStatus !== "DELETE_COMPLETE")
      .map((s) => ({
        name: s.StackName ?? "",
        status: s.StackStatus ?? "UNKNOWN",
        outputs: Object.fromEntries((s.Outputs ?? []).map((o) => [o.OutputKey ?? "", o.OutputValue ?? ""])),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    cfn.destroy();
  }
}

/** All outputs of all the prefix's stacks, merged (output keys are unique across our stacks). */
export async function stackOutputs(cfg: LocalConfig, prefix: string): Promise<Record<string, string>> {
  return Object.assign({}, ...(await deployedStacks(cfg, prefix)).map((s) => s.outputs));
}

/** A stack's status, or undefined when it does not exist. */
export async function stackStatus(cfg: LocalConfig, name: string): Promise<string | undefined> {
  const cfn = new CloudFormationClient(sdkConfig(cfg));
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    return Stacks?.[0]?.StackStatus;
  } catch (error) {
    if ((error as Error).name === "ValidationError") return undefined; // "Stack with id … does not exist"
    throw new Error(`cannot read the status of stack ${name}`, { cause: error });
  } finally {
    cfn.destroy();
  }
}
