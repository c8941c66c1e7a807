import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/** Program code a reader can hold: no function longer than this many lines (tables of data are not functions). */
const MAX_FUNCTION_LINES = 80;
const ROOT = path.resolve(__dirname, "..");
const PROGRAM = ["index.ts", "matrix", "components", "cli"];

function sources(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (fs.statSync(full).isFile()) return [entry];
  return fs
    .readdirSync(full, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? sources(path.join(entry, d.name)) : d.name.endsWith(".ts") ? [path.join(entry, d.name)] : []));
}

describe("the program's structure", () => {
  it(`has no function over ${MAX_FUNCTION_LINES} lines`, () => {
    const long: string[] = [];
    for (const file of PROGRAM.flatMap(sources)) {
      const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.ES2022, true);
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && "body" in node && node.body) {
          const [start, end] = [node.getStart(), node.end].map((p) => source.getLineAndCharacterOfPosition(p).line);
          if (end - start + 1 > MAX_FUNCTION_LINES) long.push(`${file}:${start + 1} (${end - start + 1} lines)`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    assert.deepEqual(long, []);
  });
});

describe("the README's layout", () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const layout = readme.slice(readme.indexOf("## Layout"), readme.indexOf("## Development"));
  const folders = ["components", "cli", "cli/commands", "cli/snapshot", "scripts", ...fs.readdirSync(path.join(ROOT, "matrix")).map((d) => `matrix/${d}`)];

  it("has a row for each folder of code, and no file of the matrix lies outside a stage folder", () => {
    const rows = [...layout.matchAll(/^\| `([\w/]+)\/` \|/gm)].map((m) => m[1]).filter((f) => !f.startsWith("bench") && !f.startsWith("test"));
    assert.deepEqual(rows.sort(), [...folders].sort());
    assert.deepEqual(
      fs.readdirSync(path.join(ROOT, "matrix")).filter((f) => !fs.statSync(path.join(ROOT, "matrix", f)).isDirectory()),
      [],
    );
  });

  for (const folder of folders) {
    it(`names every file of ${folder}/, and only files that exist`, () => {
      const row = layout.split("\n").find((l) => l.startsWith(`| \`${folder}/\` |`))!;
      const named = [...row.matchAll(/`(\w+\.ts)`/g)].map((m) => m[1]).sort();
      const files = fs
        .readdirSync(path.join(ROOT, folder))
        .filter((f) => f.endsWith(".ts"))
        .sort();
      assert.deepEqual(named, files);
    });
  }
});
