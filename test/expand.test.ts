import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dump, load } from "js-yaml";
import { assignmentName } from "../matrix/expand/names";
import { expand } from "../matrix/expand/expand";
import { loadMatrixFile, loadMatrixOrThrow, loadMatrixText } from "../matrix/checks/pipeline";
import { managedPolicyArn, partitionOf } from "../matrix/aws/policies";
import { danglingReferences, planDecls, planLookups, TYPE, type Plan } from "../matrix/expand/plan";

const ROOT = path.resolve(__dirname, "..");
const planOf = (file: string): Plan => expand(loadMatrixOrThrow(path.join(ROOT, file), ROOT));
const rowsOf = (plan: Plan) => plan.assignments.map((a) => `${a.principalType} ${a.principalName} ${a.permissionSet} ${a.accountName}`);

describe("expansion: targets", () => {
  it("unions accounts, OUs (nested included), tags and all accounts; exclusions win; the management account only when named", () => {
    assert.deepEqual(rowsOf(planOf("test/fixtures/valid/ou-tags-exclusions.yaml")), [
      // allAccounts less OU Sandbox, less the management account; Workloads/Prod again adds nothing.
      "GROUP Readers ReadOnly prod-a",
      "GROUP Readers ReadOnly prod-b",
      "GROUP Readers ReadOnly dev-a",
      "GROUP Readers ReadOnly audit",
      // Tags team in [web, payments] and env prod, less prod-b; then OU Workloads and root named explicitly.
      "GROUP Web Deployer root",
      "GROUP Web Deployer prod-a",
      "GROUP Web Deployer prod-b",
      "GROUP Web Deployer dev-a",
      "GROUP Web ReadOnly root",
      "GROUP Web ReadOnly prod-a",
      "GROUP Web ReadOnly prod-b",
      "GROUP Web ReadOnly dev-a",
    ]);
  });

  it("reads OU paths as the console writes them (Root/...), and OU/* as the accounts directly in the OU", () => {
    const plan = planOf("test/fixtures/valid/ou-console-paths-and-direct.yaml");
    assert.deepEqual(rowsOf(plan), [
      "GROUP Platform Operator loose",
      "GROUP Platform Operator platform",
      "GROUP Platform ReadOnly prod-a",
      "GROUP Platform ReadOnly prod-b",
      "GROUP Readers ReadOnly platform",
      "GROUP Readers ReadOnly prod-a",
      "GROUP Readers ReadOnly prod-b",
      "GROUP Readers ReadOnly dev-a",
    ]);
    // One spelling in what the tools print: without the console's Root/.
    assert.deepEqual(
      plan.inventory.map((a) => `${a.name} ${a.ou ?? "(root)"}`),
      ["management (root)", "loose (root)", "platform Workloads", "prod-a Workloads/Prod", "prod-b Workloads/Prod", "dev-a Workloads/Dev"],
    );
  });

  it("skips suspended and closing accounts in OU, tag and all-account targets, and keeps one named with includeInactive", () => {
    const plan = planOf("test/fixtures/valid/suspended-account.yaml");
    assert.deepEqual(rowsOf(plan), ["GROUP Keepers ReadOnly leaving", "GROUP Readers ReadOnly prod"]);
    assert.deepEqual(
      plan.inventory.map((a) => `${a.name} ${a.status ?? "ACTIVE"}`),
      ["prod ACTIVE", "old SUSPENDED", "leaving PENDING_CLOSURE"],
    );
  });

  it("declares the instance's attributes for access control as one resource under the root, keys sorted; at most 50", () => {
    const plan = planOf("test/fixtures/valid/access-control-attributes.yaml");
    const abac = planDecls(plan).filter((d) => d.type === TYPE.accessControlAttributes);
    assert.deepEqual(
      abac.map((d) => [d.name, d.parent, d.inputs]),
      [
        [
          "access-control-attributes",
          plan.root.key,
          {
            instanceArn: { $instance: "arn" },
            attributes: [
              { key: "CostCenter", values: [{ sources: ["${path:enterprise.costCenter}"] }] },
              { key: "Department", values: [{ sources: ["${path:enterprise.department}"] }] },
            ],
          },
        ],
      ],
    );
    assert.deepEqual(
      planDecls(planOf("access.yaml")).filter((d) => d.type === TYPE.accessControlAttributes),
      [],
      "none when none are declared",
    );
    const text = fs.readFileSync(path.join(ROOT, "test/fixtures/valid/access-control-attributes.yaml"), "utf8");
    const many = Array.from({ length: 51 }, (_, i) => `    Key${i}: \${path:enterprise.k${i}}`).join("\n");
    const result = loadMatrixText(text.replace(/ {4}CostCenter.*\n {4}Department.*\n/, `${many}\n`), "many.yaml", { read: () => "no files" });
    assert.ok(!result.ok);
    assert.deepEqual(
      result.problems.map((p) => `${p.path}  ${p.message}`),
      ["identityCenter.accessControlAttributes  Identity Center takes at most 50 attributes for access control"],
    );
  });

  it("Control Tower's existing permission sets and group: looked up, never declared; the existing group gets the members listed", () => {
    const plan = planOf("test/fixtures/valid/control-tower-existing.yaml");
    assert.deepEqual(rowsOf(plan), [
      "GROUP AWSControlTowerAdmins AWSAdministratorAccess management",
      "GROUP AWSControlTowerAdmins AWSAdministratorAccess audit",
      "GROUP Developers Developer dev",
      "GROUP Engineering AWSReadOnlyAccess prod",
      "GROUP Engineering AWSReadOnlyAccess dev",
    ]);
    const decls = planDecls(plan);
    assert.deepEqual(
      decls.filter((d) => d.type === TYPE.permissionSet || d.type === TYPE.group || d.type === TYPE.groupMembership).map((d) => `${d.type} ${d.name}`),
      [
        "aws:ssoadmin/permissionSet:PermissionSet Developer",
        "aws:identitystore/groupMembership:GroupMembership AWSControlTowerAdmins/jane",
        "aws:identitystore/group:Group Developers",
        "aws:identitystore/groupMembership:GroupMembership Developers/sam",
      ],
    );
    assert.deepEqual(
      planLookups(plan).map((l) => [l.key, l.token, l.existing ?? false]),
      [
        ["permissionSet/AWSAdministratorAccess", "aws:ssoadmin/getPermissionSet:getPermissionSet", true],
        ["permissionSet/AWSReadOnlyAccess", "aws:ssoadmin/getPermissionSet:getPermissionSet", true],
        ["group/AWSControlTowerAdmins", "aws:identitystore/getGroup:getGroup", true],
        ["group/Engineering", "aws:identitystore/getGroup:getGroup", false],
      ],
    );
    // The membership and the assignments take their ids from the lookups.
    const membership = decls.find((d) => d.name === "AWSControlTowerAdmins/jane")!;
    assert.deepEqual(membership.inputs.groupId, { $lookup: "group/AWSControlTowerAdmins", output: "groupId" });
    const admin = decls.find((d) => d.name === "group/AWSControlTowerAdmins/AWSAdministratorAccess/400000000000")!;
    assert.deepEqual(admin.inputs.permissionSetArn, { $lookup: "permissionSet/AWSAdministratorAccess", output: "arn" });
  });

  it("prints the sample's assignments in people's terms", () => {
    assert.deepEqual(rowsOf(planOf("access.yaml")), [
      "GROUP Auditors ReadOnly taylor",
      "GROUP Auditors ReadOnly sandbox",
      "GROUP Developers Developer sandbox",
      "GROUP Developers ReadOnly sandbox",
      "GROUP ProfessionalAfAdmins Admin management",
      "GROUP ProfessionalAfAdmins Admin taylor",
    ]);
  });

  it("merges memberships written on groups and on users", () => {
    const plan = planOf("access.yaml");
    const memberships = planDecls(plan)
      .filter((d) => d.type === TYPE.groupMembership)
      .map((d) => d.name);
    assert.deepEqual(memberships, ["Auditors/sam.rivera", "Developers/alex.kim", "Developers/priya.patel", "ProfessionalAfAdmins/jane.doe"]);
  });
});

