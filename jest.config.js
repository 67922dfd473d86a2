/**
 * Unit and CDK assertion tests: no local stack needed. The lambda project runs real worker processes (Node.js 22
 * from the node@22 package) but needs nothing else.
 */
const base = require("./jest.base");

const project = (name) => ({ ...base, displayName: name, testMatch: [`<rootDir>/test/${name}/**/*.test.ts`] });

/** @type {import('jest').Config} */
module.exports = { projects: [project("unit"), project("cdk"), project("lambda")] };
