import type { Drift, DriftAssignment } from "../matrix/live/drift";
import type { EntityDifferences } from "../matrix/live/state";
import { accountLabel } from "../matrix/model/accounts";
import { visible } from "../matrix/common/visible";
import { plural } from "../matrix/common/words";
import { md, printableJson, type Paint } from "./output";

/**
 * Renders drift for a terminal (text), an issue or a pull request (markdown) or a program (json). Text and
 * Markdown are two views of one list of sections: what is shown, in which order and under which title is decided
 * once (sections()).
 */

export const DRIFT_FORMATS = ["text", "markdown", "json"] as const;
export type DriftFormat = (typeof DRIFT_FORMATS)[number];

/** A section: its title and its lines, each line made of plain text and values (escaped by each view). */
type Piece = string | { readonly value: string };
interface Section {
  readonly title: string;
  /** How the summary line counts it. */
  readonly short: string;
  readonly lines: readonly Piece[][];
}

const v = (value: string): Piece => ({ value });
const who = (a: DriftAssignment): Piece[] => [
  `${a.principalType === "GROUP" ? "group" : "user"} `,
  v(a.principal),
  ": ",
  v(a.permissionSet),
  " in ",
  v(accountLabel(a.account.name, a.account.id)),
];

function entitySection(title: string, kind: string, e: EntityDifferences): Section {
  return {
    title,
    short: title.toLowerCase(),
    lines: [
      ...e.onlyLive.map((n) => [`+ ${kind} `, v(n), " exists in AWS, not in the file (made by hand)"]),
      ...e.onlyDeclared.map((n) => [`- ${kind} `, v(n), " is in the file, not in AWS"]),
      ...e.changed.map((c): Piece[] =>
        c.added || c.removed
          ? [
              `~ ${kind} `,
              v(c.name),
              `: ${c.field} in AWS `,
              ...[...(c.added ?? []).map((p) => `+ ${p}`), ...(c.removed ?? []).map((p) => `- ${p}`)].flatMap((p, i) => [i ? ", " : "", v(p)]),
            ]
          : [`~ ${kind} `, v(c.name), `: ${c.field} `, v(c.declared ?? "(none)"), " in the file, ", v(c.live ?? "(none)"), " in AWS"],
      ),
    ],
  };
}

function sections(d: Drift): Section[] {
  const out: Section[] = [
    {
      title: "Identity Center",
      short: "region",
      lines: d.region
        ? [["the snapshot is of region ", v(d.region.snapshot), "; the file declares ", v(d.region.file), ": compare a snapshot of the file's region"]]
        : [],
    },
    {
      title: "Assignments",
      short: "assignments",
      lines: [
        ...d.assignments.madeByHand.map((a) => ["+ ", ...who(a), " (made by hand)"]),
        ...d.assignments.missing.map((a) => ["- ", ...who(a), " (in the file, not in AWS)"]),
      ],
    },
    {
      title: "Group memberships",
      short: "memberships",
      lines: [
        ...d.memberships.madeByHand.map(([g, u]) => ["+ ", v(u), " in group ", v(g), " (made by hand)"]),
        ...d.memberships.missing.map(([g, u]) => ["- ", v(u), " in group ", v(g), " (in the file, not in AWS)"]),
      ],
    },
    entitySection("Permission sets", "permission set", d.permissionSets),
    entitySection("Attributes for access control", "attribute", d.accessControlAttributes),
    entitySection("Groups", "group", d.groups),
    entitySection("Users", "user", d.users),
    { title: "Principals that no longer exist", short: "deleted principals", lines: d.orphans.map((o) => [v(o)]) },
    {
      title: "Account inventory (AWS Organizations)",
      short: "account inventory",
      lines: [
        ...d.inventory.notInOrganization.map((a) => ["- account ", v(accountLabel(a.name, a.id)), " is in the file, not in the organization"]),
        ...d.inventory.differs.map((f) => [
          "~ account ",
          v(accountLabel(f.account.name, f.account.id)),
          `: ${f.fact} `,
          v(f.file),
          " in the file, ",
          v(f.organizations),
          " in Organizations",
        ]),
        ...d.inventory.notInFile.map((a) => [
          "+ account ",
          v(accountLabel(a.name, a.id)),
          " is in the organization, not in the file's inventory: no target reaches it",
        ]),
      ],
    },
  ];
  return out.filter((s) => s.lines.length > 0);
}

function summary(d: Drift): string {
  if (!d.drifted) return "No drift: AWS matches the access file.";
  const s = sections(d);
  return `Drift: ${s.map((x) => `${x.short} (${plural(x.lines.length, "difference")})`).join(", ")}.`;
}

export function renderDriftText(d: Drift, file: string, snapshot: string, paint: Paint): string {
  const text = (line: Piece[]) => line.map((p) => (typeof p === "string" ? p : visible(p.value))).join("");
  const lines = [paint("bold", `Drift: ${visible(snapshot)} (AWS) against ${visible(file)}`), summary(d)];
  for (const s of sections(d)) lines.push("", paint("bold", s.title), ...s.lines.map((l) => `  ${text(l)}`));
  return lines.join("\n");
}

export function renderDriftMarkdown(d: Drift, file: string, snapshot: string): string {
  const text = (line: Piece[]) => line.map((p) => md(typeof p === "string" ? p : p.value)).join("");
  const lines = [`### Drift: ${md(snapshot)} (AWS) against ${md(file)}`, "", md(summary(d))];
  for (const s of sections(d)) lines.push("", `#### ${s.title}`, "", ...s.lines.map((l) => `- ${text(l)}`));
  return lines.join("\n");
}

export function renderDriftJson(d: Drift, file: string, snapshot: string): string {
  return printableJson({ file, snapshot, ...d });
}
