import type { Command } from "commander";
import { checkWarnings } from "../../matrix/checks/warnings";
import { formatProblem, sortProblems } from "../../matrix/common/problems";
import { expand } from "../../matrix/expand/expand";
import { profileNameWarnings } from "../../matrix/review/profileNames";
import { summarize } from "../planOutput";
import { accessFileOf } from "../stacks";
import { FILE_HELP, STACK_HELP, EXIT, EXIT_CODES, type CommandContext } from "./context";

/** `check`: validate the access matrix, optionally with warnings. */
export function registerCheck(program: Command, { io, load, setExitCode }: CommandContext): void {
  program
    .command("check")
    .description("validate the access matrix; every problem is printed as file:line:column  path  message")
    .argument("[file]", FILE_HELP)
    .option("--stack <name>", STACK_HELP)
    .option("--warnings", "also report what is allowed but likely a mistake (exit code unchanged)")
    .addHelpText(
      "after",
      `\nWarnings: more than 10 policies on a set (IAM's default per role), sets assigned nowhere, groups with no members\nand no assignments, users in no group, two profiles of a user that aws-config's default template names alike.${EXIT_CODES}`,
    )
    .action((named: string | undefined, o: { warnings?: boolean; stack?: string }) => {
      const file = accessFileOf(named, o.stack);
      const loaded = load(file);
      if (!loaded) return setExitCode(EXIT.problems);
      const plan = expand(loaded);
      const s = summarize(plan);
      if (o.warnings) {
        const found = sortProblems([...checkWarnings(loaded, new Set(plan.assignments.map((a) => a.permissionSet))), ...profileNameWarnings(loaded, plan)]);
        if (found.length) io.err(found.map(formatProblem).join("\n"));
      }
      io.out(
        `${loaded.file}: valid (${s.accounts} accounts, ${s.permissionSets} permission sets, ${s.groups} groups, ${s.users} users, ${s.assignments} assignments)`,
      );
    });
}
