#!/usr/bin/env node
// The sso-access command. The project is TypeScript run in place (as Pulumi runs index.ts), so compile on load;
// type-checking is the job of `npm test`, not of every command.
require("ts-node").register({ transpileOnly: true, project: require("node:path").join(__dirname, "..", "tsconfig.json") });
require("../cli/main").main();
