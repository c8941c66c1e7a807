import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { adopt } from "../matrix/live/adopt";
import { compareStates, declaredState } from "../matrix/live/state";
import { loadSnapshotText, type Snapshot } from "../matrix/live/snapshot";
import { inferTarget, targetIndex } from "../matrix/live/targets";
import { inventoryOf } from "../matrix/model/accounts";
import { loadMatrixFile } from "../matrix/checks/pipeline";
import { expand } from "../matrix/expand/expand";
import { diffAccess, snapshot as accessSnapshot } from "../matrix/review/diff";
import { ROOT, capture, captureAsync } from "./cliRun";

const SEED = "test/fixtures/snapshots/professional-af.json";
const GOLDEN = "test/fixtures/snapshots/professional-af.adopted";
const seed = (): Snapshot => JSON.parse(fs.readFileSync(path.join(ROOT, SEED), "utf8"));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-adopt-"));
const files = (dir: string): Record<string, string> =>
  Object.fromEntries(
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => {
        const file = path.join(e.parentPath, e.name);
        return [path.relative(dir, file), fs.readFileSync(file, "utf8")];
      })
      .sort((a, b) => (a[0] < b[0] ? -1 : 1)),
  );
const write = (snapshot: Snapshot) => {
  const file = path.join(tmp(), "snapshot.json");
  fs.writeFileSync(file, JSON.stringify(snapshot, null, 2));
  return file;
};

