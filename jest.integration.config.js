/** Integration tests against the real local stack (Kafka + LocalStack), which globalSetup starts and deploys. */
const base = require("./jest.base");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  displayName: "integration",
  testMatch: ["<rootDir>/test/integration/**/*.test.ts"],
  globalSetup: "<rootDir>/test/integration/global-setup.ts",
  globalTeardown: "<rootDir>/test/integration/global-teardown.ts",
  testTimeout: 120000,
  maxWorkers: 1,
};
