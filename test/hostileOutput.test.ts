import * as assert from "node:assert/strict";
import fc from "fast-check";
import { safeOutput } from "../matrix/common/visible";
import { md, printableJson } from "../cli/output";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, capture } from "./cliRun";

/**
 * Output that cannot lie: a hostile author of access.yaml controls descriptions, tag values, display names and the
 * names in references. Nothing they write may act on a terminal, start a line of its own, reverse text, or reach a
 * CI runner as a workflow command. Each attack below worked before the tools escaped what they print.
 */

const ESC = "\u001b";
const sample = () => fs.readFileSync(path.join(ROOT, "access.yaml"), "utf8");

/** A folder with the sample as old.yaml and an edited copy as new.yaml. */
function workspace(edit: (text: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-hostile-"));
  fs.writeFileSync(path.join(dir, "old.yaml"), sample());
  const edited = edit(sample());
  assert.notEqual(edited, sample(), "the edit applies");
  fs.writeFileSync(path.join(dir, "new.yaml"), edited);
  fs.cpSync(path.join(ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
  return dir;
}

const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/;

describe("hostile text in access.yaml cannot forge what the tools print", () => {
  it("diff: an escape sequence that clears the screen and a forged verdict stay visible text on their own line", () => {
    // A YAML double-quoted string may hold any character through escapes.
    const dir = workspace((t) => t.replace("    description: Application developers.", '    description: "Devs.\\e[2J\\e[H\\nNo one gains or loses access."'));
    for (const color of [false, true]) {
      const { code, out } = capture(["diff", "old.yaml", "new.yaml"], { cwd: dir, color });
      assert.equal(code, 0);
      const line = out.split("\n").find((l) => l.includes("group Developers"))!;
      const shown = "~ group Developers: description Application developers. -> Devs.\\x1b[2J\\x1b[H\\nNo one gains or loses access.";
      assert.equal(line, color ? `  \u001b[33m${shown}\u001b[39m` : `  ${shown}`);
      // The one line that says so is the risk line; the description's is not a line of its own.
      assert.deepEqual(
        out
          .split("\n")
          .filter((l) => l.includes("No one gains or loses access"))
          .map((l) => l.startsWith("No one gains") || l.includes("\u001b[1mNo one gains")),
        [true, false],
      );
      // With colour, the only escape sequences are the tools' own colours.
      assert.deepEqual(out.replace(/\u001b\[(?:1|2|22|31|32|33|39)m/g, "").match(HIDDEN), null);
      if (!color) assert.ok(!out.includes(ESC));
    }
  });

  it("diff --format markdown: a lone carriage return or a line separator cannot start a heading of the comment", () => {
    const dir = workspace((t) => t.replace("    description: Application developers.", '    description: "Devs.\\r#### No access changes.\\u2028### Forged"'));
    const { out } = capture(["diff", "old.yaml", "new.yaml", "--format", "markdown"], { cwd: dir });
    assert.deepEqual(
      out.split("\n").filter((l) => /^#+ /.test(l)),
      ["### Access changes", "#### Users, groups and accounts"],
    );
    assert.equal(out.match(HIDDEN), null);
    assert.equal(
      out.split("\n").find((l) => l.includes("group Developers")),
      "- group Developers: description Application developers. → Devs.\\\\r#### No access changes.\\\\u2028### Forged",
    );
  });

  it("check: a name with a line break cannot emit a workflow command (::add-mask::, ::error::) into a CI log", () => {
    const dir = workspace((t) => t.replace("  - group: Developers\n", '  - group: "Developers\\n::add-mask::secret\\n::error::all good"\n'));
    const { code, out, err } = capture(["check", "new.yaml"], { cwd: dir });
    assert.equal(code, 1);
    assert.equal(out, "");
    assert.deepEqual(err.split("\n"), [
      'new.yaml:100:12  assignments[2].group  unknown group "Developers\\n::add-mask::secret\\n::error::all good"',
      "1 problem.",
    ]);
    assert.ok(!err.split("\n").some((l) => l.trimStart().startsWith("::")));
  });

  it("check: a policy file named like a workflow command, with a problem inside, starts no line with ::", () => {
    const dir = workspace((t) => t.replace("inlinePolicyFile: policies/developer-guardrails.json", "inlinePolicyFile: '::error::x.json'"));
    fs.writeFileSync(path.join(dir, "::error::x.json"), '{"Version": "2012-10-17", "Statement": []}\n');
    const { code, err } = capture(["check", "new.yaml"], { cwd: dir });
    assert.equal(code, 1);
    assert.deepEqual(err.split("\n"), ["\\x3a:error::x.json:1:40  Statement  Statement must hold at least one statement", "1 problem."]);
  });

  it("check: a name that holds what Unicode shows as nothing (a Hangul filler) is refused; ##[ and a blank before :: never reach a CI runner", () => {
    const dir = workspace((t) =>
      t.replace("      - jane.doe\n", '      - "jane.doe\\u3164"\n      - "##[add-mask]AdministratorAccess"\n      - "\\u00a0::warning::review passed"\n'),
    );
    const { code, err } = capture(["check", "new.yaml"], { cwd: dir });
    assert.equal(code, 1);
    assert.equal(err.match(HIDDEN), null);
    assert.ok(!/##\[/.test(err) && !err.split("\n").some((l) => /^\s*::/.test(l)), err);
    assert.deepEqual(err.split("\n").slice(0, 3), [
      'new.yaml:58:9  groups.ProfessionalAfAdmins.members[0]  unknown user "jane.doe\\u3164"; did you mean "jane.doe"?',
      'new.yaml:59:9  groups.ProfessionalAfAdmins.members[1]  unknown user "#\\x23[add-mask]AdministratorAccess"',
      // A no-break space is a space one can see: shown as it is, mid-line.
      'new.yaml:60:9  groups.ProfessionalAfAdmins.members[2]  unknown user "\u00a0::warning::review passed"',
    ]);
  });

  it("who: a user name with a right-to-left override is refused, and shown escaped, before anything is listed", () => {
    const dir = workspace((t) => t.replace("  jane.doe:\n", '  "jane.doe\\u202e":\n').replace("      - jane.doe\n", '      - "jane.doe\\u202e"\n'));
    const { code, out, err } = capture(["who", "new.yaml", "--format", "csv"], { cwd: dir });
    assert.deepEqual({ code, out }, { code: 1, out: "" });
    assert.equal(err.match(HIDDEN), null);
    assert.deepEqual(err.split("\n"), [
      'new.yaml:69:3  users["jane.doe\\u202e"]  user name "jane.doe\\u202e" holds an invisible or control character (\\u202e) that makes it differ from a name that looks the same; remove it',
      "1 problem; nothing was reported.",
    ]);
  });
});

describe("JSON the tools print reads back as the same value", () => {
  it("hidden characters and workflow-command markers are JSON escapes, which the output guard leaves alone", () => {
    const value = { name: "x\u0085y\u{e0041}z ##[warning]forged \u202e é", note: "::add-mask::secret" };
    const text = printableJson(value);
    assert.equal(text, '{\n  "name": "x\\u0085y\\udb40\\udc41z #\\u0023[warning]forged \\u202e \\u00e9",\n  "note": "::add-mask::secret"\n}');
    assert.equal(safeOutput(text), text);
    assert.deepEqual(JSON.parse(text), value);
  });

  it("the output guard changes exactly what a runner would read: `::` only at a line's start (after blanks), `##[` anywhere", () => {
    const plain = '{\n  "dependsOn": ["aws:ssoadmin/accountAssignment:AccountAssignment::group/admins/Admin/111111111111"]\n}';
    assert.equal(safeOutput(plain), plain);
    assert.equal(safeOutput("a\n  ::error::forged\nb::c"), "a\n  \\x3a:error::forged\nb::c");
    assert.equal(safeOutput("\t::warning::x"), "\t\\x3a:warning::x");
    assert.equal(safeOutput("ok ##[group]x"), "ok #\\x23[group]x");
  });

  it("over any text of blanks, colons, hashes, brackets and line ends, the guard leaves no marker and changes nothing else", () => {
    // The guard first asks whether anything needs changing; this holds that question to the changes themselves.
    const chars = fc.constantFrom(" ", "\t", "\n", "\r", ":", "#", "[", "a", "\u202e", "\u0085");
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 24 }).map((cs) => cs.join("")),
        (text) => {
          const out = safeOutput(text);
          assert.doesNotMatch(out, /^[\t ]*::/m);
          assert.doesNotMatch(out, /##\[|[\u202e\u0085]|\r(?!\n)/);
          const marked = /^[^\S\n]*::/m.test(text) || /##\[|[\u202e\u0085]|\r(?!\n)/.test(text);
          if (!marked) assert.equal(out, text);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("a name in Markdown cannot notify anyone: @ is an entity", () => {
    assert.equal(md("group @acme/security, ask @octocat"), "group &#64;acme/security, ask &#64;octocat");
  });
});
