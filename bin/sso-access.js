#!/usr/bin/env node
// The sso-access command. The project is TypeScript run in place (as Pulumi runs index.ts), so it is transpiled on
// load, by Sucrase: it only strips types, in pure JavaScript, and starts far sooner than TypeScript's own compiler
// (bench/README.md). Start-up is most of the time of a command. Type-checking is the job of
// `npm test`, not of every command.
require("./typescript");
require("../cli/main").main();
