import { Option, type Command } from "commander";
import { expand } from "../../matrix/expand/expand";
import { WHO_FORMATS, WHO_VIEWS, writeWho, whoReport, type WhoFormat, type WhoView } from "../who";
import { chunkedOutput } from "../output";
import { accessFileOf } from "../stacks";
import { FILE_HELP, STACK_HELP, EXIT, EXIT_CODES, collect, type CommandContext } from "./context";

interface WhoOptions {
  by: WhoView;
  user?: string[];
  group?: string[];
  account?: string[];
  permissionSet?: string[];
  format: WhoFormat;
  stack?: string;
}

/** `who`: effective access, by user, account or permission set, with filters. */
export function registerWho(program: Command, { io, paint, load, setExitCode }: CommandContext): void {
  program
    .command("who")
    .description("effective access: each user's accounts and permission sets, and the group (or direct assignment) they come through")
    .argument("[file]", FILE_HELP)
    .option("--stack <name>", STACK_HELP)
    .addOption(new Option("--by <view>", "one row per user, grouped by user, account or permission set").choices(WHO_VIEWS).default("user"))
    .option("--user <name>", "only this user (repeat for several)", collect)
    .option("--group <key>", "only access through this group (repeat for several)", collect)
    .option("--account <name-or-id>", "only this account (repeat for several)", collect)
    .option("--permission-set <name>", "only this permission set (repeat for several)", collect)
    .addOption(new Option("--format <format>", "output format").choices(WHO_FORMATS).default("table"))
    .addHelpText("after", `\nFilters of different kinds combine (and); repeated filters of one kind add up (or).${EXIT_CODES}`)
    .action((named: string | undefined, o: WhoOptions) => {
      const file = accessFileOf(named, o.stack);
      const loaded = load(file, "nothing was reported");
      if (!loaded) return setExitCode(EXIT.problems);
      const filters = { users: o.user ?? [], groups: o.group ?? [], accounts: o.account ?? [], permissionSets: o.permissionSet ?? [] };
      const report = whoReport(loaded, expand(loaded), filters, o.by);
      const output = chunkedOutput(io, o.format === "csv" ? "\r\n" : "\n");
      writeWho(report, o.format, paint, output.line);
      output.end();
    });
}
