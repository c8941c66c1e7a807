import * as assert from "node:assert/strict";
import { measureChurn } from "../bench/churn";
import { generate, loadGenerated } from "../bench/generate";

describe("churn: everyday edits of a medium organization create, replace and delete exactly what they need", () => {
  let results: ReturnType<typeof measureChurn>;
  before(() => {
    results = measureChurn(loadGenerated(generate("M")), loadGenerated);
  });

  it("every scripted edit meets its minimum, and replaces nothing", () => {
    for (const r of results) {
      assert.deepEqual({ created: r.created, replaced: r.replaced, deleted: r.deleted }, r.minimum, r.name);
    }
  });

  it("the exact counts of the seeded medium organization", () => {
    assert.deepEqual(
      results.map((r) => [r.name, r.created, r.replaced, r.deleted, r.updated]),
      [
        ["add an account to an OU", 19, 0, 0, 0],
        ["add a user to a group", 1, 0, 0, 0],
        ["change a group's description", 0, 0, 0, 1],
        ["add a managed policy to a permission set", 0, 0, 0, 1],
        ["rename an account's inventory key", 0, 0, 0, 0],
        ["move a group's assignment from an OU to its parent", 28, 0, 0, 0],
      ],
    );
  });
});
