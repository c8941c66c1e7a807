import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadMatrixFile, loadMatrixText } from "../matrix/checks/pipeline";
import { formatProblem } from "../matrix/common/problems";
import { folderFiles } from "../matrix/read/source";
import { runCorpusFile } from "./corpus";
import { sharedMocks, type RecordingMocks } from "./mocks";

const ROOT = path.resolve(__dirname, "..");
const INVALID = "test/fixtures/invalid";

/** The reviewed corpus of broken files, by base name: each has a `.yaml` and the `.expected` list of its problems. */
const CORPUS = [
  "access-control-attributes",
  "account-id-lengths",
  "account-ids",
  "alias-bomb",
  "assignment-targets",
  "custom-tag",
  "dangling-references",
  "descriptions-too-long",
  "duplicate-emails",
  "duplicate-keys",
  "duplicate-keys-as-yaml-reads-them",
  "duplicate-keys-in-lists",
  "empty",
  "exclusions",
  "existing-entries",
  "external-groups",
  "group-key-with-spaces",
  "guardrail-references",
  "guardrails",
  "identity-center",
  "inactive-accounts",
  "inactive-duplicate-id",
  "inline-policies",
  "inline-policy-not-iam",
  "inline-policy-too-large",
  "inline-policy-unknown-actions",
  "malformed-target-items",
  "missing-sections",
  "names-ill-formed",
  "names-impersonation",
  "names-lookalike",
  "names-passing-for-latin",
  "not-utf8",
  "null-and-wrong-types",
  "ou-targets",
  "permission-set-limits",
  "policy-attachments",
  "policy-file-escapes",
  "policy-numbers",
  "principals",
  "proto-key",
  "reserved-and-case-users",
  "scalar-file",
  "session-durations",
  "string-bomb",
  "syntax-error",
  "tab-indentation",
  "top-level-list",
  "two-documents",
  "unknown-keys",
  "unreachable-targets-and-policy-duplicates",
  "users",
  "yaml-mapping-in-scalar",
  "yaml-unclosed-flow",
  "yaml-unclosed-quote",
];

describe("validation: every broken file gets exactly its located problems, from check and from the program too", () => {
  const files = fs.readdirSync(path.join(ROOT, INVALID)).sort();
  const baseNames = (extension: string) =>
    files
      .filter((f) => f.endsWith(extension))
      .map((f) => f.slice(0, -extension.length))
      .sort();

  it(`holds exactly the reviewed corpus of ${CORPUS.length} broken files`, () => assert.deepEqual(baseNames(".yaml"), CORPUS));

  it("has a reviewed expectation for every broken fixture, and no orphan expectation", () => assert.deepEqual(baseNames(".expected"), CORPUS));

  let mocks: RecordingMocks;
  before(async () => {
    mocks = await sharedMocks();
  });

  // Each file is loaded once: check and the program are handed that load's result (test/corpus.ts), so the three
  // outputs are asserted to come from the one list of problems, and that list to be the reviewed one.
  for (const name of CORPUS) {
    it(`${name}.yaml: loadMatrixFile, check and the program`, async () => {
      const file = `${INVALID}/${name}.yaml`;
      const expected = fs
        .readFileSync(path.join(ROOT, INVALID, `${name}.expected`), "utf8")
        .trimEnd()
        .split("\n");
      const run = await runCorpusFile(file, mocks);

      // loadMatrixFile: refused, with exactly the reviewed problems.
      const [loaded] = run.loads;
      assert.equal(loaded.result.ok, false, `${file} should be refused`);
      const problems = loaded.result.ok ? [] : loaded.result.problems;
      assert.deepEqual(problems.map(formatProblem), expected);
      // check and the program each read that file once, under the same name and options, and were handed that result.
      assert.deepEqual(
        run.loads.map((l) => ({ file: l.file, shown: l.shown, options: l.options, sameResult: l.result === loaded.result })),
        Array(3).fill({ file: path.join(ROOT, file), shown: file, options: "{}", sameResult: true }),
      );

      // check: exit 1, every problem, the count, nothing on standard output.
      const count = `${expected.length} ${expected.length === 1 ? "problem" : "problems"}`;
      assert.deepEqual(run.check, { code: 1, out: "", err: `${expected.join("\n")}\n${count}.` });

      // The program: a RunError with the same problems, and nothing declared, not even the stack reference.
      assert.equal(run.program.resolved, false, `${file}: the program should stop`);
      const error = run.program.resolved ? undefined : run.program.error;
      assert.ok(error instanceof pulumi.RunError, String(error));
      assert.equal(error.message, `${count} in the access matrix:\n${expected.join("\n")}`);
      assert.deepEqual(run.registrations, []);
      assert.deepEqual(run.stackReferences, []);
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
