/** Java artifacts from Maven Central, through the ordinary `mvn` client and its local repository. */
import { join } from "node:path";
import { run } from "./proc";

const DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";

/** Copies the runtime dependencies of `<dir>/pom.xml` into outputDir; failures carry mvn's output. */
export function copyDependencies(
  dir: string,
  outputDir: string,
  what: string,
  extraArgs: readonly string[] = [],
): void {
  run(
    "mvn",
    [
      "-q",
      "-B",
      "--no-transfer-progress",
      "-f",
      join(dir, "pom.xml"),
      `${DEPENDENCY_PLUGIN}:copy-dependencies`,
      `-DoutputDirectory=${outputDir}`,
      "-DincludeScope=runtime",
      ...extraArgs,
    ],
    { cwd: dir, what },
  );
}
