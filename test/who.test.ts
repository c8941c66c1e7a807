import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateYaml } from "../bench/generate";
import { run } from "../cli/main";
import { chunkedOutput, wantsColor } from "../cli/output";
import { loadMatrixFile } from "../matrix/checks/pipeline";
import { expand } from "../matrix/expand/expand";
import { effectiveAccess, viaText } from "../matrix/review/effectiveAccess";
import { capture } from "./cliRun";

const FIXTURE = "test/fixtures/valid/effective-access.yaml";

describe("sso-access who", () => {
  it("shows the sample's effective access per user, with the group each comes through", () => {
    assert.deepEqual(capture(["who"]), {
      code: 0,
      err: "",
      out: `User         Account     Account id    Permission set  Via
alex.kim     sandbox     333333333333  Developer       Developers
                                       ReadOnly        Developers
jane.doe     management  111111111111  Admin           ProfessionalAfAdmins
             taylor      222222222222  Admin           ProfessionalAfAdmins
priya.patel  sandbox     333333333333  Developer       Developers
                                       ReadOnly        Developers
sam.rivera   sandbox     333333333333  ReadOnly        Auditors
             taylor      222222222222  ReadOnly        Auditors`,
    });
  });

  it("merges every path to the same access into one row, marks external groups, and names users without access", () => {
    assert.deepEqual(capture(["who", FIXTURE]), {
      code: 0,
      err: "",
      out: `User                           Account  Account id    Permission set  Via
ana                            prod     100000000001  ReadOnly        Platform
                               staging  100000000002  ReadOnly        Platform
ben                            prod     100000000001  Admin           Oncall
                                                      ReadOnly        Oncall, Platform, direct
                               staging  100000000002  ReadOnly        Platform
(members of Okta-Engineering)  staging  100000000002  ReadOnly        Okta-Engineering (external: "Engineering")

Members of external groups (Okta-Engineering) are managed outside access.yaml: each "(members of ...)" row stands for all of them.
No access: cy.`,
    });
  });

  it("groups by account and by permission set", () => {
    assert.equal(
      capture(["who", FIXTURE, "--by", "account"]).out.split("\n\n")[0],
      `Account  Account id    Permission set  User                           Via
prod     100000000001  Admin           ben                            Oncall
                       ReadOnly        ana                            Platform
                                       ben                            Oncall, Platform, direct
staging  100000000002  ReadOnly        ana                            Platform
                                       ben                            Platform
                                       (members of Okta-Engineering)  Okta-Engineering (external: "Engineering")`,
    );
    assert.equal(
      capture(["who", FIXTURE, "--by", "permission-set"]).out.split("\n\n")[0],
      `Permission set  Account  Account id    User                           Via
Admin           prod     100000000001  ben                            Oncall
ReadOnly        prod     100000000001  ana                            Platform
                                       ben                            Oncall, Platform, direct
                staging  100000000002  ana                            Platform
                                       ben                            Platform
                                       (members of Okta-Engineering)  Okta-Engineering (external: "Engineering")`,
    );
  });

  it("filters: kinds combine, repeats add up; an account by name or id; a user filter says which external groups it cannot see", () => {
    assert.equal(
      capture(["who", FIXTURE, "--user", "ben", "--account", "100000000001"]).out,
      `User  Account  Account id    Permission set  Via
ben   prod     100000000001  Admin           Oncall
                             ReadOnly        Oncall, Platform, direct`,
    );
    assert.equal(
      capture(["who", FIXTURE, "--group", "Oncall", "--group", "Okta-Engineering", "--format", "csv"]).out,
      [
        "user,account,account_id,permission_set,via",
        "ben,prod,100000000001,Admin,Oncall",
        'ben,prod,100000000001,ReadOnly,"Oncall, Platform, direct"',
        '(members of Okta-Engineering),staging,100000000002,ReadOnly,"Okta-Engineering (external: ""Engineering"")"',
      ].join("\r\n"),
    );
    assert.equal(capture(["who", FIXTURE, "--permission-set", "Admin", "--account", "staging"]).out, "No access matches.");
    assert.equal(
      capture(["who", FIXTURE, "--user", "cy"]).out,
      "No access matches.\n\nNot shown: external groups Okta-Engineering also hold access here; their members are managed outside access.yaml.\nNo access: cy.",
    );
  });

  it("markdown for a pull request or a wiki page, JSON for programs", () => {
    assert.equal(
      capture(["who", FIXTURE, "--user", "ana", "--format", "markdown"]).out,
      `| User | Account | Account id | Permission set | Via |
|---|---|---|---|---|
| ana | prod | 100000000001 | ReadOnly | Platform |
|  | staging | 100000000002 | ReadOnly | Platform |

Not shown: external groups Okta-Engineering also hold access here; their members are managed outside access.yaml.`,
    );
    const json = JSON.parse(capture(["who", FIXTURE, "--format", "json"]).out);
    assert.deepEqual(json.grants[3], {
      user: "ben",
      accountId: "100000000001",
      accountName: "prod",
      permissionSet: "ReadOnly",
      groups: ["Oncall", "Platform"],
      direct: true,
    });
    assert.equal(json.grants.length, 5);
    assert.deepEqual(json.externalGroups, [
      { group: "Okta-Engineering", displayName: "Engineering", accountId: "100000000002", accountName: "staging", permissionSet: "ReadOnly" },
    ]);
    assert.deepEqual(json.usersWithoutAccess, ["cy"]);
    const byAccount = JSON.parse(capture(["who", FIXTURE, "--format", "json", "--by", "account"]).out);
    assert.deepEqual(
      byAccount.grants.map((g: { accountName: string; permissionSet: string; user: string }) => `${g.accountName} ${g.permissionSet} ${g.user}`),
      ["prod Admin ben", "prod ReadOnly ana", "prod ReadOnly ben", "staging ReadOnly ana", "staging ReadOnly ben"],
    );
  });

  it("colours only when asked (a terminal): the header in bold", () => {
    const plain = capture(["who", FIXTURE, "--user", "ana"]).out;
    const coloured = capture(["who", FIXTURE, "--user", "ana"], { color: true }).out;
    assert.equal(coloured.split("\n")[0], "\u001b[1mUser  Account  Account id    Permission set  Via\u001b[22m");
    assert.equal(coloured.replace(/\u001b\[\d+m/g, ""), plain);
  });

  it("colour follows NO_COLOR and FORCE_COLOR, else the terminal", () => {
    const terminal = { isTTY: true, hasColors: () => true } as unknown as NodeJS.WriteStream;
    const pipe = { isTTY: false } as unknown as NodeJS.WriteStream;
    assert.equal(wantsColor(terminal, {}), true);
    assert.equal(wantsColor(pipe, {}), false);
    assert.equal(wantsColor(terminal, { NO_COLOR: "1" }), false);
    assert.equal(wantsColor(pipe, { FORCE_COLOR: "1" }), true);
    assert.equal(wantsColor(terminal, { FORCE_COLOR: "0" }), true);
    assert.equal(wantsColor(pipe, { FORCE_COLOR: "1", NO_COLOR: "1" }), false);
  });

  it("a filter naming nothing in the file is a command-line mistake, with a suggestion", () => {
    assert.deepEqual(capture(["who", FIXTURE, "--user", "bne"]), {
      code: 64,
      out: "",
      err: 'sso-access: no user "bne" in test/fixtures/valid/effective-access.yaml; did you mean "ben"?',
    });
    assert.deepEqual(capture(["who", FIXTURE, "--account", "prdo"]), {
      code: 64,
      out: "",
      err: 'sso-access: no account "prdo" in test/fixtures/valid/effective-access.yaml; did you mean "prod"?',
    });
    assert.deepEqual(capture(["who", FIXTURE, "--permission-set", "Viewer"]), {
      code: 64,
      out: "",
      err: 'sso-access: no permission set "Viewer" in test/fixtures/valid/effective-access.yaml',
    });
  });

  it("a broken file is reported as check reports it, exit 1", () => {
    const { code, out, err } = capture(["who", "test/fixtures/invalid/custom-tag.yaml"]);
    assert.equal(code, 1);
    assert.equal(out, "");
    assert.equal(
      err,
      "test/fixtures/invalid/custom-tag.yaml:7:9  <root>  unknown scalar tag !!js/function; access.yaml takes no custom tags: remove it\n1 problem; nothing was reported.",
    );
  });
});

describe("who at scale", () => {
  it("writes a few thousand lines at a time, each piece ending at a line end; the last one io.out ends", () => {
    const pieces: string[] = [];
    const output = chunkedOutput({ out: (t) => pieces.push(t), err: () => undefined }, "\r\n", 2);
    for (const line of ["a", "b", "c", "d", "e"]) output.line(line);
    output.end();
    assert.deepEqual(pieces, ["a\r\nb\r\n", "c\r\nd\r\n", "e"]);
  });

  it("streams the table of a 200-account organization (M): every grant once, the same rows as effective access", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-who-"));
    const file = path.join(dir, "access.yaml");
    fs.writeFileSync(file, generateYaml("M", 1));
    const pieces: string[] = [];
    const code = run(["who", file, "--format", "csv"], { out: (t) => pieces.push(t), err: (t) => assert.fail(t), color: false });
    assert.equal(code, 0);
    const loaded = loadMatrixFile(file);
    assert.ok(loaded.ok);
    const access = effectiveAccess(loaded.value, expand(loaded.value));
    const records = pieces.join("").replace(/\n$/, "").split("\r\n");
    assert.equal(records.length, 1 + access.grants.length + access.externalGrants.length);
    assert.ok(pieces.length > 5, `${pieces.length} pieces`);
    for (const piece of pieces.slice(0, -1)) assert.ok(piece.endsWith("\r\n"));
    const userRows = records.slice(1, 1 + access.grants.length);
    assert.deepEqual(
      userRows,
      access.grants.map((g) => [g.user, g.accountName, g.accountId, g.permissionSet, viaText(g)].map((c) => (/[",]/.test(c) ? `"${c}"` : c)).join(",")),
    );
  });
});
