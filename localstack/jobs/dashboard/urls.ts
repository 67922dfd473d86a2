/** Where the deployed dashboard answers on the local endpoint: its function URL in the host form and the path form. */
import type { LocalConfig } from "../../config";
import { lambdaServiceStatus } from "../../lambda-service/daemon";
import { stackOutputs } from "../../support/aws";

export interface DashboardUrls {
  readonly functionName: string;
  /** `http://<url-id>.lambda-url.<region>.localhost:<port>/`: browsers resolve `*.localhost` themselves. */
  readonly url: string;
  /** `http://127.0.0.1:<port>/lambda-url/<url-id>/`: for clients that cannot resolve wildcard hosts (Node's fetch). */
  readonly pathUrl: string;
}

export async function dashboardUrls(cfg: LocalConfig): Promise<DashboardUrls> {
  const outputs = await stackOutputs(cfg, cfg.stackPrefix);
  const functionName = outputs.DashboardFunctionName;
  if (functionName === undefined) throw new Error("the dashboard is not deployed: no DashboardFunctionName output");
  const status = await lambdaServiceStatus(cfg);
  if (status === undefined) throw new Error(`the local Lambda service does not answer at ${cfg.endpoint.url}`);
  const u = (status.urls ?? []).find((x) => x.functionName === functionName);
  if (u === undefined) throw new Error(`the Lambda service serves no URL for ${functionName}`);
  return { functionName, url: u.url, pathUrl: u.pathUrl };
}
