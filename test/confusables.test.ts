import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { CONFUSABLES_DATA_FILE, skeleton } from "../matrix/common/confusables";
import { buildConfusablesData, confusablesJson, CONFUSABLES_SOURCE_FILE } from "../scripts/confusables";

describe("confusables: the data is Unicode's confusables.txt, compacted by scripts/confusables.ts", () => {
  const source = fs.readFileSync(CONFUSABLES_SOURCE_FILE, "utf8");

  it("the committed data file is exactly the generator's output for the committed confusables.txt", async () => {
    assert.equal(fs.readFileSync(CONFUSABLES_DATA_FILE, "utf8"), await confusablesJson(buildConfusablesData(source)));
  });

  it("records the version, date and SHA-256 of the file it was made from, so it can be compared with Unicode's", () => {
    const { source: from, prototypes } = buildConfusablesData(source);
    assert.deepEqual(from, {
      file: "confusables.txt",
      version: "17.0.0",
      date: "2025-07-22, 05:49:37 GMT",
      sha256: "091c7f82fc39ef208faf8f94d29c244de99254675e09de163160c810d13ef22a",
    });
    assert.equal(prototypes.length, 6565);
  });

  it("refuses a line it does not understand, and a file whose count does not match", () => {
    assert.throws(() => buildConfusablesData(source.replace("0430 ;\t0061 ;\tMA", "0430 ;\t0061 ;\tSL")), /line \d+ is not a mapping/);
    assert.throws(() => buildConfusablesData(source.replace("# total: 6565", "# total: 6566")), /says it has 6566 mappings; 6565 were read/);
  });
});

describe("confusables: skeleton (UTS #39, section 4)", () => {
  it("maps lookalikes of other scripts, and of Latin itself, to one prototype", () => {
    assert.equal(skeleton("раураl"), skeleton("paypal")); // Cyrillic р, а, у
    assert.equal(skeleton("ԁеѵорѕ"), "devops");
    assert.equal(skeleton("Read0nly"), skeleton("ReadOnly"));
    assert.equal(skeleton("m"), "rn");
    assert.equal(skeleton("Ian"), skeleton("lan"));
    assert.equal(skeleton("𝐣𝐚𝐧𝐞"), "jane");
  });

  it("leaves names that look like no other as they are, in NFD", () => {
    assert.equal(skeleton("jane.doe"), "jane.doe");
    assert.equal(skeleton("José"), "Jose\u0301");
    assert.notEqual(skeleton("Рома"), skeleton("Poma"));
  });

  it("drops default-ignorable code points, and is a fixed point: the skeleton of a skeleton is itself", () => {
    assert.equal(skeleton("ja\u200bne"), "jane");
    for (const name of ["ԁеѵорѕ", "ΑΤΗΕΝΑ", "Иван Петров", "𝐉𝐚𝐧𝐞 𝐃𝐨𝐞", "P1atform Team"]) assert.equal(skeleton(skeleton(name)), skeleton(name));
  });
});
