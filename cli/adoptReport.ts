import type { Adoption } from "../matrix/live/adopt";
import type { Snapshot } from "../matrix/live/snapshot";
import { TYPE } from "../matrix/expand/plan";
import { md } from "./output";

/**
 * adopt-report.md: what adopt inferred, what it looks up instead of managing, and what it left out, for the
 * reviewer of the adopted file. Every value from the snapshot goes through md(): a snapshot may be forged.
 */
export function adoptReport(snapshot: Snapshot, a: Adoption, infer: boolean): string {
  const total = Object.values(a.adoptFile.resources).reduce((n, r) => n + Object.keys(r).length, 0);
  const memberships = Object.keys(a.adoptFile.resources[TYPE.groupMembership] ?? {}).length;
  const lines = [
    "# Adoption report",
    "",
    `Snapshot of ${md(snapshot.instance.InstanceArn)} (identity store ${md(snapshot.instance.IdentityStoreId)}, ${md(snapshot.region)}).`,
    "",
    `access.yaml was checked and expanded as \`pulumi up\` expands it, and reproduces the snapshot exactly (less what "Left out" lists): ` +
      `${a.plan.assignments.length} assignments, ${memberships} memberships, ${a.plan.users.length} users, ${a.plan.groups.length} groups and ` +
      `${a.plan.permissionSets.length} permission sets. adopt.json holds the import ids of ${total} AWS resources.`,
    "",
    "## Inferred targets",
    "",
  ];
  if (!infer) lines.push("None: written with `--infer none`, every target is a list of accounts.");
  else if (!a.inferred.length) lines.push("None: every target is a list of accounts.");
  else {
    lines.push(
      "These targets are broader than a list of accounts: they will also grant accounts that join them later. Replace one by its account list where that is not intended.",
      "",
    );
    for (const i of a.inferred) lines.push(`- ${md(i.entry)}: ${md(i.target)} (today ${i.accounts.length}: ${md(i.accounts.join(", "))})`);
  }
  lines.push("", "## Looked up, not managed (`external: true`)", "");
  lines.push(...(a.external.length ? a.external.map((e) => `- ${md(e.what)}: ${md(e.why)}`) : ["None."]));
  lines.push("", "## Left out", "");
  lines.push(...(a.leftOut.length ? a.leftOut.map((e) => `- ${md(e.what)}: ${md(e.why)}`) : ["Nothing: the file holds everything in the snapshot."]));
  return `${lines.join("\n")}\n`;
}
