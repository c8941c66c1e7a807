import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expand } from "../matrix/expand/expand";
import { loadMatrixOrThrow } from "../matrix/checks/pipeline";
import { checkRemovals, deployedOf, removalVerdict, type Deployed } from "../matrix/review/removalGuard";
import { runIndex, settled, sharedMocks, valueOf, type RecordingMocks } from "./mocks";

const ROOT = path.resolve(__dirname, "..");
const names = (kind: string, n: number) => Array.from({ length: n }, (_, i) => `${kind}-${i}`);
const deployed = (a: number, m: number, u: number): Deployed => ({ assignments: names("a", a), memberships: names("m", m), users: names("u", u) });

describe("the removal guard: what it stops", () => {
  it("lets the first deployment of a stack through: there is nothing to remove", () => {
    const check = checkRemovals(undefined, deployed(0, 0, 0));
    assert.deepEqual(check.reasons, []);
    assert.equal(removalVerdict(check), undefined);
  });

  it("stops a removal of more than 25% of the assignments, and lets 25% through", () => {
    assert.deepEqual(checkRemovals(deployed(8, 1, 1), deployed(6, 1, 1)).reasons, []);
    const check = checkRemovals(deployed(8, 1, 1), deployed(5, 1, 1));
    assert.deepEqual(check.removed, { assignments: ["a-5", "a-6", "a-7"], memberships: [], users: [] });
    assert.deepEqual(check.reasons, ["it removes 3 of 8 assignments (37.5%), more than the 25% allowed"]);
    assert.match(check.fingerprint, /^sha256:[0-9a-f]{16}$/);
    assert.equal(
      removalVerdict(check),
      [
        "the removal guard stopped this deployment before it changed anything: it removes 3 of 8 assignments (37.5%), more than the 25% allowed.",
        "It would remove:",
        "  - assignment a-5",
        "  - assignment a-6",
        "  - assignment a-7",
        "If this is intended, allow exactly this removal for one deployment, run again, then delete the key (a key left in place stops the next deployment):",
        `  pulumi config set sso-access:allowRemovals ${check.fingerprint}`,
        "  pulumi config rm sso-access:allowRemovals",
      ].join("\n"),
    );
  });

  it("stops a change that removes every assignment, membership or user, whatever the share", () => {
    assert.deepEqual(checkRemovals(deployed(1, 3, 2), deployed(0, 0, 2)).reasons, ["it removes all 1 assignments", "it removes all 3 memberships"]);
  });

  it("honours a configured share and count", () => {
    assert.deepEqual(checkRemovals(deployed(10, 0, 0), deployed(5, 0, 0), { maxShare: 0.5 }).reasons, []);
    assert.deepEqual(checkRemovals(deployed(10, 10, 0), deployed(10, 7, 0), { maxShare: 0.5, maxCount: 2 }).reasons, [
      "it removes 3 of 10 memberships (30%), more than the 2 allowed",
    ]);
    assert.deepEqual(
      checkRemovals(deployed(10, 10, 40), deployed(10, 7, 38)).reasons,
      ["it removes 3 of 10 memberships (30%), more than the 25% allowed"],
      "the share applies to every kind",
    );
    assert.deepEqual(checkRemovals(deployed(2, 2, 3), deployed(1, 1, 2)).reasons, [], "one item of a kind may always go");
    assert.equal(
      removalVerdict(checkRemovals(deployed(1, 0, 0), deployed(1, 0, 0)), { maxShare: 2 }),
      "sso-access:maxRemovalShare is 2; write a share from 0 to 1, e.g. 0.25",
    );
    assert.equal(
      removalVerdict(checkRemovals(deployed(1, 0, 0), deployed(1, 0, 0)), { maxCount: 1.5 }),
      "sso-access:maxRemovals is 1.5; write a whole number of 0 or more",
    );
  });

  it("counts a move to another region or instance as removing everything: every resource is replaced", () => {
    const here = { ...deployed(3, 2, 1), where: { region: "eu-west-1", instanceArn: "" } };
    const there = { ...deployed(3, 2, 1), where: { region: "eu-central-1", instanceArn: "" } };
    const check = checkRemovals(here, there);
    assert.deepEqual(check.removed, { assignments: ["a-0", "a-1", "a-2"], memberships: ["m-0", "m-1"], users: ["u-0"] });
    assert.deepEqual(check.reasons, [
      "the region changes from eu-west-1 to eu-central-1: every assignment, membership and user is deleted there and created anew",
    ]);
    assert.deepEqual(checkRemovals(here, { ...here, where: { region: "eu-west-1", instanceArn: "arn:aws:sso:::instance/ssoins-1" } }).reasons, [
      "the instance changes from (looked up) to arn:aws:sso:::instance/ssoins-1: every assignment, membership and user is deleted there and created anew",
    ]);
  });

  it("counts a change of identity store as removing everything, when both deployments recorded it", () => {
    const here = { ...deployed(3, 2, 1), where: { region: "eu-west-1", instanceArn: "", identityStoreId: "d-1111111111" } };
    const check = checkRemovals(here, { ...here, where: { ...here.where, identityStoreId: "d-2222222222" } });
    assert.deepEqual(check.removed, { assignments: ["a-0", "a-1", "a-2"], memberships: ["m-0", "m-1"], users: ["u-0"] });
    assert.deepEqual(check.reasons, [
      "the identity store changes from d-1111111111 to d-2222222222: every assignment, membership and user is deleted there and created anew",
    ]);
    // A deployment recorded before the identity store was: nothing to compare with.
    assert.deepEqual(checkRemovals({ ...here, where: { region: "eu-west-1", instanceArn: "" } }, here).reasons, []);
  });

  it("counts leaving a permission set with no policy, while assignments hold it, as a removal", () => {
    const before: Deployed = {
      assignments: ["group/Devs/Admin/111111111111", "user/a/b/Admin/222222222222", "group/Ops/Read/111111111111"],
      memberships: [],
      users: [],
      policies: { Admin: 2, Read: 1, Unused: 1 },
    };
    const after: Deployed = { ...before, policies: { Admin: 0, Read: 1, Unused: 0 } };
    const check = checkRemovals(before, after);
    assert.deepEqual(check.emptied, ["Admin"]);
    assert.deepEqual(check.reasons, ["it leaves permission set Admin with no policy while 2 assignments hold it: they keep the set, and lose all it allowed"]);
    assert.notEqual(check.fingerprint, checkRemovals(before, before).fingerprint);
    assert.deepEqual(removalVerdict(check)!.split("\n").slice(1, 3), ["It would remove:", "  - every policy of permission set Admin"]);
    assert.equal(removalVerdict(check, { allow: check.fingerprint }), undefined);
    // Recorded before policies were: nothing to compare with.
    assert.deepEqual(checkRemovals({ ...before, policies: undefined }, after).reasons, []);
  });

  it("counts the assignments of an external group that now finds other people (another display name) as removed", () => {
    const before: Deployed = {
      assignments: ["group/Eng/Admin/111111111111", "group/Eng/Read/111111111111", "group/Ops/Read/111111111111", "user/a/Read/111111111111"],
      memberships: [],
      users: [],
      principals: { "group/Eng": "Engineering", "group/Ops": "Operations" },
    };
    const check = checkRemovals(before, { ...before, principals: { "group/Eng": "All Employees", "group/Ops": "Operations" } });
    assert.deepEqual(check.removed.assignments, ["group/Eng/Admin/111111111111", "group/Eng/Read/111111111111"]);
    assert.deepEqual(check.reasons, ["it removes 2 of 4 assignments (50%), more than the 25% allowed"]);
    assert.deepEqual(checkRemovals(before, before).reasons, []);
    assert.deepEqual(checkRemovals({ ...before, principals: undefined }, { ...before, principals: { "group/Eng": "All Employees" } }).reasons, []);
  });

  it("judges a stack last deployed by a version that recorded only assignmentCount by its count", () => {
    assert.deepEqual(checkRemovals({ assignmentCount: 10 }, deployed(7, 0, 0)).reasons, [
      "it removes 3 of 10 assignments (30%), more than the 25% allowed (the last deployment recorded only its count)",
    ]);
    assert.deepEqual(checkRemovals({ assignmentCount: 10 }, deployed(9, 0, 0)).reasons, []);
  });

  it("names a removal by what goes, whatever order the recorded lists are in", () => {
    const forward = checkRemovals(deployed(8, 0, 0), deployed(4, 0, 0));
    const backward = checkRemovals({ ...deployed(8, 0, 0), assignments: [...deployed(8, 0, 0).assignments].reverse() }, deployed(4, 0, 0));
    assert.equal(backward.fingerprint, forward.fingerprint);
  });

  it("allowRemovals lets exactly the removal it names through, and a key left behind stops the next run", () => {
    const check = checkRemovals(deployed(4, 0, 0), deployed(2, 0, 0));
    assert.equal(removalVerdict(check, { allow: check.fingerprint }), undefined);
    const other = checkRemovals(deployed(4, 0, 0), deployed(1, 0, 0));
    assert.match(
      removalVerdict(other, { allow: check.fingerprint })!,
      new RegExp(`\\nsso-access:allowRemovals is set to ${check.fingerprint}, which allows another removal, not this one \\(${other.fingerprint}\\)\\.\\n`),
    );
    assert.equal(
      removalVerdict(checkRemovals(deployed(2, 0, 0), deployed(2, 0, 0)), { allow: check.fingerprint }),
      `sso-access:allowRemovals is set (${check.fingerprint}) but this deployment removes nothing the removal guard stops; delete the key so that it cannot allow a later removal: pulumi config rm sso-access:allowRemovals`,
    );
  });
});

