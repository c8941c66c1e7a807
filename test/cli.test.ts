import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as os from "node:os";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, capture } from "./cliRun";
import { renderTable } from "../cli/output";
import { writePlanJson } from "../cli/planOutput";
import { generateYaml } from "../bench/generate";
import { expand } from "../matrix/expand/expand";
import { loadMatrixOrThrow } from "../matrix/checks/pipeline";

describe("sso-access plan and check", () => {
  it("plan prints counts by type and one line per assignment", () => {
    const { code, out, err } = capture(["plan"]);
    assert.equal(code, 0);
    assert.equal(err, "");
    assert.equal(
      out,
      `access.yaml: 6 assignments of 3 permission sets in 3 of 4 accounts; 3 groups, 4 users.

Resources the program declares (38):
  3  aws:identitystore/group:Group
  4  aws:identitystore/groupMembership:GroupMembership
  4  aws:identitystore/user:User
  6  aws:ssoadmin/accountAssignment:AccountAssignment
  3  aws:ssoadmin/customerManagedPolicyAttachmentsExclusive:CustomerManagedPolicyAttachmentsExclusive
  3  aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive
  3  aws:ssoadmin/permissionSet:PermissionSet
  1  aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy
  1  pulumi:providers:aws
  1  sso-access:index:AccessMatrix
  3  sso-access:index:AccountAssignments
  3  sso-access:index:Group
  3  sso-access:index:PermissionSet

Assignments (6):
  GROUP Auditors -> ReadOnly @ taylor (222222222222)
  GROUP Auditors -> ReadOnly @ sandbox (333333333333)
  GROUP Developers -> Developer @ sandbox (333333333333)
  GROUP Developers -> ReadOnly @ sandbox (333333333333)
  GROUP ProfessionalAfAdmins -> Admin @ management (111111111111)
  GROUP ProfessionalAfAdmins -> Admin @ taylor (222222222222)

Region eu-west-1 (partition aws). The Identity Center instance is looked up there unless the stack sets instanceArn and identityStoreId.`,
    );
  });

  it("plan --json lists every registration and the sorted assignments", () => {
    const { code, out } = capture(["plan", "--json"]);
    assert.equal(code, 0);
    const json = JSON.parse(out);
    assert.equal(json.resources.length, 38);
    assert.deepEqual(json.resources[0], {
      type: "aws:identitystore/group:Group",
      name: "Auditors",
      parent: "sso-access:index:Group::Auditors",
      inputs: {
        identityStoreId: { $instance: "identityStoreId" },
        displayName: "Auditors",
        description: "Internal audit and security review, read-only everywhere in Workloads.",
      },
      dependsOn: [],
    });
    assert.deepEqual(
      json.resources.find((r: { type: string }) => r.type === "sso-access:index:AccessMatrix"),
      {
        type: "sso-access:index:AccessMatrix",
        name: "access",
        parent: null,
        inputs: {},
        dependsOn: [],
      },
    );
    assert.deepEqual(json.assignments[4], {
      principalType: "GROUP",
      principalName: "ProfessionalAfAdmins",
      permissionSet: "Admin",
      accountId: "111111111111",
      accountName: "management",
    });
    const plan = expand(loadMatrixOrThrow(path.join(ROOT, "access.yaml"), ROOT));
    assert.deepEqual(json.assignments, JSON.parse(JSON.stringify(plan.assignments)));
  });

  it("plan --json is written in pieces of whole lines that together are the one JSON text, at any piece size", () => {
    const plan = expand(loadMatrixOrThrow(path.join(ROOT, "access.yaml"), ROOT));
    const { out } = capture(["plan", "--json"]);
    assert.equal(out, JSON.stringify(JSON.parse(out), null, 2)); // as printed, less the last line end
    for (const size of [1, 2, 5, 38, 500]) {
      const pieces: string[] = [];
      writePlanJson(plan, "access.yaml", (text) => pieces.push(text), size);
      assert.equal(pieces.join(""), `${out}\n`, `pieces of ${size}`);
      assert.ok(
        pieces.every((p) => p.endsWith("\n") && !p.slice(0, -1).endsWith("\n")),
        `pieces of ${size} end each with one line end`,
      );
      // The head, each list's opening and closing, the end; then each list's elements in pieces of `size`.
      const lists = [38, plan.permissionSets.flatMap((p) => p.lookups).length, 6];
      assert.equal(pieces.length, 2 + lists.reduce((n, count) => n + (count ? 2 + Math.ceil(count / size) : 1), 0), `pieces of ${size}`);
    }
  });

  it("check says what is valid", () => {
    assert.deepEqual(capture(["check", "test/fixtures/valid/policies.yaml"]), {
      code: 0,
      out: "test/fixtures/valid/policies.yaml: valid (1 accounts, 3 permission sets, 1 groups, 0 users, 3 assignments)",
      err: "",
    });
  });

  it("check --warnings reports what is likely a mistake, located, and still exits 0", () => {
    const file = "test/fixtures/valid/warnings.yaml";
    assert.deepEqual(capture(["check", "--warnings", file]), {
      code: 0,
      out: `${file}: valid (1 accounts, 2 permission sets, 2 groups, 2 users, 2 assignments)`,
      err: [
        `${file}:11:3  permissionSets.Broad  warning: 11 managed and customer managed policies; IAM allows 10 per role unless the quota is raised in every account the set is assigned to`,
        `${file}:20:3  permissionSets.Unused  warning: permission set "Unused" is assigned nowhere; assign it or remove it`,
        `${file}:25:3  groups.Empty  warning: group "Empty" has no members and no assignments; fill it or remove it`,
        `${file}:32:3  users.bo  warning: user "bo" is in no group; access by group membership is easier to review`,
      ].join("\n"),
    });
    assert.deepEqual(capture(["check", file]).err, "");
    assert.deepEqual(capture(["check", "--warnings"]).err, "", "the sample has nothing to warn about");
  });

  it("check prints located problems and exits 1", () => {
    const { code, out, err } = capture(["check", "test/fixtures/invalid/dangling-references.yaml"]);
    assert.equal(code, 1);
    assert.equal(out, "");
    const expected = fs.readFileSync(path.join(ROOT, "test/fixtures/invalid/dangling-references.expected"), "utf8").trimEnd();
    assert.equal(err, `${expected}\n3 problems.`);
  });

  it("a wrong command line exits 64 with what is wrong and where to find usage", () => {
    const hint = "Run sso-access --help, or sso-access <command> --help, for usage.";
    assert.deepEqual(capture(["plan", "a.yaml", "b.yaml"]), {
      code: 64,
      out: "",
      err: `sso-access: too many arguments for 'plan'. Expected 1 argument but got 2.\n${hint}`,
    });
    assert.deepEqual(capture(["chek"]), { code: 64, out: "", err: `sso-access: unknown command 'chek'\n(Did you mean check?)\n${hint}` });
    assert.deepEqual(capture(["who", "--frmat", "csv"]), { code: 64, out: "", err: `sso-access: unknown option '--frmat'\n(Did you mean --format?)\n${hint}` });
    assert.deepEqual(capture(["who", "--format", "xml"]), {
      code: 64,
      out: "",
      err: `sso-access: option '--format <format>' argument 'xml' is invalid. Allowed choices are table, markdown, csv, json.\n${hint}`,
    });
    assert.deepEqual(capture(["diff", "access.yaml"]), {
      code: 64,
      out: "",
      err: "sso-access: name two files, OLD and NEW, or use --base <git-ref> [FILE]; got 1",
    });
  });

  it("--help works on the program and on every command, and exits 0", () => {
    const top = capture(["--help"]);
    assert.equal(top.code, 0);
    assert.equal(top.err, "");
    assert.match(top.out, /^Usage: sso-access \[options\] \[command\]\n/);
    for (const command of ["check", "plan", "who", "diff", "aws-config", "schema"]) {
      assert.match(top.out, new RegExp(`\\n  ${command} `), command);
      const help = capture([command, "--help"]);
      assert.equal(help.code, 0, command);
      assert.match(help.out, new RegExp(`^Usage: sso-access ${command} `), command);
      assert.deepEqual(capture(["help", command]), help, command);
    }
    assert.match(top.out, /\n  64  wrong command line\n/);
  });

  // End to end: the real entry (package.json "bin"), as npm and npx start it, in a process of its own; the exit code
  // and the two streams of that process. Every other test of the command calls run() in process.
  it("the sso-access entry (bin/sso-access.js) on a broken file exits 1 with no stack trace", function () {
    this.timeout(60_000);
    const result = spawnSync(process.execPath, ["bin/sso-access.js", "check", "test/fixtures/invalid/custom-tag.yaml"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    assert.equal(
      result.stderr,
      "test/fixtures/invalid/custom-tag.yaml:7:9  <root>  unknown scalar tag !!js/function; access.yaml takes no custom tags: remove it\n1 problem.\n",
    );
  });
});

describe("sso-access at the size of an organization", () => {
  it("renders a table of 200,000 rows (no argument list as long as the table)", () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`user-${i}`, "x".repeat(i % 7)]);
    const table = renderTable(["User", "Account"], rows, (_style, text) => text);
    assert.equal(table.split("\n").length, 200_001);
    assert.equal(table.split("\n")[1], "user-0");
    assert.equal(table.split("\n")[7], "user-6       xxxxxx");
  });

  // A real process: only a real pipe, closed by its reader, raises EPIPE.
  it("ends quietly with exit 0 when its reader stops early (sso-access who | head -1)", async function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-pipe-"));
    fs.writeFileSync(path.join(dir, "access.yaml"), generateYaml("M"));
    const child = spawn(process.execPath, [path.join(ROOT, "bin/sso-access.js"), "who"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const first = await new Promise<string>((resolve) => child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().split("\n")[0])));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.deepEqual({ first, code, stderr }, { first: "User                    Account    Account id    Permission set  Via", code: 0, stderr: "" });
  });
});
