/**
 * The deployed state from declared CloudFormation answers: exports by name, each stack's logical → physical
 * ids across pages, and a stack CloudFormation does not know logged and left empty.
 */
import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { type DeployedStateDeps, deployedState } from "#local/lambda-service/service/deployed-state";

function deps(stacks: Record<string, Array<Array<[string, string | undefined]>>>) {
  const warnings: Array<Record<string, unknown> | undefined> = [];
  const cfnModule = {
    paginateListExports: async function* () {
      yield { Exports: [{ Name: "shared-bucket", Value: "bucket-1" }, { Name: "no-value" }] };
      yield { Exports: [{ Name: "shared-table", Value: "table-1" }] };
    },
    paginateListStackResources: async function* (_config: unknown, input: { StackName: string }) {
      const pages = stacks[input.StackName];
      if (!pages) throw new Error(`Stack with id ${input.StackName} does not exist`);
      for (const page of pages) {
        yield {
          StackResourceSummaries: page.map(([logical, physical]) => ({
            LogicalResourceId: logical,
            PhysicalResourceId: physical,
          })),
        };
      }
    },
  } as unknown as DeployedStateDeps["cfnModule"];
  const d: DeployedStateDeps = {
    cfn: {} as CloudFormationClient,
    cfnModule,
    log: (_level, _message, fields) => warnings.push(fields),
  };
  return { d, warnings };
}

it("maps exports and each stack's resources, across pages", async () => {
  const { d, warnings } = deps({
    data: [
      [["Bucket", "bucket-1"]],
      [
        ["Table", "table-1"],
        ["Pending", undefined],
      ],
    ],
    pipeline: [[["Topic", "topic-1"]]],
  });
  const state = await deployedState(d, ["data", "pipeline"]);
  expect([...state.exports]).toEqual([
    ["shared-bucket", "bucket-1"],
    ["shared-table", "table-1"],
  ]);
  expect([...state.physicalIds("data")]).toEqual([
    ["Bucket", "bucket-1"],
    ["Table", "table-1"],
  ]);
  expect([...state.physicalIds("pipeline")]).toEqual([["Topic", "topic-1"]]);
  expect(state.physicalIds("elsewhere").size).toBe(0);
  expect(warnings).toEqual([]);
});

it("leaves a stack CloudFormation does not know empty and says so", async () => {
  const { d, warnings } = deps({});
  const state = await deployedState(d, ["missing"]);
  expect(state.physicalIds("missing").size).toBe(0);
  expect(warnings).toEqual([{ stack: "missing", error: "Stack with id missing does not exist" }]);
});
