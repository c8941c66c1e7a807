import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadMatrixFile, loadMatrixText } from "../matrix/load";
import { folderFiles } from "../matrix/source";
import { formatProblem } from "../matrix/problems";

const ROOT = path.resolve(__dirname, "..");
const INVALID = "test/fixtures/invalid";

const problemsOf = (file: string) => {
  const result = loadMatrixFile(file, ROOT);
  assert.equal(result.ok, false, `${file} should be refused`);
  return result.ok ? [] : result.problems.map(formatProblem);
};

describe("validation: every broken file gets exactly its located problems", () => {
  const fixtures = fs.readdirSync(path.join(ROOT, INVALID)).filter((f) => f.endsWith(".yaml")).sort();

  it("has a reviewed expectation for every broken fixture, and no orphan expectation", () => {
    const expectations = fs.readdirSync(path.join(ROOT, INVALID)).filter((f) => f.endsWith(".expected")).sort();
    assert.deepEqual(expectations, fixtures.map((f) => f.replace(/\.yaml$/, ".expected")));
  });

  for (const fixture of fixtures) {
    it(fixture, () => {
      const expected = fs.readFileSync(path.join(ROOT, INVALID, fixture.replace(/\.yaml$/, ".expected")), "utf8").trimEnd().split("\n");
      assert.deepEqual(problemsOf(path.join(INVALID, fixture)), expected);
    });
  }
});

describe("validation: reading the file", () => {
  const tmp = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "sso-access-"));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("refuses a file that is not UTF-8, at the first bad byte", () => {
    const file = path.join(tmp, "latin1.yaml");
    fs.writeFileSync(file, Buffer.concat([Buffer.from("version: 1\nname: Jos"), Buffer.from([0xe9]), Buffer.from("\n")]));
    const result = loadMatrixFile(file, tmp);
    assert.deepEqual(result.ok ? [] : result.problems.map(formatProblem), ["latin1.yaml:2:10  <root>  the file is not UTF-8 text; save it as UTF-8"]);
  });

  it("refuses a missing file", () => {
    const result = loadMatrixFile("nowhere.yaml", tmp);
    assert.deepEqual(result.ok ? [] : result.problems.map(formatProblem), ["nowhere.yaml:1:1  <root>  the file does not exist; name an access matrix such as access.yaml"]);
  });

  it("refuses an alias bomb before expanding it", () => {
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i <= 12; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]`);
    const result = loadMatrixText(lines.join("\n"), "bomb.yaml", folderFiles(tmp));
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? [] : result.problems.map((p) => `${p.line}:${p.column} ${p.message.split(";")[1]?.trim()}`), [
      "12:13 access.yaml allows at most 100 aliases",
    ]);
  });

  it("locates an unknown key in a policy file of a permission set, in that file", () => {
    const dir = path.join(tmp, "project");
    fs.mkdirSync(path.join(dir, "policies"), { recursive: true });
    fs.writeFileSync(path.join(dir, "policies", "p.json"), '{"Version": "2012-10-17",\n "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Principal": "*"}}\n');
    const text = fs.readFileSync(path.join(ROOT, "access.yaml"), "utf8").replace("policies/developer-guardrails.json", "policies/p.json");
    const result = loadMatrixText(text, "access.yaml", folderFiles(dir));
    assert.deepEqual(result.ok ? [] : result.problems.map(formatProblem), [
      "policies/p.json:2:67  Statement.Principal  a permission set policy is an identity policy and takes no Principal; remove it",
    ]);
  });
});
