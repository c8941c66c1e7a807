import type { Command } from "commander";
import { groupBy } from "../../matrix/common/order";
import { didYouMean } from "../../matrix/common/suggest";
import { plural } from "../../matrix/common/words";
import { expand } from "../../matrix/expand/expand";
import type { Plan } from "../../matrix/expand/plan";
import { effectiveAccess, type EffectiveAccess } from "../../matrix/review/effectiveAccess";
import { DEFAULT_PROFILE_TEMPLATE } from "../../matrix/review/profileNames";
import { checkConfigTarget, configBlock, renderBlock, userFileName, writeAll, writeConfig } from "../awsProfiles";
import type { Io } from "../output";
import { accessFileOf } from "../stacks";
import { FILE_HELP, STACK_HELP, EXIT, EXIT_CODES, UsageError, type CommandContext } from "./context";

interface AwsConfigOptions {
  user?: string;
  all?: string;
  write?: string;
  session?: string;
  region?: string;
  profileTemplate: string;
  stack?: string;
}

type BlockOptions = Parameters<typeof configBlock>[2];

/** `--all DIR`: one config file per user who reaches an account. */
function writeEveryUser(dir: string, plan: Plan, access: EffectiveAccess, options: BlockOptions, io: Io): void {
  // Build every file before writing any: a name clash for one user leaves the folder untouched.
  const grantsOf = groupBy(access.grants, (g) => g.user);
  const blocks = grantsOf.map(([u, grants]) => ({ name: userFileName(u), text: `${renderBlock(configBlock(plan, grants, options))}\n` }));
  // Files are sealed for this organization's session: another organization's run into the same folder is left alone.
  const { removed } = writeAll(dir, configBlock(plan, [], options).session, blocks);
  const none = access.usersWithoutAccess.length ? ` No access, no file: ${access.usersWithoutAccess.join(", ")}.` : "";
  const gone = removed.length ? ` Removed ${removed.length === 1 ? "a file" : "files"} of an earlier run: ${removed.join(", ")}.` : "";
  io.out(`Wrote ${plural(blocks.length, "file")} to ${dir}: ${blocks.map((b) => b.name).join(", ")}.${none}${gone}`);
}

/** `--user NAME`: that user's profiles, printed or (with --write) merged into a config file. */
function configureUser(user: string, file: string, write: string | undefined, plan: Plan, access: EffectiveAccess, options: BlockOptions, io: Io): void {
  if (!access.users.includes(user)) throw new UsageError(`no user "${user}" in ${file}${didYouMean(user, access.users)}`);
  const block = configBlock(
    plan,
    access.grants.filter((g) => g.user === user),
    options,
  );
  if (!block.profiles.length) io.err(`${user} reaches no account in ${file}: only the [sso-session] is generated.`);
  if (write === undefined) return void io.out(renderBlock(block));
  checkConfigTarget(write, file);
  const result = writeConfig(write, block);
  if (result.note) io.err(result.note);
  io.out(
    result.changed
      ? `${result.file}: wrote ${block.profiles.length} ${block.profiles.length === 1 ? "profile" : "profiles"} for ${user} (session ${block.session})${result.backup ? `; the previous file is in ${result.backup}` : ""}.`
      : `${result.file}: already up to date (${block.profiles.length} profiles for ${user}).`,
  );
}

/** `aws-config`: AWS CLI profiles for what a user can reach. */
export function registerAwsConfig(program: Command, { io, load, setExitCode }: CommandContext): void {
  program
    .command("aws-config")
    .description("AWS CLI profiles (sso-session + one profile per account and permission set) for what a user can reach")
    .argument("[file]", FILE_HELP)
    .option("--stack <name>", STACK_HELP)
    .option("--user <name>", "the user whose profiles to print or write")
    .option("--all <dir>", "write one config file per user into this folder (for onboarding mail)")
    .option("--write <path>", "merge into this AWS config file instead of printing (e.g. ~/.aws/config); never a YAML or JSON file")
    .option("--session <name>", "name of the [sso-session] (default: from the start URL, e.g. professional-af)")
    .option("--region <region>", "default region of the profiles (default: the Identity Center region)")
    .option("--profile-template <template>", "profile names: {account}, {accountId}, {permissionSet}, {session}", DEFAULT_PROFILE_TEMPLATE)
    .addHelpText(
      "after",
      `\nWith --write, the generated sections sit between "# BEGIN sso-access session <name>" and "# END ..." lines:
they are replaced on every run (profiles of removed access disappear); everything else in the file is kept
byte for byte, line endings included. A section elsewhere that the AWS CLI or an AWS SDK reads as a generated one,
however it is written ([profile "x"], [profile.x], [DEFAULT]...), stops the run before anything is written.
A backup (<file>.sso-access.bak) is written first and the file is replaced atomically.
With --all, each file ends with a line holding a hash of the file: a later run replaces or removes only files
whose hash still matches, and writes nothing if any other file is in the way.${EXIT_CODES}`,
    )
    .action((named: string | undefined, o: AwsConfigOptions) => {
      const file = accessFileOf(named, o.stack);
      if ((o.user === undefined) === (o.all === undefined)) throw new UsageError("name one user with --user NAME, or use --all DIR for every user");
      if (o.all !== undefined && o.write !== undefined) throw new UsageError("--all writes its own files; leave out --write");
      const loaded = load(file, "nothing was written");
      if (!loaded) return setExitCode(EXIT.problems);
      const plan = expand(loaded);
      const access = effectiveAccess(loaded, plan);
      const options = { session: o.session, region: o.region, template: o.profileTemplate };
      if (o.all !== undefined) return writeEveryUser(o.all, plan, access, options, io);
      configureUser(o.user!, loaded.file, o.write, plan, access, options, io);
    });
}
