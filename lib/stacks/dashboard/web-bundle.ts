/**
 * The dashboard's web app is built by esbuild for the browser as part of the function's bundling (an
 * `afterBundling` hook): `web/app.js` (the app and its chart library, one ES module), `web/app.css`,
 * `web/index.html` and `web/favicon.svg`, beside the handler's `index.js`, which serves them. Nothing generated is committed.
 */
import { join } from "node:path";
import type { ICommandHooks } from "aws-cdk-lib/aws-lambda-nodejs";

/** The web app's sources. */
export const WEB_DIR = join(__dirname, "..", "..", "..", "lambdas", "dashboard", "web");

/** Single quotes: CDK runs the hooks as `bash -c "<commands>"`, so double quotes would end its argument. */
const quote = (s: string): string => {
  if (/['"\\$`]/.test(s)) throw new Error(`the dashboard's web build cannot quote the path ${s}: move the checkout`);
  return `'${s}'`;
};

/** The esbuild commands that write the app into `<outputDir>/web`. */
export function webBuildCommands(outputDir: string, webDir: string = WEB_DIR): string[] {
  const esbuild = quote(require.resolve("esbuild/bin/esbuild"));
  const out = join(outputDir, "web");
  return [
    `${esbuild} ${quote(join(webDir, "main.ts"))} --bundle --minify --format=esm --target=es2022 --log-level=warning --outfile=${quote(join(out, "app.js"))}`,
    `${esbuild} ${quote(join(webDir, "style.css"))} --bundle --minify --log-level=warning --outfile=${quote(join(out, "app.css"))}`,
    `${esbuild} ${quote(join(webDir, "index.html"))} --loader:.html=copy --log-level=warning --outfile=${quote(join(out, "index.html"))}`,
    `${esbuild} ${quote(join(webDir, "favicon.svg"))} --loader:.svg=copy --log-level=warning --outfile=${quote(join(out, "favicon.svg"))}`,
  ];
}

export const webBundleHooks: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (_inputDir, outputDir) => webBuildCommands(outputDir),
};
