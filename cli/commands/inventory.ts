import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { displayName, loadMatrixText } from "../../matrix/checks/pipeline";
import { plural } from "../../matrix/common/words";
import { visible } from "../../matrix/common/visible";
import { loadSnapshotFile, type Snapshot } from "../../matrix/live/snapshot";
import { accountLabel } from "../../matrix/model/accounts";
import { folderFiles } from "../../matrix/read/source";
import { accessFileOf } from "../stacks";
import { takeSnapshot } from "./snapshot";
import { EXIT, FILE_HELP, STACK_HELP, UsageError, type CommandContext } from "./context";

interface InventoryOptions {
  snapshot?: string;
  live?: boolean;
  check?: boolean;
  stack?: string;
}

const SIGN = { add: "+", update: "~", remove: "-", kept: "!" } as const;

/** `inventory`: the file's accounts from AWS Organizations, edited in place for review. */
export function registerInventory(program: Command, { io, load, report, setExitCode }: CommandContext): void {
  program
    .command("inventory")
    .description(
      "update accounts: from AWS Organizations (a snapshot, or --live): new accounts added, OU paths, tags, status and the management account corrected",
    )
    .argument("[file]", FILE_HELP)
    .option("--snapshot <file>", "the snapshot to read Organizations from")
    .option("--live", "take a snapshot first (AWS credentials of the snapshot role)")
    .option("--check", "change nothing; exit 2 when the file's accounts differ from Organizations (for CI)")
    .option("--stack <name>", STACK_HELP)
    .addHelpText(
      "after",
      `\nOnly accounts: changes, field by field: keys, descriptions and comments stay. An account that left the organization
is removed unless an assignment or guardrail names it (then it is reported, and kept).

Exit codes:
  0   done (with --check: the accounts match Organizations)
  1   the access file or the snapshot has problems, or the result would
  2   --check: the accounts differ from Organizations
  64  wrong command line`,
    )
    .action(async (named: string | undefined, o: InventoryOptions) => {
      if (Boolean(o.snapshot) === Boolean(o.live)) throw new UsageError("read Organizations from a snapshot: give --snapshot FILE, or --live to take one now");
      const file = accessFileOf(named, o.stack);
      const loaded = load(file, "nothing was changed");
      if (!loaded) return setExitCode(EXIT.problems);
      let snapshot: Snapshot;
      if (o.snapshot) {
        const read = loadSnapshotFile(o.snapshot, displayName(o.snapshot));
        if (!read.ok) return setExitCode(report(read.problems, "nothing was changed"));
        snapshot = read.value.snapshot;
      } else {
        const taken = await takeSnapshot(loaded.matrix.identityCenter.region, {}, io, "nothing was changed");
        if (!taken) return setExitCode(EXIT.problems);
        snapshot = taken.snapshot;
      }
      // Loaded here: the YAML editor it uses is for this command only, not for every start of sso-access.
      const { applyInventory, inventoryChanges } = await import("../../matrix/live/inventory");
      const changes = inventoryChanges(loaded, snapshot);
      const lines = changes.map((c) => `  ${SIGN[c.kind]} account ${visible(accountLabel(c.key, c.id))}: ${c.details.map(visible).join("; ")}`);
      const edits = changes.filter((c) => c.kind !== "kept");
      if (!changes.length) {
        io.out(`${loaded.file}: the accounts match AWS Organizations.`);
        return setExitCode(EXIT.ok);
      }
      if (o.check) {
        io.out([`${loaded.file}: ${plural(changes.length, "account")} differ from AWS Organizations:`, ...lines].join("\n"));
        return setExitCode(EXIT.changes);
      }
      const text = fs.readFileSync(file, "utf8");
      const updated = applyInventory(text, loaded, snapshot, edits);
      // The edited file must be as valid as the one read: a new account's key could, for one, look like another's.
      const checked = loadMatrixText(updated, loaded.file, folderFiles(path.dirname(path.resolve(file))));
      if (!checked.ok) return setExitCode(report(checked.problems, `the updated accounts would not be valid; ${loaded.file} was not changed`));
      if (edits.length) {
        // Written beside the real file (a link stays a link), with its mode, then renamed over it: whole or not at all.
        const target = fs.realpathSync(file);
        const staged = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
        fs.writeFileSync(staged, updated, { flag: "wx", mode: fs.statSync(target).mode & 0o7777 });
        fs.renameSync(staged, target);
      }
      io.out(
        [
          `${loaded.file}: ${plural(edits.length, "account")} updated from AWS Organizations${edits.length < changes.length ? `, ${changes.length - edits.length} kept` : ""}:`,
          ...lines,
        ].join("\n"),
      );
      setExitCode(EXIT.ok);
    });
}
