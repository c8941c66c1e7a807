import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dump } from "js-yaml";
import { generate, generateYaml } from "../bench/generate";
import { run } from "../cli/main";
import { chunkedOutput, wantsColor } from "../cli/output";
import { loadMatrixFile } from "../matrix/checks/pipeline";
import { expand } from "../matrix/expand/expand";
import { effectiveAccess, viaText } from "../matrix/review/effectiveAccess";
import { byText } from "../matrix/common/order";
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
  it("every view and filter lists exactly the grants that a brute-force expansion of the rows to members finds, in the view's order", () => {
    // An organization of 200 accounts whose users also hold direct assignments, some of them overlapping their groups'.
    const matrix = generate("M", 3);
    const users = Object.keys(matrix.users!).sort(byText);
    const accounts = Object.keys(matrix.accounts);
    const sets = Object.keys(matrix.permissionSets!);
    for (let i = 0; i < 40; i++) {
      matrix.assignments!.push({
        user: users[(i * 37) % users.length],
        permissionSets: [sets[i % sets.length], sets[(i * 7) % sets.length]],
        accounts: [accounts[(i * 11) % accounts.length], accounts[(i * 13) % accounts.length]],
      });
    }
    matrix.guardrails = undefined;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-who-"));
    const file = path.join(dir, "access.yaml");
    fs.writeFileSync(file, dump(matrix, { lineWidth: 200, noRefs: true }));
    const loaded = loadMatrixFile(file);
    assert.ok(loaded.ok);
    const plan = expand(loaded.value);

    // The model: every assignment row, to every member of its group, one entry per user, account and set.
    const members = new Map<string, Set<string>>();
    for (const [key, group] of Object.entries(matrix.groups!)) if (!group.external) members.set(key, new Set(group.members ?? []));
    for (const [name, user] of Object.entries(matrix.users!)) for (const g of user.groups ?? []) members.get(g)?.add(name);
    type Row = { user: string; accountId: string; accountName: string; permissionSet: string; groups: string[]; direct: boolean };
    const model = new Map<string, Row>();
    const externals: { group: string; displayName: string; accountId: string; accountName: string; permissionSet: string }[] = [];
    const entry = (user: string, r: (typeof plan.assignments)[number]) => {
      const key = `${user} ${r.accountId} ${r.permissionSet}`;
      if (!model.has(key))
        model.set(key, { user, accountId: r.accountId, accountName: r.accountName, permissionSet: r.permissionSet, groups: [], direct: false });
      return model.get(key)!;
    };
    for (const r of plan.assignments) {
      if (r.principalType === "USER") entry(r.principalName, r).direct = true;
      else if (matrix.groups![r.principalName].external) {
        const g = matrix.groups![r.principalName];
        externals.push({
          group: r.principalName,
          displayName: g.displayName ?? r.principalName,
          accountId: r.accountId,
          accountName: r.accountName,
          permissionSet: r.permissionSet,
        });
      } else for (const user of members.get(r.principalName)!) entry(user, r).groups.push(r.principalName);
    }
    const rows = [...model.values()].map((r) => ({ ...r, groups: [...r.groups].sort(byText) }));
    assert.ok(
      rows.some((r) => r.direct && r.groups.length > 0) && rows.some((r) => r.direct && r.groups.length === 0) && rows.some((r) => r.groups.length > 1),
    );
    const order = {
      user: (r: { accountName: string; permissionSet: string }, who: string) => [who, r.accountName, r.permissionSet],
      account: (r: { accountName: string; permissionSet: string }, who: string) => [r.accountName, r.permissionSet, who],
      "permission-set": (r: { accountName: string; permissionSet: string }, who: string) => [r.permissionSet, r.accountName, who],
    };
    const sortBy = <T>(items: T[], key: (item: T) => string[]) =>
      items.sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        return byText(x[0], y[0]) || byText(x[1], y[1]) || byText(x[2], y[2]);
      });
    const cases: { view: keyof typeof order; args: string[]; keep: (r: { accountName: string; permissionSet: string; groups: string[] }) => boolean }[] = [
      { view: "user", args: [], keep: () => true },
      { view: "account", args: [], keep: () => true },
      { view: "permission-set", args: [], keep: () => true },
      {
        view: "account",
        args: ["--group", "group-001", "--group", "group-002"],
        keep: (r) => r.groups.includes("group-001") || r.groups.includes("group-002"),
      },
      {
        view: "permission-set",
        args: ["--account", accounts[11], "--permission-set", sets[7]],
        keep: (r) => r.accountName === accounts[11] && r.permissionSet === sets[7],
      },
      { view: "user", args: ["--permission-set", sets[0]], keep: (r) => r.permissionSet === sets[0] },
    ];
    for (const { view, args, keep } of cases) {
      const { code, out } = capture(["who", file, "--by", view, "--format", "json", ...args]);
      assert.equal(code, 0);
      const report = JSON.parse(out);
      const expected = sortBy(rows.filter(keep), (r) => order[view](r, r.user));
      assert.equal(report.grants.length, expected.length, `${view} ${args.join(" ")}`);
      assert.deepEqual(
        report.grants,
        expected.map(({ user, accountId, accountName, permissionSet, groups, direct }) => ({ user, accountId, accountName, permissionSet, groups, direct })),
      );
      const externalRows = sortBy(
        externals.filter((g) => keep({ ...g, groups: [g.group] })),
        (g) => order[view](g, g.group),
      );
      assert.deepEqual(report.externalGroups, externalRows);
    }
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
