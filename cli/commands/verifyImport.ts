import type { Command } from "commander";
import { displayName } from "../../matrix/checks/pipeline";
import { plural } from "../../matrix/common/words";
import { visible } from "../../matrix/common/visible";
import { verifyImport } from "../../matrix/live/verifyImport";
import { EXIT, EXIT_CODES, type CommandContext } from "./context";

/** `verify-import`: proves from `pulumi preview --json` that adopting changes nothing. */
export function registerVerifyImport(program: Command, { io, report, setExitCode }: CommandContext): void {
  program
    .command("verify-import")
    .description("check the output of pulumi preview --json of an adopting stack: every AWS resource imported with no difference, nothing else changed")
    .argument("<preview>", "the file pulumi preview --json wrote")
    .addHelpText(
      "after",
      `\nExample:\n  pulumi preview --json > preview.json && sso-access verify-import preview.json${EXIT_CODES.replace("the access matrix has problems, or a file to write conflicts", "the preview changes more than it imports, or the file has problems")}`,
    )
    .action((file: string) => {
      const result = verifyImport(file, displayName(file));
      if (!result.ok) return setExitCode(report(result.problems, "nothing was verified"));
      const { imported, failures } = result.value;
      if (failures.length) {
        io.err(
          [`${plural(failures.length, "step")} would change AWS beyond importing; do not run pulumi up:`, ...failures.map((f) => `  ${visible(f)}`)].join("\n"),
        );
        return setExitCode(EXIT.problems);
      }
      io.out(`${plural(imported, "AWS resource")} imported with no difference; nothing is created, updated, replaced or deleted.`);
      setExitCode(EXIT.ok);
    });
}
