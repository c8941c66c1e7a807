// The Pulumi program's entry (package.json "main"; Pulumi.yaml sets typescript: false). It loads index.ts as the
// sso-access command loads TypeScript, through Sucrase, which only strips types. Pulumi's own loader, ts-node,
// type-checks the whole project before every preview and maps the stack trace the Pulumi SDK captures for each
// resource through source maps, which made large programs much slower (bench/README.md has the measurements).
// Type-checking is the job of `npm test`, which CI runs. The program runs without stack frames unless asked for
// them (components/stackHint.ts says why): half of its time at a thousand accounts.
"use strict";
require("./typescript");
const { applyStackTraceLimit, withStackHint } = require("../components/stackHint.ts");
applyStackTraceLimit(process.env);
try {
  module.exports = require("../index.ts");
} catch (error) {
  throw withStackHint(error);
}
