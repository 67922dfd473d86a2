/**
 * Java programs from Maven Central, for both launchers (Kafka, DynamoDB Local): the Java and Maven checks,
 * fetching artifacts through the ordinary `mvn` client and its local repository, and the launcher jar.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { MissingPrerequisiteError, requireTool, run } from "./proc";
import { storedZip } from "./zip";

const DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
const MIN_JAVA: [number, number] = [17, 0];

const HOW_JAVA =
  "Install a Java 17+ runtime, e.g. `apt-get install openjdk-17-jre-headless` (Debian/Ubuntu) " +
  "or `brew install openjdk@17` (macOS).";
const HOW_MAVEN =
  "Java artifacts (Kafka, DynamoDB Local) are fetched from Maven Central with Maven: e.g. `apt-get install maven` " +
  "(Debian/Ubuntu) or `brew install maven` (macOS).";

/** Java ≥ 17 on PATH (Kafka 4 and DynamoDB Local need it); throws MissingPrerequisiteError saying how to install it. */
export function requireJava(): void {
  requireTool("Java", "java", ["-version"], /version "(\d+)(?:\.(\d+))?/, MIN_JAVA, HOW_JAVA);
}

/** Maven ≥ 3.6 on PATH; throws MissingPrerequisiteError saying how to install it. */
export function requireMaven(): void {
  requireTool("Maven", "mvn", ["--version"], /Apache Maven (\d+)\.(\d+)/, [3, 6], HOW_MAVEN);
}

/** JAVA_HOME of the `java` on PATH. */
export function javaHome(): string {
  const result = spawnSync("java", ["-XshowSettings:properties", "-version"], { encoding: "utf8" });
  const match = /^\s*java\.home = (.+)$/m.exec(`${result.stdout}${result.stderr}`);
  if (!match?.[1]) throw new MissingPrerequisiteError(`Java ≥ ${MIN_JAVA[0]}`, HOW_JAVA, { cause: result.error });
  return match[1].trim();
}

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

/** A manifest attribute folded at 72 bytes, continuation lines starting with a space. */
function manifestAttribute(key: string, value: string): string {
  const line = `${key}: ${value}`;
  const out = [line.slice(0, 70)];
  for (let i = 70; i < line.length; i += 69) out.push(` ${line.slice(i, i + 69)}`);
  return out.join("\r\n");
}

/** A jar holding only its manifest: `java -jar` runs mainClass with classPath (relative to the jar's folder). */
export function launcherJar(mainClass: string, classPath: readonly string[]): Buffer {
  const manifest = [
    "Manifest-Version: 1.0",
    "Created-By: sluice",
    manifestAttribute("Main-Class", mainClass),
    manifestAttribute("Class-Path", classPath.join(" ")),
    "",
    "",
  ].join("\r\n");
  return storedZip([{ name: "META-INF/MANIFEST.MF", content: manifest }]);
}
