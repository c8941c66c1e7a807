import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generate, snapshotOf } from "../bench/generate";
import { awsProblem, snapshotClients } from "../cli/commands/snapshot";
import { readSnapshot } from "../cli/snapshot/reader";
import { adopt } from "../matrix/live/adopt";
import { iamActionsOf } from "../matrix/aws/iamActions";
import type { Snapshot } from "../matrix/live/snapshot";
import { ROOT, captureAsync } from "./cliRun";
import { FakeAws } from "./fakeAws";

/** A snapshot with every list in one order, for comparing what was read with what the fake holds. */
function normal(s: Snapshot): Snapshot {
  const sorted = <T>(list: readonly T[]) => [...list].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return {
    ...s,
    accounts: sorted(s.accounts.map((a) => ({ ...a, Tags: sorted(a.Tags ?? []) }))),
    permissionSets: sorted(s.permissionSets.map((p) => ({ ...p, Tags: p.Tags ?? [] }))),
    groups: sorted(s.groups),
    users: sorted(s.users),
    groupMemberships: sorted(s.groupMemberships),
    accountAssignments: sorted(s.accountAssignments),
  };
}

describe("sso-access snapshot: reading a live Identity Center through the SDK", () => {
  const small = snapshotOf(generate("S", 1));

  it("reads the fake organization back exactly, by either call plan, in a known number of calls", async () => {
    const counts: Record<string, [number, string]> = {};
    for (const plan of ["principal", "provisioned", "auto"] as const) {
      const fake = new FakeAws(small);
      const result = await readSnapshot(fake.clients(), { region: small.region, plan });
      assert.deepEqual(normal(result.snapshot), normal(small), plan);
      assert.equal(result.calls, fake.total, "every request is counted once");
      counts[plan] = [result.calls, result.plan.used];
    }
    // 10 accounts, 8 permission sets, 60 principals, 69 provisioned (set, account) pairs, two items a page.
    assert.deepEqual(counts, { principal: [321, "principal"], provisioned: [322, "provisioned"], auto: [358, "principal"] });
  });

  it("accounts in every state Organizations reports are read; only ACTIVE ones are adopted", async () => {
    const states = ["ACTIVE", "CLOSED", "PENDING_ACTIVATION", "PENDING_CLOSURE", "SUSPENDED"] as const;
    const org: Snapshot = { ...small, accounts: small.accounts.map((a, i) => ({ ...a, Status: states[i % states.length] })) };
    const read = await readSnapshot(new FakeAws(org).clients(), { region: org.region, plan: "principal" });
    assert.deepEqual(
      read.snapshot.accounts.map((a) => a.Status),
      org.accounts.map((a) => a.Status),
    );
    const adoption = adopt(read.snapshot, { infer: true });
    assert.deepEqual(
      Object.values(adoption.plan.inventory).map((a) => a.id),
      org.accounts
        .filter((a) => a.Status === "ACTIVE")
        .map((a) => a.Id)
        .sort(),
    );
  });

  it("attributes for access control: read, adopted with their import id, and a change of one is drift", async () => {
    const seed = JSON.parse(fs.readFileSync(path.join(ROOT, "test/fixtures/snapshots/professional-af.json"), "utf8")) as Snapshot;
    const withAbac: Snapshot = { ...seed, accessControlAttributes: [{ Key: "CostCenter", Value: { Source: ["${path:enterprise.costCenter}"] } }] };
    const read = await readSnapshot(new FakeAws(withAbac).clients(), { region: seed.region });
    assert.deepEqual(read.snapshot.accessControlAttributes, withAbac.accessControlAttributes);
    const adoption = adopt(read.snapshot, { infer: true });
    assert.match(adoption.files.get("access.yaml")!, /\n {2}accessControlAttributes:\n {4}CostCenter: \$\{path:enterprise\.costCenter\}\n/);
    assert.deepEqual(adoption.adoptFile.resources["aws:ssoadmin/instanceAccessControlAttributes:InstanceAccessControlAttributes"], {
      "access-control-attributes": withAbac.instance.InstanceArn,
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-abac-"));
    for (const [file, text] of adoption.files) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const changed: Snapshot = { ...withAbac, accessControlAttributes: [{ Key: "CostCenter", Value: { Source: ["${path:enterprise.division}"] } }] };
    fs.writeFileSync(path.join(dir, "live.json"), JSON.stringify(changed));
    const drift = await captureAsync(["drift", "access.yaml", "--snapshot", "live.json"], { cwd: dir });
    assert.equal(drift.code, 2);
    assert.deepEqual(drift.out.split("\n").slice(1), [
      "Drift: attributes for access control (1 difference).",
      "",
      "Attributes for access control",
      "  ~ attribute CostCenter: source ${path:enterprise.costCenter} in the file, ${path:enterprise.division} in AWS",
    ]);
  });

  it("throttling is retried by the SDK: the same snapshot, the same calls, the throttled requests on top", async () => {
    const fake = new FakeAws(small, { throttleEvery: 40 });
    const result = await readSnapshot(fake.clients(), { region: small.region, plan: "principal", inFlight: 4 });
    assert.deepEqual(normal(result.snapshot), normal(small));
    assert.equal(result.calls, 321);
    assert.ok(fake.throttled >= 8, `${fake.throttled} throttled`);
    assert.equal(fake.total, 321 + fake.throttled);
  });

  it("falls back to the provisioned pairs when reading per principal is denied, and only they find a deleted principal's assignment", async () => {
    const withOrphan: Snapshot = {
      ...small,
      accountAssignments: [...small.accountAssignments, { ...small.accountAssignments[0], PrincipalType: "USER", PrincipalId: "deleted-user" }],
    };
    const denied = new FakeAws(withOrphan, { deny: ["ListAccountAssignmentsForPrincipal"] });
    const fallback = await readSnapshot(denied.clients(), { region: small.region, plan: "principal" });
    assert.deepEqual(fallback.plan, { used: "provisioned", why: "ListAccountAssignmentsForPrincipal was denied" });
    assert.deepEqual(normal(fallback.snapshot), normal(withOrphan));
    const perPrincipal = await readSnapshot(new FakeAws(withOrphan).clients(), { region: small.region, plan: "principal" });
    assert.equal(perPrincipal.snapshot.accountAssignments.length, small.accountAssignments.length, "the deleted user is not a principal to ask about");
  });

  it("from the seed organization in AWS to the committed adoption", async () => {
    const seed = JSON.parse(fs.readFileSync(path.join(ROOT, "test/fixtures/snapshots/professional-af.json"), "utf8")) as Snapshot;
    const read = await readSnapshot(new FakeAws(seed).clients(), { region: seed.region });
    const adopted = adopt(read.snapshot, { infer: true });
    assert.equal(adopted.files.get("access.yaml"), fs.readFileSync(path.join(ROOT, "test/fixtures/snapshots/professional-af.adopted/access.yaml"), "utf8"));
  });

  it("a refusal from AWS is one sentence; a missing region is a command-line mistake", async () => {
    const fake = new FakeAws(small, { deny: ["ListGroups"] });
    const error = await readSnapshot(fake.clients(), { region: small.region }).then(
      () => assert.fail("read despite the refusal"),
      (e: unknown) => e,
    );
    assert.equal(awsProblem(error), "AWS answered AccessDeniedException: User is not authorized to perform: ListGroups");
    const saved = [process.env.AWS_REGION, process.env.AWS_DEFAULT_REGION];
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      // In a folder without an access file to take the region from.
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-snapshot-"));
      assert.deepEqual(await captureAsync(["snapshot"], { cwd: empty }), {
        code: 64,
        out: "",
        err: "sso-access: name the Identity Center's home region: --region eu-west-1 (or set AWS_REGION)",
      });
    } finally {
      if (saved[0] !== undefined) process.env.AWS_REGION = saved[0];
      if (saved[1] !== undefined) process.env.AWS_DEFAULT_REGION = saved[1];
    }
  });

  it("the command's clients retry adaptively, up to 10 attempts, in the region asked for", async () => {
    const clients = await snapshotClients("eu-west-1");
    for (const client of [clients.ssoAdmin, clients.identityStore, clients.organizations]) {
      const config = client.config as unknown as { maxAttempts(): Promise<number>; retryStrategy(): Promise<{ mode: string }>; region(): Promise<string> };
      assert.deepEqual([await config.maxAttempts(), (await config.retryStrategy()).mode, await config.region()], [10, "adaptive", "eu-west-1"]);
    }
  });

  it("the README's least-privilege policies: real IAM actions; the snapshot role reads only, and covers every call snapshot makes", async () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### Least-privilege roles"), readme.indexOf("\n## ", readme.indexOf("### Least-privilege roles")));
    const [snapshotPolicy, deployPolicy] = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map(
      (m) => JSON.parse(m[1]) as { Statement: { Action: string[] }[] },
    );
    const actions = (policy: typeof snapshotPolicy) => policy.Statement.flatMap((st) => st.Action);
    const level = (action: string) => {
      const [service, name] = action.split(":");
      return iamActionsOf(service).find((a) => a.name === name)?.accessLevel;
    };
    for (const action of [...actions(snapshotPolicy), ...actions(deployPolicy)]) assert.ok(level(action), `${action} is not an IAM action`);
    assert.deepEqual(
      actions(snapshotPolicy).filter((a) => !["List", "Read"].includes(level(a)!)),
      [],
    );
    // Every operation snapshot sent to the fake, by both plans, is allowed (IAM actions share the operations' names).
    const called = new Set<string>();
    for (const plan of ["principal", "provisioned"] as const) {
      const fake = new FakeAws(small);
      await readSnapshot(fake.clients(), { region: small.region, plan });
      for (const [operation] of fake.requests) called.add(operation);
    }
    const prefix: Record<string, string> = { ListGroups: "identitystore", ListUsers: "identitystore", ListGroupMemberships: "identitystore" };
    const orgs = ["DescribeOrganization", "ListRoots", "ListOrganizationalUnitsForParent", "ListAccountsForParent"];
    const needed = [...called].map((op) => `${prefix[op] ?? (orgs.includes(op) ? "organizations" : "sso")}:${op}`);
    needed.push("organizations:ListTagsForResource");
    assert.deepEqual(
      needed.filter((a) => !actions(snapshotPolicy).includes(a)),
      [],
    );
    assert.equal(called.size, 19);
  });
});
