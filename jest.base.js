/**
 * Shared by the jest configs: TypeScript through swc (type checks are tsc's job, in `npm run typecheck`).
 * Some dependencies ship only as ES modules; swc turns those into CommonJS for jest too.
 */
const { readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");

/** Installed packages that declare `"type": "module"` (found, not listed, so new dependencies just work). */
function esmPackages(dir = join(__dirname, "node_modules")) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    if (entry.name.startsWith("@")) {
      for (const scoped of esmPackages(join(dir, entry.name))) found.push(`${entry.name}/${scoped}`);
      continue;
    }
    try {
      const pkg = JSON.parse(readFileSync(join(dir, entry.name, "package.json"), "utf8"));
      if (pkg.type === "module") found.push(entry.name);
    } catch {
      // not a package
    }
  }
  return found;
}
const esmOnly = esmPackages().map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
const swc = [
  "@swc/jest",
  { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
];
module.exports = {
  transform: { "^.+\\.ts$": swc, "^.+\\.m?js$": swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join("|")})/)`],
  // file-type declares only `import` conditions; point jest's CommonJS resolver at its Node entry.
  moduleNameMapper: { "^file-type$": "<rootDir>/node_modules/file-type/index.js" },
  testEnvironment: "node",
  moduleFileExtensions: ["ts", "js", "mjs", "cjs", "json"],
};
