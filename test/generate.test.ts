import * as assert from "node:assert/strict";
import { SIZES, generate, loadGenerated } from "../bench/generate";
import { expand } from "../matrix/expand/expand";

describe("the bench's cliff organizations (bench/generate.ts)", () => {
  it("one-account: 300 groups x 67 permission sets, every assignment on one account", () => {
    const matrix = generate("one-account");
    const plan = expand(loadGenerated(matrix));
    assert.equal(Object.keys(matrix.groups!).length, 300);
    assert.equal(Object.keys(matrix.permissionSets!).length, 67);
    assert.equal(plan.assignments.length, 20_100);
    assert.deepEqual([...new Set(plan.assignments.map((a) => a.accountName))], ["acct-0001"]);
    assert.deepEqual(
      plan.accounts.map((a) => [a.name, a.children.length]),
      [["100000000001", 20_100]],
    );
  });

  it("everyone: one more group of every user, with one permission set on one account", () => {
    const matrix = generate({ ...SIZES.S, everyone: true });
    assert.deepEqual(matrix.groups!.everyone.members, Object.keys(matrix.users!));
    assert.equal(matrix.groups!.everyone.members!.length, 50);
    const rows = expand(loadGenerated(matrix)).assignments.filter((a) => a.principalName === "everyone");
    assert.deepEqual(
      rows.map((a) => [a.permissionSet, a.accountName]),
      [["PS-000", "acct-0001"]],
    );
  });

  it("many-users is L with 40,000 users; the cliffs keep L's other dimensions", () => {
    assert.deepEqual(SIZES["many-users"], { ...SIZES.L, users: 40_000 });
    assert.deepEqual(SIZES["big-group"], { ...SIZES.L, everyone: true });
  });
});
