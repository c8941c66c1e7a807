import * as fs from "node:fs";
import * as path from "node:path";
import { Option, type Command } from "commander";
import { adopt } from "../../matrix/live/adopt";
import { loadSnapshotFile } from "../../matrix/live/snapshot";
import { displayName } from "../../matrix/checks/pipeline";
import { plural } from "../../matrix/common/words";
import { adoptReport } from "../adoptReport";
import { EXIT, EXIT_CODES, UsageError, type CommandContext } from "./context";

interface AdoptOptions {
  snapshot: string;
  out: string;
  infer: "all" | "none";
  startUrl?: string;
}

/** `adopt`: an access file, import ids and a report from a snapshot of a live Identity Center, proved before written. */
export function registerAdopt(program: Command, { io, report, setExitCode }: CommandContext): void {
  program
    .command("adopt")
    .description("write access.yaml, adopt.json (import ids) and adopt-report.md from a snapshot of a live Identity Center")
    .requiredOption("--snapshot <file>", "the snapshot (sso-access snapshot, or any JSON in its format)")
    .requiredOption("--out <dir>", "a new or empty folder to write into")
    .addOption(
      new Option("--infer <targets>", "all: infer every-account, OU and tag targets where exact and shorter; none: account lists only")
        .choices(["all", "none"])
        .default("all"),
    )
    .option("--start-url <url>", "the AWS access portal URL (default: https://<identity store id>.awsapps.com/start)")
    .addHelpText(
      "after",
      `\nNothing is written unless the written file, checked and expanded as pulumi up expands it, reproduces the snapshot
exactly. What the format cannot hold (assignments of deleted principals, suspended accounts) is listed in the report.${EXIT_CODES}`,
    )
    .action((o: AdoptOptions) => {
      const loaded = loadSnapshotFile(o.snapshot, displayName(o.snapshot));
      if (!loaded.ok) return setExitCode(report(loaded.problems, "nothing was written"));
      const out = path.resolve(o.out);
      if (fs.existsSync(out) && (!fs.statSync(out).isDirectory() || fs.readdirSync(out).length > 0))
        throw new UsageError(`${o.out} is not an empty folder; adopt writes a new folder and never replaces files`);
      const adoption = adopt(loaded.value.snapshot, { infer: o.infer === "all", ...(o.startUrl ? { startUrl: o.startUrl } : {}) });
      const files = new Map(adoption.files);
      files.set("adopt.json", `${JSON.stringify(adoption.adoptFile, null, 2)}\n`);
      files.set("adopt-report.md", adoptReport(loaded.value.snapshot, adoption, o.infer === "all"));
      writeFolder(out, files);
      const ids = Object.values(adoption.adoptFile.resources).reduce((n, r) => n + Object.keys(r).length, 0);
      io.out(
        [
          `Wrote ${path.join(o.out, "access.yaml")}: ${plural(adoption.plan.assignments.length, "assignment")}, ${plural(adoption.plan.users.length, "user")}, ${plural(adoption.plan.groups.length, "group")}, ${plural(adoption.plan.permissionSets.length, "permission set")}; it reproduces the snapshot exactly.`,
          `Wrote ${path.join(o.out, "adopt.json")}: import ids of ${plural(ids, "AWS resource")}.`,
          `Wrote ${path.join(o.out, "adopt-report.md")}: ${plural(adoption.inferred.length, "inferred target")}, ${plural(adoption.external.length, "lookup")} (external), ${adoption.leftOut.length} left out. Review it before the first pulumi up.`,
        ].join("\n"),
      );
      setExitCode(EXIT.ok);
    });
}

/** Every file in a staging folder beside `out`, then the folder renamed into place: all of it or nothing. */
function writeFolder(out: string, files: ReadonlyMap<string, string>): void {
  const staging = path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}.tmp`);
  try {
    for (const [relative, text] of files) {
      const file = path.join(staging, relative);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text, { flag: "wx" });
    }
    if (fs.existsSync(out)) fs.rmdirSync(out);
    fs.renameSync(staging, out);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
