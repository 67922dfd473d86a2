/** What the health page reads from the dashboard function's environment; the stack builds it with `healthEnvironment`. */
import { type EnvironmentOf, envString } from "#shared/settings";

export const HEALTH_PAGE_SETTINGS = {
  /** The page shows the functions whose name starts with this (`<stack prefix>-`). */
  HEALTH_FUNCTION_PREFIX: envString,
};

export function healthEnvironment(props: {
  readonly functionPrefix: string;
}): EnvironmentOf<typeof HEALTH_PAGE_SETTINGS> {
  return { HEALTH_FUNCTION_PREFIX: props.functionPrefix };
}
