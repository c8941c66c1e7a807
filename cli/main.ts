import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { effectiveAccess } from "../matrix/review/effectiveAccess";
import { diffAccess, snapshot } from "../matrix/review/diff";
import { groupBy } from "../matrix/common/order";
import { plural } from "../matrix/common/words";
import { expand } from "../matrix/expand/expand";
import { loadMatrixFile, loadMatrixText, type LoadResult } from "../matrix/checks/pipeline";
import type { ValidMatrix } from "../matrix/model/matrix";
import { checkWarnings } from "../matrix/checks/warnings";
import { formatProblem, sortProblems } from "../matrix/common/problems";
import { matrixJsonSchema } from "../matrix/validate/schema";
import { didYouMean } from "../matrix/common/suggest";
import {
  ConfigError,
  DEFAULT_PROFILE_TEMPLATE,
  OptionError,
  configBlock,
  defaultConfigPath,
  renderBlock,
  userFileName,
  writeAll,
  writeConfig,
} from "./awsConfig";
import { DIFF_FORMATS, renderDiffJson, renderDiffMarkdown, renderDiffText, type DiffFormat } from "./diffOutput";
import { GitError, readAtRevision } from "./git";
import { painter, stdio, type Io } from "./output";
import { renderPlanJson, renderPlanText, summarize } from "./planOutput";
import { UnknownFilterError, WHO_FORMATS, WHO_VIEWS, renderWho, whoReport, type WhoFormat, type WhoView } from "./who";

/**
 * sso-access: offline tools over an access matrix. No AWS credentials, no Pulumi CLI.
 */

export const EXIT = {
  /** Done; for `diff --exit-code`, no access change. */
  ok: 0,
  /** An access matrix has problems (each printed as file:line:column  path  message), or a file conflict. */
  problems: 1,
  /** `diff --exit-code` only: access changes. */
  changes: 2,
  /** A bug in sso-access, not in the input. */
  internal: 3,
  /** The command line is wrong (EX_USAGE). */
  usage: 64,
} as const;

const EXIT_CODES = `

Exit codes:
  0   success (for diff --exit-code: no change)
  1   the access matrix has problems, or a file to write conflicts
  2   diff --exit-code: access changes
  3   internal error (a bug: please report it; SSO_ACCESS_DEBUG=1 shows the stack)
  64  wrong command line`;

const SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: "no such file or folder",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "it is a folder",
  EEXIST: "it already exists and is not a folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
};

/** A mistake on the command line, found after parsing (a filter naming nothing, a template without a name...). */
class UsageError extends Error {}

const VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { version: string }).version;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Runs one command line and returns its exit code. Never throws for bad input. */
export function run(argv: readonly string[], io: Io = stdio): number {
  let code: number = EXIT.ok;
  const paint = painter(io.color);
  const program = new Command("sso-access")
    .description("Offline tools for an access matrix (access.yaml) of AWS IAM Identity Center. No AWS credentials needed.")
    .version(VERSION, "-V, --version")
    .helpOption("-h, --help", "show help for sso-access or a command")
    .addHelpCommand("help [command]", "show help for a command")
    .showSuggestionAfterError(true)
    .exitOverride()
    .showHelpAfterError("Run sso-access --help, or sso-access <command> --help, for usage.")
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: (s, write) => write(s.replace(/^error: /, "sso-access: ")) })
    .addHelpText("after", `${EXIT_CODES.slice(1)}\n\nFILE defaults to access.yaml. Run sso-access <command> --help for a command's options.`);

  program
    .command("check")
    .description("validate the access matrix; every problem is printed as file:line:column  path  message")
    .argument("[file]", "the access matrix", "access.yaml")
    .option("--warnings", "also report what is allowed but likely a mistake (exit code unchanged)")
    .addHelpText(
      "after",
      `\nWarnings: more than 10 policies on a set (IAM's default per role), sets assigned nowhere, groups with no members\nand no assignments, users in no group.${EXIT_CODES}`,
    )
    .action((file: string, o: { warnings?: boolean }) => {
      const loaded = load(file, io);
      if (!loaded) return void (code = EXIT.problems);
      const plan = expand(loaded);
      const s = summarize(plan);
      if (o.warnings) {
        const found = sortProblems(checkWarnings(loaded, new Set(plan.assignments.map((a) => a.permissionSet))));
        if (found.length) io.err(found.map(formatProblem).join("\n"));
      }
      io.out(
        `${loaded.file}: valid (${s.accounts} accounts, ${s.permissionSets} permission sets, ${s.groups} groups, ${s.users} users, ${s.assignments} assignments)`,
      );
    });

  program
    .command("plan")
    .description("print what the Pulumi program would declare: resources by type and one line per assignment")
    .argument("[file]", "the access matrix", "access.yaml")
    .option("--json", "print one JSON object: every resource with its inputs, the lookups and the assignments")
    .addHelpText("after", EXIT_CODES)
    .action((file: string, options: { json?: boolean }) => {
      const loaded = load(file, io, "nothing was planned");
      if (!loaded) return void (code = EXIT.problems);
      const plan = expand(loaded);
      io.out(options.json ? renderPlanJson(plan, loaded.file) : renderPlanText(plan, loaded.file));
    });

  program
    .command("who")
    .description("effective access: each user's accounts and permission sets, and the group (or direct assignment) they come through")
    .argument("[file]", "the access matrix", "access.yaml")
    .addOption(new Option("--by <view>", "one row per user, grouped by user, account or permission set").choices(WHO_VIEWS).default("user"))
    .option("--user <name>", "only this user (repeat for several)", collect)
    .option("--group <key>", "only access through this group (repeat for several)", collect)
    .option("--account <name-or-id>", "only this account (repeat for several)", collect)
    .option("--permission-set <name>", "only this permission set (repeat for several)", collect)
    .addOption(new Option("--format <format>", "output format").choices(WHO_FORMATS).default("table"))
    .addHelpText("after", `\nFilters of different kinds combine (and); repeated filters of one kind add up (or).${EXIT_CODES}`)
    .action((file: string, o: { by: WhoView; user?: string[]; group?: string[]; account?: string[]; permissionSet?: string[]; format: WhoFormat }) => {
      const loaded = load(file, io, "nothing was reported");
      if (!loaded) return void (code = EXIT.problems);
      const filters = { users: o.user ?? [], groups: o.group ?? [], accounts: o.account ?? [], permissionSets: o.permissionSet ?? [] };
      const report = whoReport(loaded, expand(loaded), filters, o.by);
      io.out(renderWho(report, o.format, paint));
    });

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
    .action((files: string[], o: { base?: string; format: DiffFormat; exitCode?: boolean }) => {
      if (o.base !== undefined && files.length > 1) throw new UsageError(`with --base, name one file (the new side); got ${files.join(", ")}`);
      if (o.base === undefined && files.length !== 2) throw new UsageError(`name two files, OLD and NEW, or use --base <git-ref> [FILE]; got ${files.length}`);
      const afterFile = o.base !== undefined ? (files[0] ?? "access.yaml") : files[1];
      // The new side first: a missing or broken file is reported as check reports it, before git is asked anything.
      const after = loadMatrixFile(afterFile);
      if (!after.ok) return void (code = report(after.problems, io, "nothing was compared"));
      let before: LoadResult | undefined;
      let beforeName: string;
      if (o.base !== undefined) {
        const old = readAtRevision(o.base, afterFile);
        beforeName = old.shownName;
        if (old.text && !old.text.ok) before = old.text;
        else if (old.text) before = loadMatrixText(old.text.text, old.shownName, old.files, { guardrails: false });
      } else {
        // The old side is compared, never deployed: its guardrails do not judge it (they may be newer than it).
        before = loadMatrixFile(files[0], process.cwd(), { guardrails: false });
        beforeName = before.ok ? before.value.file : files[0];
      }
      if (before && !before.ok) return void (code = report(before.problems, io, "nothing was compared"));
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
      if (o.exitCode && d.changed) code = EXIT.changes;
    });

  program
    .command("aws-config")
    .description("AWS CLI profiles (sso-session + one profile per account and permission set) for what a user can reach")
    .argument("[file]", "the access matrix", "access.yaml")
    .option("--user <name>", "the user whose profiles to print or write")
    .option("--all <dir>", "write one config file per user into this folder (for onboarding mail)")
    .option("--write [path]", "merge into this config file instead of printing (default: $AWS_CONFIG_FILE or ~/.aws/config)")
    .option("--session <name>", "name of the [sso-session] (default: from the start URL, e.g. professional-af)")
    .option("--region <region>", "default region of the profiles (default: the Identity Center region)")
    .option("--profile-template <template>", "profile names: {account}, {accountId}, {permissionSet}, {session}", DEFAULT_PROFILE_TEMPLATE)
    .addHelpText(
      "after",
      `\nWith --write, the generated sections sit between "# BEGIN sso-access session <name>" and "# END ..." lines:
they are replaced on every run (profiles of removed access disappear); everything else in the file is kept
byte for byte. A backup (<file>.sso-access.bak) is written first and the file is replaced atomically.${EXIT_CODES}`,
    )
    .action((file: string, o: { user?: string; all?: string; write?: string | true; session?: string; region?: string; profileTemplate: string }) => {
      if ((o.user === undefined) === (o.all === undefined)) throw new UsageError("name one user with --user NAME, or use --all DIR for every user");
      if (o.all !== undefined && o.write !== undefined) throw new UsageError("--all writes its own files; leave out --write");
      const loaded = load(file, io, "nothing was written");
      if (!loaded) return void (code = EXIT.problems);
      const plan = expand(loaded);
      const access = effectiveAccess(loaded, plan);
      const options = { session: o.session, region: o.region, template: o.profileTemplate };
      if (o.all !== undefined) {
        // Build every file before writing any: a name clash for one user leaves the folder untouched.
        const grantsOf = groupBy(access.grants, (g) => g.user);
        const blocks = grantsOf.map(([u, grants]) => ({ name: userFileName(u), text: `${renderBlock(configBlock(plan, grants, options))}\n` }));
        const { removed } = writeAll(o.all, blocks);
        const none = access.usersWithoutAccess.length ? ` No access, no file: ${access.usersWithoutAccess.join(", ")}.` : "";
        const gone = removed.length ? ` Removed ${removed.length === 1 ? "a file" : "files"} of an earlier run: ${removed.join(", ")}.` : "";
        io.out(`Wrote ${plural(blocks.length, "file")} to ${o.all}: ${blocks.map((b) => b.name).join(", ")}.${none}${gone}`);
        return;
      }
      const user = o.user!;
      if (!access.users.includes(user)) throw new UsageError(`no user "${user}" in ${loaded.file}${didYouMean(user, access.users)}`);
      const block = configBlock(
        plan,
        access.grants.filter((g) => g.user === user),
        options,
      );
      if (!block.profiles.length) io.err(`${user} reaches no account in ${loaded.file}: only the [sso-session] is generated.`);
      if (o.write === undefined) return void io.out(renderBlock(block));
      const target = o.write === true ? defaultConfigPath() : o.write;
      const result = writeConfig(target, block);
      io.out(
        result.changed
          ? `${result.file}: wrote ${block.profiles.length} ${block.profiles.length === 1 ? "profile" : "profiles"} for ${user} (session ${block.session})${result.backup ? `; the previous file is in ${result.backup}` : ""}.`
          : `${result.file}: already up to date (${block.profiles.length} profiles for ${user}).`,
      );
    });

  program
    .command("schema")
    .description("print the JSON Schema of the access matrix, for editors and other validators")
    .option("--write <file>", "write it to this file instead")
    .action((o: { write?: string }) => {
      const text = `${JSON.stringify(matrixJsonSchema(), null, 2)}\n`;
      if (o.write) fs.writeFileSync(o.write, text);
      else io.out(text);
    });

  try {
    program.parse([...argv], { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof UsageError || error instanceof UnknownFilterError || error instanceof OptionError) {
      io.err(`sso-access: ${error.message}`);
      return EXIT.usage;
    }
    if (error instanceof GitError) {
      io.err(`sso-access: ${error.message}`);
      return EXIT.usage;
    }
    if (error instanceof ConfigError) {
      io.err(`${error.message}; nothing was written.`);
      return EXIT.problems;
    }
    const system = error as NodeJS.ErrnoException;
    if (typeof system.code === "string" && typeof system.syscall === "string") {
      // The file system refused (a missing folder, a file where a folder should be, no permission): say where.
      io.err(`sso-access: cannot ${system.syscall} ${system.path ?? ""}: ${SYSTEM_ERRORS[system.code] ?? system.message}`);
      return EXIT.problems;
    }
    throw error;
  }
}

function load(file: string, io: Io, consequence?: string): ValidMatrix | undefined {
  const result = loadMatrixFile(file);
  if (result.ok) return result.value;
  report(result.problems, io, consequence);
  return undefined;
}

function report(problems: Parameters<typeof formatProblem>[0][], io: Io, consequence?: string): number {
  io.err(problems.map(formatProblem).join("\n"));
  io.err(`${plural(problems.length, "problem")}${consequence ? `; ${consequence}` : ""}.`);
  return EXIT.problems;
}

/** The process entry (bin/sso-access.js): exit code set, never a stack trace unless SSO_ACCESS_DEBUG is set. */
export function main(argv = process.argv.slice(2)): void {
  try {
    process.exitCode = run(argv);
  } catch (error) {
    // A bug of ours, not the user's input: say so in one line; the stack only on request.
    process.stderr.write(`sso-access: internal error: ${(error as Error).message}\n`);
    if (process.env.SSO_ACCESS_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = EXIT.internal;
  }
}

if (require.main === module) main();
