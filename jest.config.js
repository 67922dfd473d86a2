/**
 * Unit and CDK assertion tests: no local stack needed. `test/` mirrors the source tree: `test/lambdas`, `test/bench` and
 * `test/localstack` hold unit tests (the Lambda runtime's run real worker processes on Node.js 22 from the node@22
 * package, and need nothing else), `test/lib` the CDK assertion tests.
 */
const base = require("./jest.base");

const project = (name, ...dirs) => ({
  ...base,
  displayName: name,
  testMatch: dirs.map((dir) => `<rootDir>/test/${dir}/**/*.test.ts`),
  setupFilesAfterEnv: ["<rootDir>/test/setup/own-tmpdir.ts"],
});

/** @type {import('jest').Config} */
module.exports = { projects: [project("unit", "lambdas", "localstack", "bench"), project("cdk", "lib")] };