describe("expansion: policies", () => {
  it("resolves short names to AWS managed policy ARNs, job functions under job-function/", () => {
    assert.equal(managedPolicyArn("AdministratorAccess", "aws"), "arn:aws:iam::aws:policy/AdministratorAccess");
    for (const name of ["Billing", "ViewOnlyAccess", "DatabaseAdministrator", "DataScientist", "NetworkAdministrator", "SupportUser", "SystemAdministrator"]) {
      assert.equal(managedPolicyArn(name, "aws"), `arn:aws:iam::aws:policy/job-function/${name}`);
    }
    assert.equal(managedPolicyArn("service-role/AWSConfigRole", "aws-cn"), "arn:aws-cn:iam::aws:policy/service-role/AWSConfigRole");
    assert.equal(managedPolicyArn("arn:aws:iam::aws:policy/ReadOnlyAccess", "aws-us-gov"), "arn:aws:iam::aws:policy/ReadOnlyAccess");
  });

  it("takes the partition from the Identity Center region", () => {
    assert.deepEqual(["us-east-1", "cn-north-1", "us-gov-west-1", "eu-central-2"].map(partitionOf), ["aws", "aws-cn", "aws-us-gov", "aws"]);
  });
});

describe("stable identities: harmless edits replace nothing", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-"));
  fs.cpSync(path.join(ROOT, "policies"), path.join(tmp, "policies"), { recursive: true });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const sample = () => load(fs.readFileSync(path.join(ROOT, "access.yaml"), "utf8")) as Doc;
  const planOfDoc = (doc: Doc, name: string): Plan => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, dump(doc));
    const result = loadMatrixFile(file, tmp);
    if (!result.ok) assert.fail(result.problems.map((p) => p.message).join("\n"));
    return expand(result.value);
  };
  const names = (plan: Plan) =>
    planDecls(plan)
      .map((d) => d.key)
      .sort();
  const assignmentNames = (plan: Plan) =>
    planDecls(plan)
      .filter((d) => d.type === TYPE.accountAssignment)
      .map((d) => d.name)
      .sort();
  const original = expand(loadMatrixOrThrow(path.join(ROOT, "access.yaml"), ROOT));

  it("names an assignment by principal, permission set and account id", () => {
    assert.deepEqual(assignmentNames(original), [
      "group/Auditors/ReadOnly/222222222222",
      "group/Auditors/ReadOnly/333333333333",
      "group/Developers/Developer/333333333333",
      "group/Developers/ReadOnly/333333333333",
      "group/ProfessionalAfAdmins/Admin/111111111111",
      "group/ProfessionalAfAdmins/Admin/222222222222",
    ]);
    assert.equal(assignmentName("USER", "jane.doe", "Admin", "222222222222"), "user/jane.doe/Admin/222222222222");
  });

  it("editing descriptions changes no logical name and no assignment input", () => {
    const doc = sample();
    doc.permissionSets.Admin.description = "Administrators, reworded.";
    doc.groups.Auditors.description = "Audit, reworded.";
    doc.assignments[0].description = "Reworded.";
    const edited = planOfDoc(doc, "descriptions.yaml");
    assert.deepEqual(names(edited), names(original));
    const inputs = (plan: Plan) =>
      planDecls(plan)
        .filter((d) => d.type === TYPE.accountAssignment)
        .map((d) => JSON.stringify(d.inputs));
    assert.deepEqual(inputs(edited), inputs(original));
  });

  it("reordering every map and list of the file changes nothing in the plan", () => {
    const reverse = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(reverse).reverse();
      if (value && typeof value === "object")
        return Object.fromEntries(
          Object.entries(value)
            .reverse()
            .map(([k, v]) => [k, reverse(v)]),
        );
      return value;
    };
    const doc = reverse(sample()) as Doc;
    const reordered = planOfDoc(doc, "reordered.yaml");
    assert.deepEqual(JSON.stringify({ ...reordered }), JSON.stringify({ ...original }));
  });

  it("renaming an account's inventory key changes no logical name", () => {
    const doc = sample();
    doc.accounts["taylor-prod"] = doc.accounts.taylor;
    delete doc.accounts.taylor;
    doc.assignments[0].accounts = ["management", "taylor-prod"];
    const renamed = planOfDoc(doc, "renamed.yaml");
    assert.deepEqual(names(renamed), names(original));
    assert.deepEqual(
      renamed.assignments.filter((a) => a.accountId === "222222222222").map((a) => a.accountName),
      ["taylor-prod", "taylor-prod"],
    );
  });
});

describe("the plan's own references", () => {
  it("danglingReferences names a dependency, a resource reference and a lookup that point at nothing", () => {
    const plan = expand(loadMatrixOrThrow(path.join(ROOT, "test/fixtures/valid/external-principals.yaml"), ROOT));
    assert.deepEqual(danglingReferences(plan), []);
    const account = plan.accounts[0];
    const [first, ...rest] = account.children;
    const broken: Plan = {
      ...plan,
      accounts: [
        {
          ...account,
          children: [
            {
              ...first,
              dependsOn: ["gone::a"],
              inputs: { ...first.inputs, permissionSetArn: { $ref: "gone::b", output: "arn" }, principalId: { $lookup: "gone-c", output: "groupId" } },
            },
            ...rest,
          ],
        },
        ...plan.accounts.slice(1),
      ],
    };
    assert.deepEqual(danglingReferences(broken), [`${first.key} -> gone::a`, `${first.key} -> gone::b`, `${first.key} -> gone-c`]);
  });
});
