import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadMatrixText } from "../matrix/checks/pipeline";
import { formatProblem } from "../matrix/common/problems";
import { managedPolicyArn } from "../matrix/aws/policies";
import { privilegeReasons } from "../matrix/aws/privilege";
import { folderFiles } from "../matrix/read/source";

const ROOT = path.resolve(__dirname, "..");
const SAMPLE = fs.readFileSync(path.join(ROOT, "access.yaml"), "utf8");

/** The sample with edits, loaded as a user's file: its problems, formatted. */
function problemsOf(edits: [string, string][]): string[] {
  let text = SAMPLE;
  for (const [from, to] of edits) {
    assert.ok(text.includes(from), `the sample no longer contains ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  const result = loadMatrixText(text, "access.yaml", folderFiles(ROOT));
  return result.ok ? [] : result.problems.map(formatProblem);
}

const ADMIN_TO_DEVELOPERS: [string, string] = [
  "  - group: Developers\n",
  "  - group: Developers\n    permissionSets: [Admin]\n    accounts: [taylor]\n  - group: Developers\n",
];
const GUARDED = "    accounts:\n      accounts: [management]\n      tags:\n        env: prod\n";

describe("guardrails", () => {
  it("the sample keeps its own guardrails, and giving Admin to Developers in a production account breaks them", () => {
    assert.deepEqual(problemsOf([]), []);
    const [problem] = problemsOf([ADMIN_TO_DEVELOPERS]);
    assert.match(
      problem,
      /assignments\[2\]\.permissionSets\[0\]  guardrail privileged\.groups: "Admin" is privileged \(AdministratorAccess\): in taylor \(222222222222\) only the groups ProfessionalAfAdmins may hold it, not the group "Developers"$/,
    );
  });

  for (const [what, selector] of [
    ["an empty list of accounts", "    accounts:\n      accounts: []\n"],
    ["an empty tag map", "    accounts:\n      tags: {}\n"],
    ["allAccounts: false", "    accounts:\n      allAccounts: false\n"],
  ]) {
    it(`a guarded-account selector of ${what} chooses nothing, so it guards every account`, () => {
      // Every account is guarded now: the developers' PowerUserAccess set in sandbox breaks the rule too.
      assert.deepEqual(
        problemsOf([[GUARDED, selector], ADMIN_TO_DEVELOPERS]).map((p) => p.replace(/^access\.yaml:\d+:\d+  /, "")),
        [
          'assignments[2].permissionSets[0]  guardrail privileged.groups: "Admin" is privileged (AdministratorAccess): in taylor (222222222222) only the groups ProfessionalAfAdmins may hold it, not the group "Developers"',
          'assignments[3].permissionSets[0]  guardrail privileged.groups: "Developer" is privileged (PowerUserAccess): in sandbox (333333333333) only the groups ProfessionalAfAdmins may hold it, not the group "Developers"',
        ],
      );
    });
  }

  it("counts an inline policy as privileged when an allowed action can escalate, wildcards and case as IAM reads them", () => {
    const reasons = (...actions: string[]) =>
      privilegeReasons([], JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] }));
    assert.deepEqual(reasons("*"), ["an inline policy allowing *"]);
    assert.deepEqual(reasons("iam:*", "IAM:*", "iam:?*", "iam:Put*"), [
      "an inline policy allowing iam:*",
      "an inline policy allowing IAM:*",
      "an inline policy allowing iam:?*",
      "an inline policy allowing iam:Put*",
    ]);
    assert.deepEqual(reasons("iam:PassRole", "organizations:*", "sso:Create*"), [
      "an inline policy allowing iam:PassRole",
      "an inline policy allowing organizations:*",
      "an inline policy allowing sso:Create*",
    ]);
    assert.deepEqual(
      reasons("s3:Get*", "iam:Get*", "iam:List*", "ec2:Describe*", "sso:Describe*"),
      [],
      "reading IAM, or reading and using other services, is not privileged",
    );
    // From IAM's own classification of actions: permissions management in any service (s3:PutBucketPolicy among
    // s3:*), assuming roles, and every write to IAM, the organization, Identity Center and the identity store.
    assert.deepEqual(
      reasons("s3:*", "sts:AssumeRole", "organizations:CreateAccount", "sso:ProvisionPermissionSet", "identitystore:UpdateUser", "iam:Delete*"),
      [
        "an inline policy allowing s3:*",
        "an inline policy allowing sts:AssumeRole",
        "an inline policy allowing organizations:CreateAccount",
        "an inline policy allowing sso:ProvisionPermissionSet",
        "an inline policy allowing identitystore:UpdateUser",
        "an inline policy allowing iam:Delete*",
      ],
    );
    assert.deepEqual(
      privilegeReasons(
        ["AWSOrganizationsFullAccess", "AWSSSOMasterAccountAdministrator", "ViewOnlyAccess"].map((p) => managedPolicyArn(p, "aws")),
        undefined,
      ),
      ["AWSOrganizationsFullAccess", "AWSSSOMasterAccountAdministrator"],
    );
    // A pattern that makes a backtracking matcher take exponential time is matched in linear time (it matches nothing).
    assert.deepEqual(reasons(`iam:${"*".repeat(40)}Q`, `iam:${"*a".repeat(20)}Q`), []);
    const denied = privilegeReasons([], JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "*", Resource: "*" }] }));
    assert.deepEqual(denied, []);
    const notAction = privilegeReasons([], JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", NotAction: "iam:*", Resource: "*" } }));
    assert.deepEqual(notAction, ["an inline policy allowing everything but its NotAction"]);
    assert.deepEqual(
      privilegeReasons(
        ["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess"].map((p) => managedPolicyArn(p, "aws")),
        undefined,
      ),
      ["AdministratorAccess", "PowerUserAccess"],
    );
  });

  it("check --warnings names an external group among the privileged groups: its members are not reviewed here", () => {
    const text = SAMPLE.replace(
      "  Developers:\n    description: Application developers.\n    members:\n      - priya.patel\n",
      "  Developers:\n    description: Application developers.\n    members:\n      - priya.patel\n  Okta-Admins:\n    external: true\n",
    ).replace("    groups: [ProfessionalAfAdmins]", "    groups: [ProfessionalAfAdmins, Okta-Admins]");
    const dir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "sso-access-guard-"));
    fs.writeFileSync(path.join(dir, "access.yaml"), text);
    fs.cpSync(path.join(ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { capture } = require("./cliRun") as typeof import("./cliRun");
    const { code, err } = capture(["check", "--warnings", "access.yaml"], { cwd: dir });
    assert.equal(code, 0);
    assert.match(
      err,
      /access\.yaml:\d+:\d+  guardrails\.privileged\.groups\[1\]  warning: group "Okta-Admins" is external: who may hold privileged sets is decided in your identity provider, not reviewed here/,
    );
  });
});

describe("guardrails: an external group is the group its display name finds", () => {
  const EXTERNAL: [string, string][] = [
    [
      "  Developers:\n    description: Application developers.\n",
      "  Okta-Admins:\n    external: true\n    displayName: Platform Admins\n  Okta-Everyone:\n    external: true\n    displayName: All Employees\n  Developers:\n    description: Application developers.\n",
    ],
    ["    groups: [ProfessionalAfAdmins]", '    groups: [ProfessionalAfAdmins, "Platform Admins"]'],
    ["assignments:\n", "assignments:\n  - group: Okta-Admins\n    permissionSets: [Admin]\n    accounts: [management]\n"],
  ];

  it("allows the group the rule names by its display name", () => {
    assert.deepEqual(problemsOf(EXTERNAL), []);
  });

  it("swapping display names (every employee found as the admins) breaks the rule, though no key changed", () => {
    const swapped = problemsOf([
      ...EXTERNAL,
      ["    displayName: Platform Admins\n", "    displayName: All Employees (was admins)\n"],
      ["    displayName: All Employees\n", "    displayName: Platform Admins\n"],
      ["    displayName: All Employees (was admins)\n", "    displayName: All Employees\n"],
    ]);
    assert.deepEqual(swapped, [
      'access.yaml:100:22  assignments[0].permissionSets[0]  guardrail privileged.groups: "Admin" is privileged (AdministratorAccess): in management (111111111111) only the groups ProfessionalAfAdmins, Platform Admins may hold it, not the group "Okta-Admins" (external: the group its display name "All Employees" finds)',
    ]);
  });

  it("refuses the key of an external group in the rule: a new display name would keep its place there", () => {
    const problems = problemsOf([...EXTERNAL, ['    groups: [ProfessionalAfAdmins, "Platform Admins"]', "    groups: [ProfessionalAfAdmins, Okta-Admins]"]]);
    assert.deepEqual(problems, [
      'access.yaml:127:36  guardrails.privileged.groups[1]  group "Okta-Admins" is external: it is whoever its display name "Platform Admins" finds in your identity provider, so list that name here (a new display name then breaks this rule instead of passing it)',
    ]);
  });
});
