/** `npm run bench [-- --part lambda|pipeline|all] [options of that part]`: runs the benchmark parts in turn. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const args = process.argv.slice(2);
const at = args.indexOf("--part");
const part = at >= 0 ? args[at + 1] : "all";
const rest = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
if (part !== "lambda" && part !== "pipeline" && part !== "all") {
  process.stderr.write(`--part must be lambda, pipeline or all, got "${part}"\n`);
  process.exit(2);
}
const tsx = join(__dirname, "..", "node_modules", ".bin", "tsx");
const run = (script: string, forwarded: string[]): number =>
  spawnSync(tsx, [join(__dirname, script), ...forwarded], { stdio: "inherit" }).status ?? 1;
if (args.includes("--help")) {
  // Help of every part asked for, and nothing run: a benchmark takes minutes and loads the machine.
  process.stdout.write("usage: npm run bench [-- --part lambda|pipeline|all] [options of that part]\n\n");
  const parts = part === "all" ? ["run.ts", "pipeline.ts"] : [part === "lambda" ? "run.ts" : "pipeline.ts"];
  for (const script of parts) run(script, ["--help"]);
  process.exit(0);
}
let status = 0;
if (part === "lambda" || part === "all") status ||= run("run.ts", rest);
if (part === "pipeline" || part === "all") status ||= run("pipeline.ts", part === "all" ? [] : rest);
process.exit(status);