describe("the removal guard in the Pulumi program", () => {
  let mocks: RecordingMocks;
  before(async () => {
    mocks = await sharedMocks();
  });

  const sample = () => deployedOf(expand(loadMatrixOrThrow(path.join(ROOT, "access.yaml"), ROOT)));
  /** The sample without the Auditors' assignment: 2 of its 6 assignments go. */
  function withoutAuditors(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-guard-"));
    const text = fs.readFileSync(path.join(ROOT, "access.yaml"), "utf8");
    const entry = "  - group: Auditors\n    permissionSets: [ReadOnly]\n    ous: [Workloads]\n";
    assert.ok(text.includes(entry));
    fs.writeFileSync(path.join(dir, "access.yaml"), text.replace(entry, ""));
    fs.cpSync(path.join(ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
    return path.join(dir, "access.yaml");
  }
  const run = async (file: string, previous: Deployed | undefined, config: Record<string, string> = {}) => {
    mocks.reset();
    if (previous) mocks.stackOutputs = { deployed: previous };
    pulumi.runtime.setAllConfig({ "sso-access:accessFile": file, ...config });
    const outputs = await runIndex();
    await settled();
    return outputs;
  };

  it("a new stack: reads its own outputs, finds none, deploys, and records what it declared", async () => {
    const outputs = await run("access.yaml", undefined);
    assert.deepEqual(mocks.stackReferences, ["organization/sso-access/test"]);
    const recorded = await valueOf(outputs.deployed);
    assert.deepEqual(recorded, sample());
    assert.equal(
      pulumi.Output.isInstance(outputs.deployed) && (await (outputs.deployed as unknown as { isSecret: Promise<boolean> }).isSecret),
      true,
      "it lists people: a secret output",
    );
    assert.deepEqual(recorded.where, { region: "eu-west-1", instanceArn: "", identityStoreId: "" });
    assert.deepEqual(recorded.policies, { Admin: 1, Developer: 2, ReadOnly: 2 });
    assert.deepEqual(recorded.principals, {}, "the sample looks up no group or user");
    // The assignments' logical names (listed in expand.test.ts), the memberships and the created users.
    assert.deepEqual([recorded.assignments.length, recorded.memberships.length, recorded.users.length], [6, 4, 4]);
    assert.equal(mocks.registrations.length, 38);
  });

  it("stops before declaring anything when a permission set that people hold is left with no policy", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-emptied-"));
    const text = fs.readFileSync(path.join(ROOT, "access.yaml"), "utf8");
    const admin = "    managedPolicies:\n      - AdministratorAccess\n";
    assert.ok(text.includes(admin));
    fs.writeFileSync(path.join(dir, "access.yaml"), text.replace(admin, ""));
    fs.cpSync(path.join(ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
    const error = await run(path.join(dir, "access.yaml"), sample()).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof pulumi.RunError);
    assert.deepEqual((error as Error).message.split("\n").slice(0, 3), [
      "the removal guard stopped this deployment before it changed anything: it leaves permission set Admin with no policy while 2 assignments hold it: they keep the set, and lose all it allowed.",
      "It would remove:",
      "  - every policy of permission set Admin",
    ]);
    assert.deepEqual(mocks.registrations, []);
  });

  it("counts AWSDenyAll, attached or as the boundary, as leaving a held set with nothing it allows", () => {
    const planOf = (edit: (text: string) => string) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-denyall-"));
      fs.writeFileSync(path.join(dir, "access.yaml"), edit(fs.readFileSync(path.join(ROOT, "access.yaml"), "utf8")));
      fs.cpSync(path.join(ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
      return deployedOf(expand(loadMatrixOrThrow(path.join(dir, "access.yaml"), dir)));
    };
    const admin = "      - AdministratorAccess\n";
    const swapped = planOf((t) => t.replace(admin, "      - AWSDenyAll\n"));
    assert.deepEqual(checkRemovals(sample(), swapped).emptied, ["Admin"]);
    const bounded = planOf((t) => t.replace(admin, `${admin}    permissionsBoundary:\n      managedPolicy: AWSDenyAll\n`));
    assert.deepEqual(checkRemovals(sample(), bounded).emptied, ["Admin"]);
  });

  it("stops before declaring anything when a third of the deployed assignments would go", async () => {
    const error = await run(withoutAuditors(), sample()).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof pulumi.RunError);
    const check = checkRemovals(sample(), { ...sample(), assignments: sample().assignments.filter((a) => !a.startsWith("group/Auditors/")) });
    assert.equal(
      (error as Error).message,
      [
        "the removal guard stopped this deployment before it changed anything: it removes 2 of 6 assignments (33.3%), more than the 25% allowed.",
        "It would remove:",
        "  - assignment group/Auditors/ReadOnly/222222222222",
        "  - assignment group/Auditors/ReadOnly/333333333333",
        "If this is intended, allow exactly this removal for one deployment, run again, then delete the key (a key left in place stops the next deployment):",
        `  pulumi config set sso-access:allowRemovals ${check.fingerprint}`,
        "  pulumi config rm sso-access:allowRemovals",
      ].join("\n"),
    );
    assert.deepEqual(mocks.registrations, []);
  });

  it("goes ahead when allowRemovals names exactly that removal; the next run with the key left in place stops", async () => {
    const file = withoutAuditors();
    const fingerprint = checkRemovals(sample(), { ...sample(), assignments: sample().assignments.filter((a) => !a.startsWith("group/Auditors/")) }).fingerprint;
    const outputs = await run(file, sample(), { "sso-access:allowRemovals": fingerprint });
    const recorded = await valueOf(outputs.deployed);
    assert.equal(recorded.assignments.length, 4);
    const stale = await run(file, recorded as Deployed, { "sso-access:allowRemovals": fingerprint }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.equal(
      (stale as Error).message,
      `sso-access:allowRemovals is set (${fingerprint}) but this deployment removes nothing the removal guard stops; delete the key so that it cannot allow a later removal: pulumi config rm sso-access:allowRemovals`,
    );
    assert.deepEqual(mocks.registrations, []);
  });

  it("a stack deployed before the guard recorded names is judged by its assignmentCount output", async () => {
    mocks.reset();
    mocks.stackOutputs = { assignmentCount: 6 };
    pulumi.runtime.setAllConfig({ "sso-access:accessFile": withoutAuditors() });
    const error = await runIndex().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.match(
      (error as Error).message,
      /^the removal guard stopped this deployment before it changed anything: it removes 2 of 6 assignments \(33\.3%\), more than the 25% allowed \(the last deployment recorded only its count\)\.\n/,
    );
    assert.deepEqual(mocks.registrations, []);
  });

  it("refuses a deployed output it did not write, rather than guessing", async () => {
    mocks.reset();
    mocks.stackOutputs = { deployed: { assignments: "all of them" } };
    pulumi.runtime.setAllConfig({ "sso-access:accessFile": "access.yaml" });
    const error = await runIndex().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.equal(
      (error as Error).message,
      'the stack output "deployed" is not what sso-access records, so the removal guard cannot tell what would be deleted; restore it, or export the stack and inspect it',
    );
  });
});
