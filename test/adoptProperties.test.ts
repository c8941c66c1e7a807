import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generate, loadGenerated, random, snapshotOf } from "../bench/generate";
import { loadMatrixFile } from "../matrix/checks/pipeline";
import { expand } from "../matrix/expand/expand";
import { expandAssignments } from "../matrix/expand/assignments";
import { inventoryOf } from "../matrix/model/accounts";
import { planDecls, type Plan } from "../matrix/expand/plan";
import { adopt } from "../matrix/live/adopt";
import { driftOf } from "../matrix/live/drift";
import type { Snapshot } from "../matrix/live/snapshot";
import type { Assignment, Matrix } from "../matrix/model/matrix";

/** A random organization: OUs two levels deep, tags, external principals, direct and group assignments of every target kind. */
function randomMatrix(seed: number): Matrix {
  const rand = random(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const some = <T>(items: readonly T[], n: number): T[] => [...new Set(Array.from({ length: n }, () => pick(items)))];
  const ous = ["A", "A/x", "A/y", "B", "B/z", "C"];
  const accounts: Matrix["accounts"] = {};
  const count = 1 + int(25);
  for (let i = 0; i < count; i++) {
    const tags = { ...(rand() < 0.7 ? { env: pick(["prod", "dev"]) } : {}), ...(rand() < 0.4 ? { team: pick(["red", "blue"]) } : {}) };
    accounts[`acct${i}`] = {
      id: String(200000000000 + i * 7),
      ...(rand() < 0.85 ? { ou: pick(ous) } : {}),
      ...(Object.keys(tags).length ? { tags } : {}),
      ...(i === 0 && rand() < 0.5 ? { management: true } : {}),
    };
  }
  const sets = Array.from({ length: 1 + int(5) }, (_, i) => `Set${i}`);
  const permissionSets = Object.fromEntries(
    sets.map((s, i) => [s, { managedPolicies: [pick(["ReadOnlyAccess", "ViewOnlyAccess", "SecurityAudit"])], ...(i % 2 ? { sessionDuration: "PT4H" } : {}) }]),
  );
  const users: NonNullable<Matrix["users"]> = {};
  for (let i = 0; i < 1 + int(12); i++)
    users[`u${i}`] = rand() < 0.15 ? { external: true } : { displayName: `U ${i}`, givenName: "U", familyName: `N${i}`, email: `u${i}@example.org` };
  const userNames = Object.keys(users);
  const groups: NonNullable<Matrix["groups"]> = {};
  for (let i = 0; i < 1 + int(6); i++) {
    groups[`g${i}`] =
      rand() < 0.2 ? { displayName: `Directory G${i}`, external: true } : { description: `Group ${i}`, members: some(userNames, int(5)).sort() };
  }
  const names = Object.keys(accounts);
  // Targets name only OUs and tags that some account has: the checks refuse a target that reaches nothing.
  const broad = Object.values(accounts).filter((a) => !a.management);
  const usedOus = ous.filter((ou) => broad.some((a) => a.ou === ou || a.ou?.startsWith(`${ou}/`)));
  const usedEnvs = ["prod", "dev"].filter((env) => broad.some((a) => a.tags?.env === env));
  const assignments: Assignment[] = [];
  for (let i = 0; i < 1 + int(10); i++) {
    const who = rand() < 0.75 ? { group: pick(Object.keys(groups)) } : { user: pick(userNames) };
    const kind = usedOus.length === 0 ? pick([0, 3]) : usedEnvs.length === 0 ? pick([0, 1, 3, 4]) : int(5);
    const target: Partial<Assignment> =
      kind === 0
        ? { accounts: some(names, 1 + int(6)) }
        : kind === 1
          ? { ous: some(usedOus, 1 + int(2)) }
          : kind === 2
            ? { tags: { env: pick(usedEnvs) } }
            : kind === 3
              ? { allAccounts: true, ...(rand() < 0.5 ? { exclude: { accounts: some(names, 1 + int(2)) } } : {}) }
              : { ous: [pick(usedOus)], accounts: some(names, 1 + int(2)) };
    assignments.push({ ...who, permissionSets: some(sets, 1 + int(2)), ...target });
  }
  // An entry whose exclusions leave nothing is refused by the checks: left out here.
  const inventory = inventoryOf(accounts);
  return {
    version: 1,
    identityCenter: { startUrl: "https://random.awsapps.com/start", region: "eu-central-1" },
    accounts,
    permissionSets,
    groups,
    users,
    assignments: assignments.filter((a) => expandAssignments([a], inventory).length > 0),
  };
}

/** Assignments as (principal's identity, set, account): group keys may change in adoption, display names may not. */
function grants(matrix: Matrix, plan: Plan): string[] {
  return plan.assignments
    .map(
      (r) =>
        `${r.principalType} ${r.principalType === "GROUP" ? (matrix.groups![r.principalName].displayName ?? r.principalName) : r.principalName} ${r.permissionSet} ${r.accountId}`,
    )
    .sort();
}

function loadAdopted(files: ReadonlyMap<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-adopted-"));
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  const loaded = loadMatrixFile(path.join(dir, "access.yaml"));
  assert.ok(loaded.ok, loaded.ok ? "" : loaded.problems.map((p) => p.message).join("\n"));
  return loaded.value;
}

describe("adopt and drift, properties over random organizations", () => {
  const check = (matrix: Matrix, snapshot: Snapshot, label: string) => {
    const original = loadGenerated(matrix);
    for (const infer of [true, false]) {
      const adoption = adopt(snapshot, { infer });
      assert.deepEqual(adoption.leftOut, [], label);
      const adopted = loadAdopted(adoption.files);
      const plan = expand(adopted);
      // adopt then expand equals the snapshot: the same assignments as the file the snapshot was made from.
      assert.deepEqual(grants(adopted.matrix, plan), grants(matrix, expand(original)), `${label} infer=${infer}`);
      // Everything the adopted file declares exists, so every AWS resource of its plan has an import id.
      const declared = planDecls(plan).filter((d) => d.type.startsWith("aws:"));
      const ids = Object.values(adoption.adoptFile.resources).reduce((n, r) => n + Object.keys(r ?? {}).length, 0);
      assert.equal(ids, declared.length, `${label} infer=${infer}: import ids`);
      assert.ok(
        declared.every((d) => adoption.adoptFile.resources[d.type]?.[d.name] !== undefined),
        label,
      );
      // drift of the snapshot against its own adoption is empty.
      const drift = driftOf(adopted, plan, snapshot);
      assert.equal(drift.drifted, false, `${label} infer=${infer}: ${JSON.stringify(drift)}`);
      if (!infer)
        assert.ok(
          (adopted.matrix.assignments ?? []).every((a) => a.ous === undefined && a.tags === undefined && !a.allAccounts),
          label,
        );
    }
  };

  it("200 random organizations: adopted, expanded back to the same assignments, and no drift, with and without inferred targets", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const matrix = randomMatrix(seed);
      check(matrix, snapshotOf(matrix), `seed ${seed}`);
    }
  });

  it("the benchmark's organization of 200 accounts (M)", () => {
    const matrix = generate("M", 5);
    check(matrix, snapshotOf(matrix), "M");
  });
});
