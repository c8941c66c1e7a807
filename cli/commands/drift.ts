import { Option, type Command } from "commander";
import { expand } from "../../matrix/expand/expand";
import { driftOf } from "../../matrix/live/drift";
import { loadSnapshotFile } from "../../matrix/live/snapshot";
import { displayName } from "../../matrix/checks/pipeline";
import { DRIFT_FORMATS, renderDriftJson, renderDriftMarkdown, renderDriftText, type DriftFormat } from "../driftOutput";
import { accessFileOf } from "../stacks";
import type { Snapshot } from "../../matrix/live/snapshot";
import { takeSnapshot } from "./snapshot";
import { EXIT, FILE_HELP, STACK_HELP, UsageError, type CommandContext } from "./context";

interface DriftOptions {
  snapshot?: string;
  live?: boolean;
  stack?: string;
  format: DriftFormat;
}

/** `drift`: how a live Identity Center (a snapshot) differs from the access file. */
export function registerDrift(program: Command, { io, paint, load, report, setExitCode }: CommandContext): void {
  program
    .command("drift")
    .description("how a live Identity Center (a snapshot) differs from the access file: changes made by hand, in people's terms")
    .argument("[file]", FILE_HELP)
    .option("--snapshot <file>", "the snapshot of the live Identity Center (sso-access snapshot, or any JSON in its format)")
    .option("--live", "take a snapshot first (AWS credentials of the snapshot role; the region is the file's identityCenter.region)")
    .option("--stack <name>", STACK_HELP)
    .addOption(new Option("--format <format>", "text for a terminal, markdown for an issue, json for programs").choices(DRIFT_FORMATS).default("text"))
    .addHelpText(
      "after",
      `

Exit codes:
  0   no drift: AWS matches the access file
  1   the access file or the snapshot has problems
  2   drift
  3   internal error (a bug: please report it; SSO_ACCESS_DEBUG=1 shows the stack)
  64  wrong command line`,
    )
    .action(async (named: string | undefined, o: DriftOptions) => {
      if (Boolean(o.snapshot) === Boolean(o.live)) throw new UsageError("compare with a snapshot: give --snapshot FILE, or --live to take one now");
      const loaded = load(accessFileOf(named, o.stack), "nothing was compared");
      if (!loaded) return setExitCode(EXIT.problems);
      let snapshot: Snapshot;
      let shownSnapshot: string;
      if (o.snapshot) {
        shownSnapshot = displayName(o.snapshot);
        const read = loadSnapshotFile(o.snapshot, shownSnapshot);
        if (!read.ok) return setExitCode(report(read.problems, "nothing was compared"));
        snapshot = read.value.snapshot;
      } else {
        const region = loaded.matrix.identityCenter.region;
        const taken = await takeSnapshot(region, {}, io, "nothing was compared");
        if (!taken) return setExitCode(EXIT.problems);
        snapshot = taken.snapshot;
        shownSnapshot = `AWS now (${region})`;
      }
      const drift = driftOf(loaded, expand(loaded), snapshot);
      const render = {
        text: () => renderDriftText(drift, loaded.file, shownSnapshot, paint),
        markdown: () => renderDriftMarkdown(drift, loaded.file, shownSnapshot),
        json: () => renderDriftJson(drift, loaded.file, shownSnapshot),
      };
      io.out(render[o.format]());
      setExitCode(drift.drifted ? EXIT.changes : EXIT.ok);
    });
}
