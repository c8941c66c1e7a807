import type { Command } from "commander";
import { expand } from "../../matrix/expand/expand";
import { renderPlanText, writePlanJson } from "../planOutput";
import { accessFileOf } from "../stacks";
import { FILE_HELP, STACK_HELP, EXIT, EXIT_CODES, type CommandContext } from "./context";

/** `plan`: what the Pulumi program would declare. */
export function registerPlan(program: Command, { io, load, setExitCode }: CommandContext): void {
  program
    .command("plan")
    .description("print what the Pulumi program would declare: resources by type and one line per assignment")
    .argument("[file]", FILE_HELP)
    .option("--stack <name>", STACK_HELP)
    .option("--json", "print one JSON object: every resource with its inputs, the lookups and the assignments")
    .addHelpText("after", EXIT_CODES)
    .action((named: string | undefined, options: { json?: boolean; stack?: string }) => {
      const file = accessFileOf(named, options.stack);
      const loaded = load(file, "nothing was planned");
      if (!loaded) return setExitCode(EXIT.problems);
      const plan = expand(loaded);
      if (!options.json) return io.out(renderPlanText(plan, loaded.file));
      // Written in pieces: the JSON of a large organization is tens of megabytes.
      writePlanJson(plan, loaded.file, io.out);
    });
}
