/** `npm run bench [-- --part lambda|pipeline|analytics|recovery|restart|cluster|ceiling|all] [options of that part]`: runs the benchmark parts in turn. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const args = process.argv.slice(2);
const at = args.indexOf("--part");
const part = (at >= 0 ? args[at + 1] : "all") ?? "";
const rest = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
const SCRIPTS: Record<string, string> = {
  lambda: "run.ts",
  pipeline: "pipeline.ts",
  analytics: "analytics.ts",
  recovery: "recovery.ts",
  restart: "restart.ts",
  cluster: "cluster.ts",
  ceiling: "ceiling.ts",
};
if (part !== "all" && !(part in SCRIPTS)) {
  process.stderr.write(
    `--part must be lambda, pipeline, analytics, recovery, restart, cluster, ceiling or all, got "${part}"\n`,
  );
  process.exit(2);
}
const tsx = join(__dirname, "..", "node_modules", ".bin", "tsx");
const run = (script: string, forwarded: string[]): number =>
  spawnSync(tsx, [join(__dirname, script), ...forwarded], { stdio: "inherit" }).status ?? 1;
if (args.includes("--help")) {
  // Help of every part asked for, and nothing run: a benchmark takes minutes and loads the machine.
  process.stdout.write(
    "usage: npm run bench [-- --part lambda|pipeline|analytics|recovery|restart|cluster|ceiling|all] [options of that part]\n\n",
  );
  const parts = part === "all" ? Object.values(SCRIPTS) : [SCRIPTS[part] ?? ""];
  for (const script of parts) run(script, ["--help"]);
  process.exit(0);
}
let status = 0;
// With --part all, the options go to the first part (lambda); the others run with their defaults.
for (const [name, script] of Object.entries(SCRIPTS)) {
  if (part === name || part === "all") status ||= run(script, part === "all" && name !== "lambda" ? [] : rest);
}
process.exit(status);