describe("sso-access adopt", () => {
  it("writes the seed organization's access file, import ids and report, exactly the committed ones", () => {
    const out = path.join(tmp(), "adopted");
    const { code, out: said, err } = capture(["adopt", "--snapshot", SEED, "--out", out]);
    assert.equal(err, "");
    assert.equal(code, 0);
    assert.equal(
      said,
      [
        `Wrote ${out}/access.yaml: 6 assignments, 4 users, 3 groups, 3 permission sets; it reproduces the snapshot exactly.`,
        `Wrote ${out}/adopt.json: import ids of 27 AWS resources.`,
        `Wrote ${out}/adopt-report.md: 1 inferred target, 0 lookups (external), 0 left out. Review it before the first pulumi up.`,
      ].join("\n"),
    );
    assert.deepEqual(files(out), files(path.join(ROOT, GOLDEN)));
  });

  it("the adopted file grants exactly what the hand-written seed access.yaml grants, person by person", () => {
    const [written, adopted] = [loadMatrixFile("access.yaml", ROOT), loadMatrixFile(`${GOLDEN}/access.yaml`, ROOT)];
    assert.ok(written.ok && adopted.ok);
    const d = diffAccess(accessSnapshot(written.value, expand(written.value)), accessSnapshot(adopted.value, expand(adopted.value)));
    assert.deepEqual([d.people, d.granted, d.revoked, d.externalGroups], [[], [], [], []]);
    assert.equal(expand(adopted.value).assignments.length, 6);
  });

  it("drift of the seed snapshot against its adoption is empty (exit 0); a hand-made change is named (exit 2)", async () => {
    assert.deepEqual(await captureAsync(["drift", `${GOLDEN}/access.yaml`, "--snapshot", SEED]), {
      code: 0,
      out: `Drift: ${SEED} (AWS) against ${GOLDEN}/access.yaml\nNo drift: AWS matches the access file.`,
      err: "",
    });
    const changed = seed();
    const group = (name: string) => changed.groups.find((g) => g.DisplayName === name)!.GroupId;
    const set = (name: string) => changed.permissionSets.find((s) => s.Name === name)!.PermissionSetArn;
    changed.accountAssignments.push({ AccountId: "222222222222", PermissionSetArn: set("Admin"), PrincipalType: "GROUP", PrincipalId: group("Developers") });
    changed.groupMemberships.push({
      MembershipId: "m-new",
      GroupId: group("ProfessionalAfAdmins"),
      MemberId: { UserId: changed.users.find((u) => u.UserName === "alex.kim")!.UserId },
    });
    changed.users.find((u) => u.UserName === "jane.doe")!.Emails = [{ Value: "jane@elsewhere.example", Primary: true }];
    const file = write(changed);
    const { code, out } = await captureAsync(["drift", `${GOLDEN}/access.yaml`, "--snapshot", file]);
    assert.equal(code, 2);
    assert.equal(
      out,
      [
        `Drift: ${file} (AWS) against ${GOLDEN}/access.yaml`,
        "Drift: assignments (1 difference), memberships (1 difference), users (1 difference).",
        "",
        "Assignments",
        "  + group Developers: Admin in taylor (222222222222) (made by hand)",
        "",
        "Group memberships",
        "  + alex.kim in group ProfessionalAfAdmins (made by hand)",
        "",
        "Users",
        "  ~ user jane.doe: email jane.doe@professional-af.example in the file, jane@elsewhere.example in AWS",
      ].join("\n"),
    );
  });

  it("never writes into a folder that has files, and writes nothing when the snapshot is broken", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "keep.txt"), "mine");
    assert.deepEqual(capture(["adopt", "--snapshot", SEED, "--out", dir]), {
      code: 64,
      out: "",
      err: `sso-access: ${dir} is not an empty folder; adopt writes a new folder and never replaces files`,
    });
    assert.deepEqual(fs.readdirSync(dir), ["keep.txt"]);
    const broken = seed() as unknown as { accounts: { Id: unknown }[] };
    broken.accounts[1].Id = 222222222222;
    const out = path.join(dir, "new");
    const result = capture(["adopt", "--snapshot", write(broken as unknown as Snapshot), "--out", out]);
    assert.equal(result.code, 1);
    assert.match(result.err, /snapshot\.json:\d+:\d+  accounts\[1\]\.Id  /);
    assert.match(result.err, /1 problem; nothing was written\.$/);
    assert.equal(fs.existsSync(out), false);
  });

  it("lists what it cannot express, looks up what an identity provider owns, and reproduces the rest", () => {
    const s = seed();
    const set = (name: string) => s.permissionSets.find((p) => p.Name === name)!.PermissionSetArn;
    s.accounts.push({ Id: "555555555555", Name: "old", Status: "SUSPENDED", Path: ["Workloads"] });
    s.accountAssignments.push({ AccountId: "555555555555", PermissionSetArn: set("ReadOnly"), PrincipalType: "GROUP", PrincipalId: s.groups[0].GroupId });
    s.accountAssignments.push({ AccountId: "333333333333", PermissionSetArn: set("Admin"), PrincipalType: "USER", PrincipalId: "deleted-user-id" });
    s.groups.push({ GroupId: "idp-group", DisplayName: "All Employees", ExternalIds: [{ Issuer: "https://idp.example", Id: "g1" }] });
    s.accountAssignments.push({ AccountId: "333333333333", PermissionSetArn: set("ReadOnly"), PrincipalType: "GROUP", PrincipalId: "idp-group" });
    s.users.push({ UserId: "u-noname", UserName: "robot", DisplayName: "Robot", Emails: [] });
    // A user whose name reads as another's: the checks refuse it, so it is left out with the reason.
    s.users.push({
      UserId: "u-fake",
      UserName: "jane.d\u043ee",
      DisplayName: "Jane Doe",
      Name: { GivenName: "Jane", FamilyName: "Doe" },
      Emails: [{ Value: "x@example.org", Primary: true }],
    });
    const a = adopt(s, { infer: true });
    assert.deepEqual(a.external, [
      { what: "user robot", why: "the access file needs a given name, a family name, an email to manage it" },
      { what: 'group "All Employees"', why: "provisioned by an identity provider (it has external ids): looked up by display name, members not managed here" },
    ]);
    assert.deepEqual(
      a.leftOut.map((l) => l.what),
      [
        // Refused by the checks (then written again without it), before what the format cannot hold.
        "user jane.dоe",
        "account old (555555555555)",
        "assignment of ReadOnly to group ProfessionalAfAdmins in account old (555555555555)",
        "assignment of Admin to user deleted-user-id in account sandbox (333333333333)",
      ],
    );
    assert.deepEqual(
      a.leftOut.slice(1).map((l) => l.why),
      [
        "it is SUSPENDED: Identity Center cannot assign access there",
        "its account is left out above",
        "its user deleted-user-id is not in the file (deleted, or left out above)",
      ],
    );
    const yaml = a.files.get("access.yaml")!;
    assert.match(yaml, /\n {2}All-Employees:\n {4}displayName: All Employees\n {4}external: true\n/);
    assert.match(yaml, /\n {2}robot:\n {4}external: true\n/);
  });

  it("infers the shortest exact target, and never a broad one that only ties with the list", () => {
    const inventory = inventoryOf({
      mgmt: { id: "100000000000", management: true },
      a: { id: "100000000001", ou: "W/Prod", tags: { env: "prod" } },
      b: { id: "100000000002", ou: "W/Prod", tags: { env: "prod" } },
      c: { id: "100000000003", ou: "W/Dev", tags: { env: "dev" } },
      d: { id: "100000000004", ou: "S", tags: { env: "prod" } },
      e: { id: "100000000005", ou: "X" },
      f: { id: "100000000006" },
      g: { id: "100000000007" },
      h: { id: "100000000008", ou: "X" },
    });
    const index = targetIndex(inventory);
    const ids = (...names: string[]) => new Set(names.map((n) => inventory.find((a) => a.name === n)!.id));
    const cases: [string[], object, string | null][] = [
      [["a", "b", "c", "d", "e", "f", "g", "h"], { allAccounts: true }, "every account"],
      [["a", "b", "c", "d", "e", "f", "g", "h", "mgmt"], { allAccounts: true, accounts: ["mgmt"] }, "every account and mgmt"],
      [["a", "b", "d", "e", "f", "g", "h"], { allAccounts: true, exclude: { accounts: ["c"] } }, "every account except c"],
      [["a", "b", "c"], { ous: ["W"] }, "OU W"],
      [["a", "b", "d"], { tags: { env: "prod" } }, "tag env=prod"],
      [["a", "b", "e", "h"], { ous: ["W/Prod", "X"] }, "OUs W/Prod, X"],
      // As short as "OUs W/Prod, X", and narrower: an account added to X later stays out.
      [["a", "b", "e"], { ous: ["W/Prod"], accounts: ["e"] }, "OU W/Prod and e"],
      // As short as "OUs S, W", and narrower: an account added to S later stays out.
      [["a", "b", "c", "d"], { ous: ["W"], accounts: ["d"] }, "OU W and d"],
      // A broad target only as short as the list is not taken.
      [["a", "c"], { accounts: ["a", "c"] }, null],
      [["c"], { accounts: ["c"] }, null],
    ];
    for (const [names, target, inferred] of cases) assert.deepEqual(inferTarget(ids(...names), index, true), { target, inferred }, names.join(","));
    assert.deepEqual(inferTarget(ids("a", "b", "c"), index, false), { target: { accounts: ["a", "b", "c"] }, inferred: null });
  });

  it("a snapshot is checked like access.yaml: every problem located, with what to do", () => {
    const s = seed() as unknown as Record<string, unknown[]>;
    (s.users[1] as { UserName: string }).UserName = (s.users[0] as { UserName: string }).UserName;
    (s.accountAssignments[0] as { PermissionSetArn: string }).PermissionSetArn = "arn:aws:sso:::permissionSet/ssoins-72230ab1c2d3e4f5/ps-0000000000000000";
    (s as Record<string, unknown>).acounts = [];
    const text = JSON.stringify(s, null, 2);
    const result = loadSnapshotText(text, "snap.json");
    assert.ok(!result.ok);
    assert.deepEqual(
      result.problems.map((p) => `${p.line}:${p.column}  ${p.path}  ${p.message}`),
      [
        '163:19  users[1].UserName  user name "jane.doe" is listed twice (also at users[0]); a snapshot lists each once',
        "246:27  accountAssignments[0].PermissionSetArn  no permission set of the snapshot has this ARN; list it under permissionSets",
        '281:3  acounts  unknown key "acounts"; did you mean "accounts"?',
      ],
    );
    // The lines named hold what the messages say.
    const lines = text.split("\n");
    assert.match(lines[162], /"UserName": "jane\.doe"/);
    assert.match(lines[245], /ps-0000000000000000/);
    assert.match(lines[280], /^ {2}"acounts"/);
  });

  it("verify-import: every AWS step of the preview an import with no difference, else each offending step named (exit 1)", () => {
    const adopted = JSON.parse(fs.readFileSync(path.join(ROOT, GOLDEN, "adopt.json"), "utf8")) as { resources: Record<string, Record<string, string>> };
    const urn = (type: string, name: string) => `urn:pulumi:prod::sso-access::sso-access:index:AccessMatrix$${type}::${name}`;
    const steps: Record<string, unknown>[] = [
      { op: "create", urn: "urn:pulumi:prod::sso-access::pulumi:pulumi:Stack::sso-access-prod" },
      { op: "create", urn: urn("pulumi:providers:aws", "identity-center") },
      ...Object.entries(adopted.resources).flatMap(([type, byName]) => Object.keys(byName).map((name) => ({ op: "import", urn: urn(type, name) }))),
    ];
    const preview = (list: Record<string, unknown>[]) => {
      const file = path.join(tmp(), "preview.json");
      fs.writeFileSync(file, JSON.stringify({ config: {}, steps: list, changeSummary: { import: 27 } }, null, 2));
      return file;
    };
    assert.deepEqual(capture(["verify-import", preview(steps)]), {
      code: 0,
      out: "27 AWS resources imported with no difference; nothing is created, updated, replaced or deleted.",
      err: "",
    });
    const changed = steps.map((step) =>
      String(step.urn).endsWith("PermissionSet::Admin")
        ? { ...step, diffReasons: ["sessionDuration"], detailedDiff: { sessionDuration: { kind: "update", inputDiff: true } } }
        : step,
    );
    changed.push({ op: "create", urn: urn("aws:ssoadmin/accountAssignment:AccountAssignment", "group/Developers/Admin/222222222222") });
    changed.push({ op: "delete", urn: urn("aws:identitystore/user:User", "old.user") });
    const result = capture(["verify-import", preview(changed)]);
    assert.equal(result.code, 1);
    assert.equal(result.out, "");
    assert.equal(
      result.err,
      [
        "3 steps would change AWS beyond importing; do not run pulumi up:",
        "  aws:ssoadmin/permissionSet:PermissionSet Admin is imported with differences (sessionDuration): pulumi up would change it right after",
        "  aws:ssoadmin/accountAssignment:AccountAssignment group/Developers/Admin/222222222222: create, not an import",
        "  aws:identitystore/user:User old.user: delete, not an import",
      ].join("\n"),
    );
  });

  it("a key written twice in a snapshot is a located problem, however it is spelled, never the last one silently", () => {
    const text = JSON.stringify(seed(), null, 2);
    const twice = text.replace('"PrincipalType": "GROUP",', '"PrincipalType": "GROUP",\n      "Principal\\u0054ype": "USER",');
    assert.notEqual(twice, text);
    const result = loadSnapshotText(twice, "snap.json");
    assert.ok(!result.ok);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0].message, /^duplicate key "PrincipalType" \(first written on line \d+\); keep one of them$/);
    const proto = loadSnapshotText(text.replace('"version": 1,', '"version": 1,\n  "__proto__": {},'), "snap.json");
    assert.ok(!proto.ok);
    assert.deepEqual(
      proto.problems.map((p) => p.message),
      ['the key "__proto__" is not allowed; choose another name'],
    );
    // The same snapshot without the second key reads.
    assert.ok(loadSnapshotText(text, "snap.json").ok);
  });

  it("drift compares with a snapshot given or taken now, never neither nor both", async () => {
    const usage = "sso-access: compare with a snapshot: give --snapshot FILE, or --live to take one now";
    assert.deepEqual(await captureAsync(["drift", `${GOLDEN}/access.yaml`]), { code: 64, out: "", err: usage });
    assert.deepEqual(await captureAsync(["drift", `${GOLDEN}/access.yaml`, "--snapshot", SEED, "--live"]), { code: 64, out: "", err: usage });
  });

  it("verify-import: a step creating anything but the program's own components, an empty preview, or a broken URN fails", () => {
    const preview = (steps: unknown[]) => {
      const file = path.join(tmp(), "preview.json");
      fs.writeFileSync(file, JSON.stringify({ steps }));
      return file;
    };
    const foreign = capture([
      "verify-import",
      preview([
        { op: "import", urn: "urn:pulumi:prod::p::sso-access:index:AccessMatrix$aws:identitystore/user:User::jane" },
        { op: "create", urn: "urn:pulumi:prod::p::sso-access:index:AccessMatrix::access" },
        { op: "create", urn: "urn:pulumi:prod::p::command:local:Command::run" },
      ]),
    ]);
    assert.deepEqual(foreign, {
      code: 1,
      out: "",
      err: "1 step would change AWS beyond importing; do not run pulumi up:\n  command:local:Command run: create",
    });
    assert.deepEqual(capture(["verify-import", preview([])]), {
      code: 1,
      out: "",
      err: "1 step would change AWS beyond importing; do not run pulumi up:\n  the preview imports nothing: is adoptFile set on this stack, and is this the preview of its first deployment?",
    });
    const broken = capture(["verify-import", preview([{ op: "create", urn: "urn:pulumi:x" }])]);
    assert.equal(broken.code, 1);
    assert.match(broken.err, /preview\.json:1:\d+  steps\[0\]\.urn  a step's urn is urn:pulumi:<stack>::<project>::<type>::<name>/);
  });

  it("drift takes an existing permission set as existing: found live it is no drift, missing it is", () => {
    const loaded = loadMatrixFile("test/fixtures/valid/control-tower-existing.yaml", ROOT);
    assert.ok(loaded.ok);
    const declared = declaredState(expand(loaded.value));
    const set = { sessionDuration: "PT1H", tags: {}, managedPolicies: [], customerManagedPolicies: [] };
    const live = {
      ...declared,
      existingSets: new Set<string>(),
      permissionSets: new Map([...declared.permissionSets, ["AWSAdministratorAccess", set], ["AWSReadOnlyAccess", set]]),
    };
    assert.deepEqual(compareStates(declared, live).permissionSets, { onlyDeclared: [], onlyLive: [], changed: [] });
    const gone = { ...live, permissionSets: new Map([...declared.permissionSets, ["AWSReadOnlyAccess", set]]) };
    assert.deepEqual(compareStates(declared, gone).permissionSets.onlyDeclared, ["AWSAdministratorAccess"]);
  });

  it("a group known by its id (no display name) cannot share that name with another group's display name", () => {
    const s = seed();
    s.groups.push({ GroupId: "Auditors" });
    const result = loadSnapshotText(JSON.stringify(s, null, 2), "snap.json");
    assert.ok(!result.ok);
    assert.deepEqual(
      result.problems.map((p) => `${p.path}  ${p.message}`),
      ['groups[3].DisplayName  group display name "Auditors" is listed twice (also at groups[1]); a snapshot lists each once'],
    );
  });
});
