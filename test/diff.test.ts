import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expand } from "../matrix/expand/expand";
import { loadMatrixOrThrow } from "../matrix/checks/pipeline";
import { checkRemovals, deployedOf } from "../matrix/review/removalGuard";
import { ROOT, capture } from "./cliRun";

const planOf = (file: string) => expand(loadMatrixOrThrow(file, path.dirname(file)));

/** A folder with the sample as old.yaml, an edited copy as new.yaml, and the sample's policy files. */
function workspace(edits: [string, string][], extraFiles: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-diff-"));
  const sample = fs.readFileSync(path.join(ROOT, "access.yaml"), "utf8");
  fs.writeFileSync(path.join(dir, "old.yaml"), sample);
  let edited = sample;
  for (const [from, to] of edits) {
    assert.ok(edited.includes(from), `the sample no longer contains ${JSON.stringify(from)}`);
    edited = edited.replace(from, to);
  }
  fs.writeFileSync(path.join(dir, "new.yaml"), edited);
  fs.cpSync(path.join(ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
  for (const [name, text] of Object.entries(extraFiles)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** `line:column` of the first occurrence of `needle` in a file. */
function at(file: string, needle: string): string {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const line = lines.findIndex((l) => `${l}\n`.includes(needle));
  return `${line + 1}:${`${lines[line]}\n`.indexOf(needle) + 1}`;
}

const DEVELOPERS_ON_WORKLOADS: [string, string] = [
  "  - group: Developers\n",
  "  - group: Developers\n    permissionSets: [ReadOnly]\n    ous: [Workloads]\n  - group: Developers\n",
];

/** The review scenario: memberships, a user in and out, an account moved, a permission set tightened in one way and widened in another. */
const REVIEW_EDITS: [string, string][] = [
  [
    "    sessionDuration: PT8H\n    managedPolicies:\n      - PowerUserAccess\n    inlinePolicyFile: policies/developer-guardrails.json",
    "    sessionDuration: PT4H\n    managedPolicies:\n      - PowerUserAccess\n      - IAMFullAccess\n    inlinePolicyFile: policies/developer-guardrails-v2.json",
  ],
  ["    members:\n      - sam.rivera", "    members:\n      - jane.doe"],
  ["    email: alex.kim@professional-af.example", "    email: alex.kim@example.org"],
  ["    ou: Workloads/Dev", "    ou: Sandbox"],
  [
    "  sam.rivera:\n    displayName: Sam Rivera\n    givenName: Sam\n    familyName: Rivera\n    email: sam.rivera@professional-af.example\n",
    "  lee.chen:\n    displayName: Lee Chen\n    givenName: Lee\n    familyName: Chen\n    email: lee.chen@professional-af.example\n    groups: [ProfessionalAfAdmins]\n",
  ],
];
const guardrailsV2 = () =>
  fs
    .readFileSync(path.join(ROOT, "policies/developer-guardrails.json"), "utf8")
    .replace('"iam:CreateAccessKey"]', '"iam:CreateAccessKey", "iam:CreateLoginProfile"]');

describe("sso-access diff", () => {
  it("an account that becomes SUSPENDED leaves the OU, tag and all-account targets that reached it, on the risk line", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-status-"));
    const after = path.join(ROOT, "test/fixtures/valid/suspended-account.yaml");
    const before = path.join(dir, "before.yaml");
    fs.writeFileSync(before, fs.readFileSync(after, "utf8").replace("    status: SUSPENDED\n", ""));
    const { code, out } = capture(["diff", before, after]);
    assert.equal(code, 0);
    const lines = out.split("\n");
    assert.equal(lines[1], "account old (200000000002)'s inventory (status) changes what targets it: it leaves group Readers: ReadOnly.");
    assert.ok(lines.includes("  ~ account old (200000000002): status (none) -> SUSPENDED"), out);
  });

  it("a group added to an OU: names every person who gains access (once for people who change alike) and every account, by principal and by account", () => {
    const dir = workspace([DEVELOPERS_ON_WORKLOADS]);
    assert.deepEqual(capture(["diff", "old.yaml", "new.yaml"], { cwd: dir }), {
      code: 0,
      err: "",
      out: `Access changes: old.yaml -> new.yaml
2 people gain access in 1 account.

People
  alex.kim, priya.patel (2 people, the same change)
    + ReadOnly in taylor (222222222222) via Developers

Assignments granted (1), by principal
  group Developers: reaches alex.kim, priya.patel
    + ReadOnly in taylor (222222222222)

Assignments granted, by account
  taylor (222222222222)
    + group Developers: ReadOnly`,
    });
  });

  it("a review of many kinds of change, as text and as a pull request comment (reviewed golden files)", () => {
    const dir = workspace(REVIEW_EDITS, { "policies/developer-guardrails-v2.json": guardrailsV2() });
    const golden = (name: string) => fs.readFileSync(path.join(ROOT, "test/fixtures/diff", name), "utf8").replace(/\n$/, "");
    assert.deepEqual(capture(["diff", "old.yaml", "new.yaml"], { cwd: dir }), { code: 0, err: "", out: golden("review.expected.txt") });
    assert.deepEqual(capture(["diff", "old.yaml", "new.yaml", "--format", "markdown"], { cwd: dir }), { code: 0, err: "", out: golden("review.expected.md") });
  });

  it("JSON carries the same facts for programs", () => {
    const dir = workspace(REVIEW_EDITS, { "policies/developer-guardrails-v2.json": guardrailsV2() });
    const json = JSON.parse(capture(["diff", "old.yaml", "new.yaml", "--format", "json"], { cwd: dir }).out);
    assert.equal(json.before, "old.yaml");
    assert.equal(json.changed, true);
    assert.deepEqual(json.settings, []);
    assert.deepEqual(json.privilegedGains, [
      {
        reason: "AdministratorAccess",
        people: ["lee.chen"],
        externalGroups: [],
        accounts: [
          { name: "management", id: "111111111111" },
          { name: "taylor", id: "222222222222" },
        ],
      },
      { reason: "IAMFullAccess", people: ["alex.kim", "priya.patel"], externalGroups: [], accounts: [{ name: "sandbox", id: "333333333333" }] },
    ]);
    assert.deepEqual(json.revoked, [
      {
        principalType: "GROUP",
        principalName: "Auditors",
        permissionSet: "ReadOnly",
        accountId: "333333333333",
        accountName: "sandbox",
        users: ["sam.rivera"],
      },
    ]);
    assert.deepEqual(json.memberships, [
      { group: "Auditors", added: ["jane.doe"], removed: ["sam.rivera"] },
      { group: "ProfessionalAfAdmins", added: ["lee.chen"], removed: [] },
    ]);
    assert.deepEqual(json.users, {
      added: ["lee.chen"],
      removed: ["sam.rivera"],
      changed: [
        {
          name: "alex.kim",
          changes: [{ field: "email", label: "email", kind: "value", from: "alex.kim@professional-af.example", to: "alex.kim@example.org" }],
        },
      ],
    });
    assert.deepEqual(json.permissionSets[0].changes.slice(0, 2), [
      { field: "sessionDuration", label: "session duration", kind: "value", from: "PT8H", to: "PT4H" },
      { field: "managedPolicies", label: "managed policies", kind: "list", added: ["IAMFullAccess"], removed: [] },
    ]);
  });

  it("--exit-code: 2 when access changes, 0 when nothing does", () => {
    const dir = workspace([DEVELOPERS_ON_WORKLOADS]);
    assert.equal(capture(["diff", "old.yaml", "new.yaml", "--exit-code"], { cwd: dir }).code, 2);
    assert.deepEqual(capture(["diff", "old.yaml", "old.yaml", "--exit-code"], { cwd: dir }), {
      code: 0,
      err: "",
      out: "Access changes: old.yaml -> old.yaml\nNo access changes.",
    });
  });

  it("a description edit is a change, but nobody's access", () => {
    const dir = workspace([["    description: Application developers.", "    description: Application developers of every team."]]);
    assert.deepEqual(capture(["diff", "old.yaml", "new.yaml", "--exit-code"], { cwd: dir }), {
      code: 2,
      err: "",
      out: `Access changes: old.yaml -> new.yaml
No one gains or loses access; other changes below.

Users, groups and accounts
  ~ group Developers: description Application developers. -> Application developers of every team.`,
    });
  });

  it("reports the problems of either file, located, and compares nothing", () => {
    const dir = workspace([["    permissionSets: [Developer, ReadOnly]", "    permissionSets: [Developer, ReadOnyl]"]]);
    assert.deepEqual(capture(["diff", "old.yaml", "new.yaml"], { cwd: dir }), {
      code: 1,
      out: "",
      err: `new.yaml:${at(path.join(dir, "new.yaml"), "ReadOnyl")}  assignments[2].permissionSets[1]  unknown permission set "ReadOnyl"; did you mean "ReadOnly"?\n1 problem; nothing was compared.`,
    });
  });

  it("an external group gaining AdministratorAccess leads the risk summary, members unknown", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-diff-"));
    const fixture = fs.readFileSync(path.join(ROOT, "test/fixtures/valid/effective-access.yaml"), "utf8");
    fs.writeFileSync(path.join(dir, "old.yaml"), fixture);
    const from = "  - group: Okta-Engineering\n    permissionSets: [ReadOnly]";
    assert.ok(fixture.includes(from));
    fs.writeFileSync(path.join(dir, "new.yaml"), fixture.replace(from, "  - group: Okta-Engineering\n    permissionSets: [ReadOnly, Admin]"));
    assert.deepEqual(capture(["diff", "old.yaml", "new.yaml"], { cwd: dir }), {
      code: 0,
      err: "",
      out: `Access changes: old.yaml -> new.yaml
external group "Engineering" (members unknown) gains AdministratorAccess in 1 account; 1 external group gains access in 1 account.

External groups (members managed outside access.yaml)
  Okta-Engineering ("Engineering")
    + Admin in staging (100000000002)

Assignments granted (1), by principal
  group Okta-Engineering: reaches members of an external group (managed outside access.yaml)
    + Admin in staging (100000000002)

Assignments granted, by account
  staging (100000000002)
    + group Okta-Engineering: Admin`,
    });
  });

  it("an external group is who its display name finds: swapping two groups' display names moves their grants, and says so", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-diff-"));
    const fixture = fs.readFileSync(path.join(ROOT, "test/fixtures/valid/effective-access.yaml"), "utf8");
    fs.writeFileSync(path.join(dir, "old.yaml"), fixture);
    // The key Okta-Engineering, which holds ReadOnly, now finds another group of people: its grants move to them.
    const from = "  Okta-Engineering:\n    displayName: Engineering\n";
    assert.ok(fixture.includes(from));
    const edited = fixture.replace(from, "  Okta-Engineering:\n    displayName: All Employees\n");
    fs.writeFileSync(path.join(dir, "new.yaml"), edited);
    const { code, out } = capture(["diff", "old.yaml", "new.yaml", "--exit-code"], { cwd: dir });
    assert.equal(code, 2);
    assert.deepEqual(out.split("\n").slice(0, 9), [
      "Access changes: old.yaml -> new.yaml",
      "1 external group gains access in 1 account; 1 external group loses access in 1 account.",
      "",
      "External groups (members managed outside access.yaml)",
      '  Okta-Engineering ("All Employees")',
      "    + ReadOnly in staging (100000000002)",
      '  Okta-Engineering ("Engineering")',
      "    - ReadOnly in staging (100000000002)",
      "",
    ]);
  });

  it("turning automatic privilege detection off relaxes the guardrails, never the risk line: AWS's admin policies are named", () => {
    const dir = workspace([
      ["    groups: [ProfessionalAfAdmins]", "    groups: [ProfessionalAfAdmins, Developers]\n    automatic: false\n    permissionSets: [Developer]"],
      ["  - group: Developers\n    permissionSets: [Developer, ReadOnly]", "  - group: Developers\n    permissionSets: [Developer, ReadOnly, Admin]"],
    ]);
    const { code, out } = capture(["diff", "old.yaml", "new.yaml"], { cwd: dir });
    assert.equal(code, 0);
    assert.equal(
      out.split("\n")[1],
      "the guardrails change (privileged.groups, privileged.automatic, privileged.permissionSets): review them first, they judge this file; 2 people gain AdministratorAccess in 1 account; 2 people gain privileged access (named in guardrails.privileged.permissionSets) in 1 account; 2 people gain access in 1 account.",
    );
  });

  it("an inventory claim that moves an account out of an assignment's targets is named by account in the risk line", () => {
    const dir = workspace([["    ou: Workloads/Prod\n", "    ou: Security\n"]]);
    const { code, out } = capture(["diff", "old.yaml", "new.yaml"], { cwd: dir });
    assert.equal(code, 0);
    assert.equal(
      out.split("\n")[1],
      "1 person loses access in 1 account; account taylor (222222222222)'s inventory (OU) changes what targets it: it leaves group Auditors: ReadOnly.",
    );
  });

  it("a new email for someone who holds admin is a risk: password resets go there", () => {
    const dir = workspace([["    email: jane.doe@professional-af.example", "    email: jane.doe@mallory.example"]]);
    const { out } = capture(["diff", "old.yaml", "new.yaml"], { cwd: dir });
    assert.equal(out.split("\n")[1], "the email of jane.doe, who holds AdministratorAccess, changes to jane.doe@mallory.example: password resets go there.");
  });

  it("someone who holds admin becoming a user of the identity provider is a risk: it now decides who signs in as them", () => {
    const dir = workspace([
      [
        "  jane.doe:\n    displayName: Jane Doe\n    givenName: Jane\n    familyName: Doe\n    email: jane.doe@professional-af.example\n",
        "  jane.doe:\n    external: true\n",
      ],
    ]);
    const { out } = capture(["diff", "old.yaml", "new.yaml"], { cwd: dir });
    assert.equal(
      out.split("\n")[1],
      "jane.doe, who holds AdministratorAccess, is now managed by your identity provider, not this file: whoever controls it controls that access.",
    );
  });

  it("an account whose tags take it out of the privileged guardrail's scope is named in the risk line", () => {
    const dir = workspace([["    ou: Workloads/Prod\n    tags:\n      env: prod", "    ou: Workloads/Prod\n    tags:\n      env: production"]]);
    const { out } = capture(["diff", "old.yaml", "new.yaml"], { cwd: dir });
    assert.equal(out.split("\n")[1], "account taylor (222222222222) leaves the scope of guardrails.privileged.");
  });

  it("a new Identity Center region or start URL is a change that leads the summary", () => {
    const dir = workspace([
      ["  region: eu-west-1", "  region: eu-central-1"],
      ["https://professional-af.awsapps.com/start", "https://pro-af.awsapps.com/start"],
    ]);
    const check = checkRemovals(deployedOf(planOf(path.join(dir, "old.yaml"))), deployedOf(planOf(path.join(dir, "new.yaml"))));
    assert.deepEqual(capture(["diff", "old.yaml", "new.yaml", "--exit-code"], { cwd: dir }), {
      code: 2,
      err: "",
      out: `Access changes: old.yaml -> new.yaml
the Identity Center region changes from eu-west-1 to eu-central-1: every resource is deleted there and created here.

Removal guard: pulumi up will stop (the region changes from eu-west-1 to eu-central-1: every assignment, membership and user is deleted there and created anew) unless the stack allows exactly this removal: pulumi config set sso-access:allowRemovals ${check.fingerprint} (with the default limits, when the last deployment is the old file).

Identity Center
  ~ region eu-west-1 -> eu-central-1
  ~ start URL https://professional-af.awsapps.com/start -> https://pro-af.awsapps.com/start`,
    });
  });

  it("text from the file cannot forge or hide part of the pull request comment", () => {
    const dir = workspace([["    description: Application developers.", '    description: "x</sub>\\n\\n**No access changes.** <!-- | `y` _z_"']]);
    const { out } = capture(["diff", "old.yaml", "new.yaml", "--format", "markdown"], { cwd: dir });
    assert.equal(
      out.split("\n").find((l) => l.startsWith("- group Developers")),
      "- group Developers: description Application developers. → x&lt;/sub&gt;\\\\n\\\\n\\*\\*No access changes.\\*\\* &lt;!-- \\| \\`y\\` \\_z\\_",
    );
    assert.ok(!out.includes("<!-- |"), "no comment opens");
  });

  it("warns when pulumi up of the change would meet the removal guard, with the key that allows it", () => {
    const dir = workspace([["  - group: Auditors\n    permissionSets: [ReadOnly]\n    ous: [Workloads]\n", ""]]);
    const check = checkRemovals(deployedOf(planOf(path.join(dir, "old.yaml"))), deployedOf(planOf(path.join(dir, "new.yaml"))));
    const { code, out } = capture(["diff", "old.yaml", "new.yaml"], { cwd: dir });
    assert.equal(code, 0);
    assert.deepEqual(out.split("\n").slice(0, 4), [
      "Access changes: old.yaml -> new.yaml",
      "1 person loses access in 2 accounts.",
      "",
      `Removal guard: pulumi up will stop (it removes 2 of 6 assignments (33.3%), more than the 25% allowed) unless the stack allows exactly this removal: pulumi config set sso-access:allowRemovals ${check.fingerprint} (with the default limits, when the last deployment is the old file).`,
    ]);
    const json = JSON.parse(capture(["diff", "old.yaml", "new.yaml", "--format", "json"], { cwd: dir }).out);
    assert.deepEqual(json.removalGuard, { reasons: ["it removes 2 of 6 assignments (33.3%), more than the 25% allowed"], fingerprint: check.fingerprint });
  });

  it("judges only the new side by the guardrails: the old side is compared, never deployed", () => {
    // The old side breaks the guardrails the new side adds (no description on a set); the new side keeps them.
    const dir = workspace([["    description: Build and operate workloads; no IAM users, no leaving the organization.\n", ""]]);
    fs.renameSync(path.join(dir, "new.yaml"), path.join(dir, "tmp.yaml"));
    fs.renameSync(path.join(dir, "old.yaml"), path.join(dir, "new.yaml"));
    fs.renameSync(path.join(dir, "tmp.yaml"), path.join(dir, "old.yaml"));
    assert.equal(capture(["check", "old.yaml"], { cwd: dir }).code, 1);
    const { code, err } = capture(["diff", "old.yaml", "new.yaml"], { cwd: dir });
    assert.equal(err, "");
    assert.equal(code, 0);
    assert.equal(capture(["diff", "new.yaml", "old.yaml"], { cwd: dir }).code, 1, "a new side that breaks them is refused");
  });

  it("a change of the guardrails leads the summary and counts as a change: the file holds the rules that judge it", () => {
    const dir = workspace([
      ["  requireDescriptions: true", "  requireDescriptions: false"],
      ["    groups: [ProfessionalAfAdmins]", "    groups: [ProfessionalAfAdmins, Developers]\n    automatic: false"],
    ]);
    assert.deepEqual(capture(["diff", "old.yaml", "new.yaml", "--exit-code"], { cwd: dir }), {
      code: 2,
      err: "",
      out: `Access changes: old.yaml -> new.yaml
the guardrails change (requireDescriptions, privileged.groups, privileged.automatic): review them first, they judge this file.

Guardrails
  ~ requireDescriptions true -> false
  ~ privileged.groups + Developers
  ~ privileged.automatic (none) -> false`,
    });
  });

  it("a missing new file is reported as check reports it", () => {
    const dir = workspace([]);
    assert.deepEqual(capture(["diff", "old.yaml", "gone.yaml"], { cwd: dir }), {
      code: 1,
      out: "",
      err: "gone.yaml:1:1  <root>  the file does not exist; name an access matrix such as access.yaml\n1 problem; nothing was compared.",
    });
  });

  describe("--base: the old side from git", () => {
    const git = (dir: string, ...args: string[]) =>
      execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=main", ...args], { cwd: dir, stdio: "pipe" });
    function repository(): string {
      const dir = workspace([]);
      fs.renameSync(path.join(dir, "old.yaml"), path.join(dir, "access.yaml"));
      fs.rmSync(path.join(dir, "new.yaml"));
      git(dir, "init", "-q");
      git(dir, "add", ".");
      git(dir, "commit", "-q", "-m", "sample");
      return dir;
    }

    it("reviews the file the stack deploys: a pull request that points the stack at another file shows that file's change", () => {
      const dir = repository();
      fs.copyFileSync(path.join(ROOT, "Pulumi.prod.yaml"), path.join(dir, "Pulumi.prod.yaml"));
      git(dir, "add", ".");
      git(dir, "commit", "-q", "-m", "stack");
      // access.yaml stays as reviewed; a new file gives the developers admin, and the stack now deploys that one.
      const sample = fs.readFileSync(path.join(dir, "access.yaml"), "utf8");
      const grant = [
        "  - group: Developers\n    permissionSets: [Developer, ReadOnly]",
        "  - group: Developers\n    permissionSets: [Developer, ReadOnly, Admin]",
      ];
      assert.ok(sample.includes(grant[0]));
      fs.writeFileSync(
        path.join(dir, "team.yaml"),
        sample.replace(grant[0], grant[1]).replace("groups: [ProfessionalAfAdmins]", "groups: [ProfessionalAfAdmins, Developers]"),
      );
      fs.writeFileSync(
        path.join(dir, "Pulumi.prod.yaml"),
        fs.readFileSync(path.join(dir, "Pulumi.prod.yaml"), "utf8").replace("sso-access:accessFile: access.yaml", "sso-access:accessFile: team.yaml"),
      );
      const { code, out } = capture(["diff", "--base", "HEAD", "--exit-code"], { cwd: dir });
      assert.equal(code, 2);
      assert.deepEqual(out.split("\n").slice(0, 6), [
        "Access changes: HEAD:access.yaml -> team.yaml",
        "the configuration of stack prod changes (accessFile): it decides what pulumi up deploys, review it first; the guardrails change (privileged.groups): review them first, they judge this file; 2 people gain AdministratorAccess in 1 account; 2 people gain access in 1 account.",
        "",
        "Stack prod (what pulumi up deploys, and how)",
        "  ~ accessFile access.yaml -> team.yaml",
        "",
      ]);
      // The other commands read the deployed file too, with no file named.
      assert.equal(capture(["check"], { cwd: dir }).out, "team.yaml: valid (4 accounts, 3 permission sets, 3 groups, 4 users, 7 assignments)");
      assert.deepEqual(capture(["check", "access.yaml", "--stack", "prod"], { cwd: dir }), {
        code: 64,
        out: "",
        err: "sso-access: name the access file or a --stack, not both: the stack names its file",
      });
    });

    it("finds the stack's settings as Pulumi does, and refuses what Pulumi could read otherwise", () => {
      const dir = repository();
      fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
      fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "config:\n  aws:region: eu-west-1\n");
      git(dir, "add", ".");
      git(dir, "commit", "-q", "-m", "project");
      const sample = fs.readFileSync(path.join(dir, "access.yaml"), "utf8");
      fs.writeFileSync(
        path.join(dir, "team.yaml"),
        sample.replace("  - group: Auditors\n", "  - group: Developers\n    permissionSets: [ReadOnly]\n    ous: [Workloads]\n  - group: Auditors\n"),
      );
      // The project's default, when the stack names no file: changing it changes what deploys.
      const project = fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8");
      assert.ok(project.includes("    default: access.yaml"));
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), project.replace("    default: access.yaml", "    default: team.yaml"));
      const { out } = capture(["diff", "--base", "HEAD"], { cwd: dir });
      assert.deepEqual(out.split("\n").slice(0, 2), [
        "Access changes: HEAD:access.yaml -> team.yaml",
        "the configuration of stack prod changes (accessFile): it decides what pulumi up deploys, review it first; 2 people gain access in 1 account.",
      ]);
      const refused = (files: Record<string, string>) => {
        for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
        const result = capture(["check"], { cwd: dir });
        for (const name of Object.keys(files)) fs.rmSync(path.join(dir, name));
        return result;
      };
      assert.deepEqual(refused({ "Pulumi.prod.yml": "config: {}\n" }), {
        code: 64,
        out: "",
        err: "sso-access: Pulumi.prod.yml is not the file Pulumi reads for stack prod (the project file is Pulumi.yaml); remove it",
      });
      fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), 'config:\n  <<: {"sso-access:accessFile": team.yaml}\n');
      assert.equal(
        capture(["check"], { cwd: dir }).err,
        "sso-access: Pulumi.prod.yaml: a YAML merge key in config hides which settings it sets; write them out",
      );
      fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "config:\n  sso-access:accessFile: /etc/passwd\n");
      assert.deepEqual(capture(["check"], { cwd: dir }), {
        code: 64,
        out: "",
        err: 'sso-access: sso-access:accessFile "/etc/passwd" is outside the project folder; keep the access file in it',
      });
    });

    it("reads access.yaml and its policy files as they were at the revision", () => {
      const dir = repository();
      const file = path.join(dir, "access.yaml");
      fs.writeFileSync(
        file,
        fs
          .readFileSync(file, "utf8")
          .replace(
            "    sessionDuration: PT8H\n    managedPolicies:\n      - PowerUserAccess",
            "    sessionDuration: PT4H\n    managedPolicies:\n      - PowerUserAccess",
          ),
      );
      fs.writeFileSync(path.join(dir, "policies/developer-guardrails.json"), guardrailsV2());
      const { code, out, err } = capture(["diff", "--base", "HEAD"], { cwd: dir });
      assert.equal(err, "");
      assert.equal(code, 0);
      assert.equal(
        out,
        `Access changes: HEAD:access.yaml -> access.yaml
permission set Developer changes for 2 people in 1 account.

Permission sets
  ~ Developer: session duration PT8H -> PT4H; inline policy changed
      reaches sandbox (333333333333); people: alex.kim, priya.patel
      @@ -13,5 +13,6 @@
             "Action": [
               "iam:CreateUser",
      -        "iam:CreateAccessKey"
      +        "iam:CreateAccessKey",
      +        "iam:CreateLoginProfile"
             ],
             "Resource": "*"`,
      );
    });

    it("finds the file from a subfolder, and a file missing at the revision counts as empty", () => {
      const dir = repository();
      fs.mkdirSync(path.join(dir, "org"));
      fs.cpSync(path.join(dir, "access.yaml"), path.join(dir, "org/access.yaml"));
      fs.cpSync(path.join(dir, "policies"), path.join(dir, "org/policies"), { recursive: true });
      const { code, out } = capture(["diff", "--base", "HEAD", "org/access.yaml", "--format", "json"], { cwd: dir });
      assert.equal(code, 0);
      const json = JSON.parse(out);
      assert.equal(json.before, "HEAD:org/access.yaml (missing)");
      assert.equal(
        json.risk,
        "the guardrails change (maxSessionDuration, requireDescriptions, forbidUserAssignments, privileged.accounts.accounts, privileged.accounts.tags.env, privileged.groups): review them first, they judge this file; 1 person gains AdministratorAccess in 2 accounts; 2 people gain PowerUserAccess in 1 account; 4 people gain access in 3 accounts.",
      );
      assert.equal(json.granted.length, 6);
      assert.deepEqual(json.users.added, ["alex.kim", "jane.doe", "priya.patel", "sam.rivera"]);
    });

    it("locates problems of the old file at the revision", () => {
      const dir = repository();
      const file = path.join(dir, "access.yaml");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("      - jane.doe\n", "      - jane.do\n"));
      git(dir, "commit", "-q", "-am", "typo");
      const position = at(file, "jane.do\n");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("      - jane.do\n", "      - jane.doe\n"));
      assert.deepEqual(capture(["diff", "--base", "HEAD"], { cwd: dir }), {
        code: 1,
        out: "",
        err: `HEAD:access.yaml:${position}  groups.ProfessionalAfAdmins.members[0]  unknown user "jane.do"; did you mean "jane.doe"?\n1 problem; nothing was compared.`,
      });
    });

    it("an unknown revision or a folder outside git is a command-line mistake", () => {
      const dir = repository();
      assert.deepEqual(capture(["diff", "--base", "origin/main"], { cwd: dir }), {
        code: 64,
        out: "",
        err: 'sso-access: unknown git revision "origin/main"; fetch it first (git fetch origin main), and in CI check out with full history (fetch-depth: 0)',
      });
      const outside = workspace([]);
      assert.deepEqual(capture(["diff", "--base", "HEAD", "old.yaml"], { cwd: outside }), {
        code: 64,
        out: "",
        err: "sso-access: this folder is not in a git repository; compare two files instead: sso-access diff OLD NEW",
      });
    });
  });
});
