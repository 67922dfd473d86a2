/** Shared by the jest configs: TypeScript through swc (type checks are tsc's job, in `npm run typecheck`). */
module.exports = {
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  testEnvironment: "node",
  moduleFileExtensions: ["ts", "js", "json"],
};
