// Loads the project's TypeScript in place: Sucrase strips the types (no type-checking: that is `npm test`'s job),
// and the JavaScript it makes is kept in node_modules/.cache/sso-access under a hash of the file's path, its
// source, Sucrase's version and options, so each file is transpiled once per change rather than on every command (a third
// of a second of every start, bench/README.md). No source maps: nothing here prints a stack trace to read.
// A cache that cannot be read or written is skipped, never an error.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { addHook } = require("pirates");

// Sucrase itself is loaded only when a file is not in the cache: loading it is a tenth of a second.
const SUCRASE_VERSION = require("sucrase/package.json").version;
const CACHE = path.join(__dirname, "..", "node_modules", ".cache", "sso-access");
// Types and imports only: optional chaining, `??` and class fields are Node 20's own syntax, and Sucrase's
// rewriting of them (a helper call and two arrays per `?.`) cost a tenth of the time of reading a large file.
// Class fields then behave as TypeScript checks them (target ES2022: define semantics).
const OPTIONS = { transforms: ["typescript", "imports"], disableESTransforms: true };

function transpile(code, filePath) {
  const key = crypto
    .createHash("sha256")
    .update(`${SUCRASE_VERSION}\0${JSON.stringify(OPTIONS)}\0${filePath}\0${code}`)
    .digest("hex");
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // not cached yet
  }
  const js = require("sucrase").transform(code, { ...OPTIONS, filePath }).code;
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    // Written beside, then renamed: a command running at the same time reads a whole file or none.
    const staged = `${cached}.${process.pid}`;
    fs.writeFileSync(staged, js);
    fs.renameSync(staged, cached);
  } catch {
    // a read-only install: transpiled again next time
  }
  return js;
}

addHook(transpile, { exts: [".ts"], ignoreNodeModules: true });
