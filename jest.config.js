/** Unit and CDK assertion tests: no process boundary, no local stack needed. */
const base = require("./jest.base");

const project = (name) => ({ ...base, displayName: name, testMatch: [`<rootDir>/test/${name}/**/*.test.ts`] });

/** @type {import('jest').Config} */
module.exports = { projects: [project("unit"), project("cdk")] };
