#!/usr/bin/env node
// The sso-access command. The project is TypeScript run in place (as Pulumi runs index.ts), so it is transpiled on
// load, by SWC (a few milliseconds a file, against half a second for TypeScript's own compiler): start-up is most of
// the time of a command. Type-checking is the job of `npm test`, not of every command.
require("ts-node").register({ transpileOnly: true, swc: true, project: require("node:path").join(__dirname, "..", "tsconfig.json") });
require("../cli/main").main();
