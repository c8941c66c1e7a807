import { Option, type Command } from "commander";
import { loadMatrixFile, loadMatrixText, type LoadResult } from "../../matrix/checks/pipeline";
import { expand } from "../../matrix/expand/expand";
import { diffAccess, snapshot, type StackSides } from "../../matrix/review/diff";
import { DIFF_FORMATS, renderDiffJson, renderDiffMarkdown, renderDiffText, type DiffFormat } from "../diffOutput";
import { readAtRevision } from "../git";
import { accessFileIn, accessFileOf, chooseStack, readOnDisk, stackSettings, type ReadProjectFile } from "../stacks";
import { EXIT, EXIT_CODES, UsageError, type CommandContext } from "./context";

interface DiffOptions {
  base?: string;
  stack?: string;
  format: DiffFormat;
  exitCode?: boolean;
}

/** What is compared: the files of both sides, and the stack's settings at both revisions when a stack decides them. */
interface Sides {
  readonly beforeFile: string;
  readonly afterFile: string;
  readonly stack?: StackSides;
}

/**
 * With --base and no file named, the stack decides: the file it deploys now, against the file it deployed at the
 * revision (which may be another one: that is part of the change), and its settings at both.
 */
function sidesOf(files: string[], o: DiffOptions): Sides {
  if (o.base === undefined) {
    if (o.stack !== undefined) throw new UsageError("--stack compares a stack at --base REV with the working tree; with two files, leave it out");
    if (files.length !== 2) throw new UsageError(`name two files, OLD and NEW, or use --base <git-ref> [FILE]; got ${files.length}`);
    return { beforeFile: files[0], afterFile: files[1] };
  }
  if (files.length > 1) throw new UsageError(`with --base, name one file (the new side); got ${files.join(", ")}`);
  if (files.length === 1) return { beforeFile: accessFileOf(files[0], o.stack), afterFile: files[0] };
  const stack = chooseStack(process.cwd(), o.stack);
  if (stack === undefined) return { beforeFile: accessFileOf(undefined, undefined), afterFile: accessFileOf(undefined, undefined) };
  const base = o.base;
  // The project and stack files as they are at the revision: the stack may have deployed another file there.
  const atBase: ReadProjectFile = (relative) => readAtRevision(base, relative).text;
  const after = stackSettings(readOnDisk(process.cwd()), stack);
  const before = stackSettings(atBase, stack);
  return { beforeFile: accessFileIn(before), afterFile: accessFileIn(after), stack: { name: stack, before, after } };
}

/** The old side: the file at a git revision (undefined when it is missing there), or the first of two files. */
function loadBefore(beforeFile: string, o: DiffOptions): { before: LoadResult | undefined; beforeName: string } {
  if (o.base !== undefined) {
    const old = readAtRevision(o.base, beforeFile);
    if (old.text && !old.text.ok) return { before: old.text, beforeName: old.shownName };
    if (old.text) return { before: loadMatrixText(old.text.text, old.shownName, old.files, { guardrails: false }), beforeName: old.shownName };
    return { before: undefined, beforeName: old.shownName };
  }
  // The old side is compared, never deployed: its guardrails do not judge it (they may be newer than it).
  const before = loadMatrixFile(beforeFile, process.cwd(), { guardrails: false });
  return { before, beforeName: before.ok ? before.value.file : beforeFile };
}

/** `diff`: the access change between two versions of the matrix, two files or a file and its git revision. */
export function registerDiff(program: Command, { io, paint, report, setExitCode }: CommandContext): void {
  program
    .command("diff")
    .description("the access change between two versions of the access matrix, in people's terms")
    .argument("[files...]", "OLD NEW, or with --base only the file (default: the file the stack deploys, else access.yaml)")
    .option("--base <git-ref>", "compare the file as it is at this git revision (e.g. origin/main) with the working tree")
    .option("--stack <name>", "with --base: compare what this Pulumi stack deploys, its file and settings at both revisions; default: the only stack")
    .addOption(
      new Option("--format <format>", "text for a terminal, markdown for a pull request comment, json for programs").choices(DIFF_FORMATS).default("text"),
    )
    .option("--exit-code", `exit ${EXIT.changes} when anything changes, ${EXIT.ok} when nothing does`)
    .addHelpText(
      "after",
      `\nExamples:\n  sso-access diff old.yaml access.yaml\n  sso-access diff --base origin/main --stack prod --format markdown > comment.md\n\nA file missing at --base counts as empty: everything in it is new. With --base and no file, the stack's\nsso-access:accessFile is read at both revisions: a stack that deploys another file compares that file.${EXIT_CODES}`,
    )
    .action((files: string[], o: DiffOptions) => {
      const { beforeFile, afterFile, stack } = sidesOf(files, o);
      // The new side first: a missing or broken file is reported as check reports it, before git is asked anything.
      const after = loadMatrixFile(afterFile);
      if (!after.ok) return setExitCode(report(after.problems, "nothing was compared"));
      const { before, beforeName } = loadBefore(beforeFile, o);
      if (before && !before.ok) return setExitCode(report(before.problems, "nothing was compared"));
      const d = diffAccess(before?.ok ? snapshot(before.value, expand(before.value)) : undefined, snapshot(after.value, expand(after.value)), stack);
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
