import { Option, type Command } from "commander";
import { loadMatrixFile, loadMatrixText, type LoadResult } from "../../matrix/checks/pipeline";
import { expand } from "../../matrix/expand/expand";
import { diffAccess, snapshot } from "../../matrix/review/diff";
import { DIFF_FORMATS, renderDiffJson, renderDiffMarkdown, renderDiffText, type DiffFormat } from "../diffOutput";
import { readAtRevision } from "../git";
import { EXIT, EXIT_CODES, UsageError, type CommandContext } from "./context";

interface DiffOptions {
  base?: string;
  format: DiffFormat;
  exitCode?: boolean;
}

/** The old side: the file at a git revision (undefined when it is missing there), or the first of two files. */
function loadBefore(files: string[], afterFile: string, o: DiffOptions): { before: LoadResult | undefined; beforeName: string } {
  if (o.base !== undefined) {
    const old = readAtRevision(o.base, afterFile);
    if (old.text && !old.text.ok) return { before: old.text, beforeName: old.shownName };
    if (old.text) return { before: loadMatrixText(old.text.text, old.shownName, old.files, { guardrails: false }), beforeName: old.shownName };
    return { before: undefined, beforeName: old.shownName };
  }
  // The old side is compared, never deployed: its guardrails do not judge it (they may be newer than it).
  const before = loadMatrixFile(files[0], process.cwd(), { guardrails: false });
  return { before, beforeName: before.ok ? before.value.file : files[0] };
}

/** `diff`: the access change between two versions of the matrix, two files or a file and its git revision. */
export function registerDiff(program: Command, { io, paint, report, setExitCode }: CommandContext): void {
  program
    .command("diff")
    .description("the access change between two versions of the access matrix, in people's terms")
    .argument("[files...]", "OLD NEW, or with --base only the file (default access.yaml)")
    .option("--base <git-ref>", "compare the file as it is at this git revision (e.g. origin/main) with the working tree")
    .addOption(
      new Option("--format <format>", "text for a terminal, markdown for a pull request comment, json for programs").choices(DIFF_FORMATS).default("text"),
    )
    .option("--exit-code", `exit ${EXIT.changes} when anything changes, ${EXIT.ok} when nothing does`)
    .addHelpText(
      "after",
      `\nExamples:\n  sso-access diff old.yaml access.yaml\n  sso-access diff --base origin/main --format markdown > comment.md\n\nA file missing at --base counts as empty: everything in it is new.${EXIT_CODES}`,
    )
    .action((files: string[], o: DiffOptions) => {
      if (o.base !== undefined && files.length > 1) throw new UsageError(`with --base, name one file (the new side); got ${files.join(", ")}`);
      if (o.base === undefined && files.length !== 2) throw new UsageError(`name two files, OLD and NEW, or use --base <git-ref> [FILE]; got ${files.length}`);
      const afterFile = o.base !== undefined ? (files[0] ?? "access.yaml") : files[1];
      // The new side first: a missing or broken file is reported as check reports it, before git is asked anything.
      const after = loadMatrixFile(afterFile);
      if (!after.ok) return setExitCode(report(after.problems, "nothing was compared"));
      const { before, beforeName } = loadBefore(files, afterFile, o);
      if (before && !before.ok) return setExitCode(report(before.problems, "nothing was compared"));
      const d = diffAccess(before?.ok ? snapshot(before.value, expand(before.value)) : undefined, snapshot(after.value, expand(after.value)));
      const afterName = after.value.file;
      const shownBefore = before ? beforeName : `${beforeName} (missing)`;
      io.out(
        o.format === "json"
          ? renderDiffJson(d, shownBefore, afterName)
          : o.format === "markdown"
            ? renderDiffMarkdown(d, shownBefore, afterName)
            : renderDiffText(d, shownBefore, afterName, paint),
      );
      if (o.exitCode && d.changed) setExitCode(EXIT.changes);
    });
}
