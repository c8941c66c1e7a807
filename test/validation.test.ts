import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadMatrixFile, loadMatrixText } from "../matrix/checks/pipeline";
import { formatProblem } from "../matrix/common/problems";
import { folderFiles } from "../matrix/read/source";
import { capture } from "./cliRun";
import { runIndex, sharedMocks, type RecordingMocks } from "./mocks";

const ROOT = path.resolve(__dirname, "..");
const INVALID = "test/fixtures/invalid";

const problemsOf = (file: string) => {
  const result = loadMatrixFile(file, ROOT);
  assert.equal(result.ok, false, `${file} should be refused`);
  return result.ok ? [] : result.problems.map(formatProblem);
};

describe("validation: every broken file gets exactly its located problems", () => {
  const fixtures = fs
    .readdirSync(path.join(ROOT, INVALID))
    .filter((f) => f.endsWith(".yaml"))
    .sort();

  it("has a reviewed expectation for every broken fixture, and no orphan expectation", () => {
    const expectations = fs
      .readdirSync(path.join(ROOT, INVALID))
      .filter((f) => f.endsWith(".expected"))
      .sort();
    assert.deepEqual(
      expectations,
      fixtures.map((f) => f.replace(/\.yaml$/, ".expected")),
    );
  });

  it(`holds at least 40 broken files (${fixtures.length})`, () => assert.ok(fixtures.length >= 40));

  const expectedOf = (fixture: string) =>
    fs
      .readFileSync(path.join(ROOT, INVALID, fixture.replace(/\.yaml$/, ".expected")), "utf8")
      .trimEnd()
      .split("\n");
  for (const fixture of fixtures) {
    it(fixture, () => {
      const expected = expectedOf(fixture);
      assert.deepEqual(problemsOf(path.join(INVALID, fixture)), expected);
      // check: exit 1, every problem, the count, nothing on standard output.
      const noun = expected.length === 1 ? "problem" : "problems";
      assert.deepEqual(capture(["check", `${INVALID}/${fixture}`]), { code: 1, out: "", err: `${expected.join("\n")}\n${expected.length} ${noun}.` });
    });
  }

  describe("under Pulumi: the program stops with the same problems and declares nothing", () => {
    let mocks: RecordingMocks;
    before(async () => {
      mocks = await sharedMocks();
    });
    for (const fixture of fixtures) {
      it(fixture, async () => {
        mocks.reset();
        pulumi.runtime.setAllConfig({ "sso-access:accessFile": `${INVALID}/${fixture}` });
        const error = await runIndex().then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(error instanceof pulumi.RunError, fixture);
        const expected = expectedOf(fixture);
        assert.equal(
          (error as Error).message,
          `${expected.length} ${expected.length === 1 ? "problem" : "problems"} in the access matrix:\n${expected.join("\n")}`,
        );
        assert.deepEqual(mocks.registrations, []);
        assert.deepEqual(mocks.stackReferences, []);
      });
    }
  });
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

  it("refuses a 20 MB file from its size, before reading it", () => {
    const file = path.join(tmp, "huge.yaml");
    const line = `# ${"x".repeat(1021)}\n`;
    fs.writeFileSync(file, line.repeat(20 * 1024));
    assert.equal(fs.statSync(file).size, 20 * 1024 * 1024);
    const result = loadMatrixFile(file, tmp);
    assert.deepEqual(result.ok ? [] : result.problems.map(formatProblem), [
      "huge.yaml:1:1  <root>  the file has 20971520 bytes; the limit is 8388608 (8 MB): is this the right file?",
    ]);
  });

  it("the billion laughs fails fast in a process with 64 MB of heap, with its one located problem", function () {
    this.timeout(60_000);
    const result = spawnSync(process.execPath, ["--max-old-space-size=64", "bin/sso-access.js", "check", `${INVALID}/alias-bomb.yaml`], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 20_000,
    });
    assert.equal(result.signal, null, "finished well within 20 seconds");
    assert.equal(result.status, 1);
    assert.equal(result.stderr, `${fs.readFileSync(path.join(ROOT, INVALID, "alias-bomb.expected"), "utf8")}1 problem.\n`);
  });

  it("refuses a missing file", () => {
    const result = loadMatrixFile("nowhere.yaml", tmp);
    assert.deepEqual(result.ok ? [] : result.problems.map(formatProblem), [
      "nowhere.yaml:1:1  <root>  the file does not exist; name an access matrix such as access.yaml",
    ]);
  });

  it("refuses an alias bomb before expanding it", () => {
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i <= 12; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(", ")}]`,
      );
    const result = loadMatrixText(lines.join("\n"), "bomb.yaml", folderFiles(tmp));
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? [] : result.problems.map((p) => `${p.line}:${p.column} ${p.message.split(";")[1]?.trim()}`), [
      "12:13 access.yaml allows at most 100 aliases",
    ]);
  });

  it("locates an unknown key in a policy file of a permission set, in that file", () => {
    const dir = path.join(tmp, "project");
    fs.mkdirSync(path.join(dir, "policies"), { recursive: true });
    fs.writeFileSync(
      path.join(dir, "policies", "p.json"),
      '{"Version": "2012-10-17",\n "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Principal": "*"}}\n',
    );
    const text = fs.readFileSync(path.join(ROOT, "access.yaml"), "utf8").replace("policies/developer-guardrails.json", "policies/p.json");
    const result = loadMatrixText(text, "access.yaml", folderFiles(dir));
    assert.deepEqual(result.ok ? [] : result.problems.map(formatProblem), [
      "policies/p.json:2:67  Statement.Principal  a permission set policy is an identity policy and takes no Principal; remove it",
    ]);
  });
});
