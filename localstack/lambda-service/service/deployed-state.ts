/**
 * What CloudFormation knows of the deployed stacks (exports, and each stack's logical → physical ids), which
 * the assembly's references resolve against. Apart from the service so the mapping from CloudFormation's
 * answers to a DeployedState can be tested with declared answers.
 */
import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { DeployedState } from "../assembly";

export interface DeployedStateDeps {
  readonly cfn: CloudFormationClient;
  readonly cfnModule: Pick<
    typeof import("@aws-sdk/client-cloudformation"),
    "paginateListExports" | "paginateListStackResources"
  >;
  readonly log: (level: "warn", message: string, fields?: Record<string, unknown>) => void;
}

/** The state of the named stacks; a stack CloudFormation does not know is logged and left empty. */
export async function deployedState(deps: DeployedStateDeps, stackNames: readonly string[]): Promise<DeployedState> {
  const { cfn, cfnModule } = deps;
  const { paginateListExports, paginateListStackResources } = cfnModule;
  const exports = new Map<string, string>();
  for await (const page of paginateListExports({ client: cfn }, {})) {
    for (const e of page.Exports ?? []) if (e.Name && e.Value !== undefined) exports.set(e.Name, e.Value);
  }
  const physical = new Map<string, Map<string, string>>();
  for (const stackName of stackNames) {
    const resources = new Map<string, string>();
    try {
      for await (const page of paginateListStackResources({ client: cfn }, { StackName: stackName })) {
        for (const r of page.StackResourceSummaries ?? []) {
          if (r.LogicalResourceId && r.PhysicalResourceId) resources.set(r.LogicalResourceId, r.PhysicalResourceId);
        }
      }
    } catch (error) {
      // A stack CloudFormation does not know: its references fail when (and only if) something uses them.
      deps.log("warn", "a stack of the assembly is not deployed locally", {
        stack: stackName,
        error: (error as Error).message,
      });
    }
    physical.set(stackName, resources);
  }
  return { exports, physicalIds: (stack) => physical.get(stack) ?? new Map() };
}
