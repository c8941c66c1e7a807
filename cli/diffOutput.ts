import { structuredPatch } from "diff";
import { groupBy } from "../matrix/common/order";
import { visible } from "../matrix/common/visible";
import { plural } from "../matrix/common/words";
import type { Value } from "../matrix/expand/plan";
import type { AccessDiff, AssignmentChange, EntityChanges, FieldChange, PermissionSetChange } from "../matrix/review/diff";
import { accountLabel } from "../matrix/model/accounts";
import { md, renderMarkdownTable, type Paint } from "./output";

/**
 * Renders an access diff for a terminal (text), a pull request comment (markdown) or a program (json). Text and
 * Markdown are two views of one walk over the diff's sections (`sections`): what is shown, in which order and
 * under which title is decided once.
 */

export const DIFF_FORMATS = ["text", "markdown", "json"] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/** The first line of a pull request comment, so a workflow can find and update its earlier comment. */
export const COMMENT_MARKER = "<!-- sso-access diff -->";

/** A value as one line of text: hidden characters and line breaks escaped (a description cannot start a line of its own). */
function show(value: Value | null | undefined): string {
  return visible(shown(value));
}

function shown(value: Value | null | undefined): string {
  if (value === null || value === undefined) return "(none)";
  if (Array.isArray(value)) return value.length ? value.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join(", ") : "(an empty list)";
  if (typeof value === "object") {
    const entries = Object.entries(value);
    return entries.length ? entries.map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`).join(", ") : "(an empty map)";
  }
  return String(value);
}

/** `session duration PT8H -> PT4H`, `managed policies + IAMReadOnlyAccess, - ReadOnlyAccess`, `inline policy changed`. */
export function describeChange(c: FieldChange, arrow: string): string {
  if (c.kind === "list") return `${c.label} ${[...(c.added ?? []).map((p) => `+ ${p}`), ...(c.removed ?? []).map((p) => `- ${p}`)].join(", ")}`;
  if (c.kind === "document") return `${c.label} ${c.from == null ? "added" : c.to == null ? "removed" : "changed"}`;
  return `${c.label} ${show(c.from)} ${arrow} ${show(c.to)}`;
}

/** What the removal guard will do with this change, when the stack's last deployment is the old file. */
function guardNote(guard: NonNullable<AccessDiff["removalGuard"]>): string {
  return `Removal guard: pulumi up will stop (${guard.reasons.join("; ")}) unless the stack allows exactly this removal: pulumi config set sso-access:allowRemovals ${guard.fingerprint} (with the default limits, when the last deployment is the old file).`;
}

/** A short line diff of two inline policies, pretty-printed, with two lines of context. */
export function policyDiff(from: Value | null | undefined, to: Value | null | undefined): string[] {
  const pretty = (v: Value | null | undefined) => {
    if (typeof v !== "string") return "";
    try {
      return `${JSON.stringify(JSON.parse(v), null, 2)}\n`;
    } catch {
      return `${v}\n`;
    }
  };
  const patch = structuredPatch("before", "after", pretty(from), pretty(to), "", "", { context: 2 });
  return patch.hunks.flatMap((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines.filter((l) => !l.startsWith("\\"))]);
}

function reaches(users: readonly string[] | null): string {
  if (users === null) return "members of an external group (managed outside access.yaml)";
  return users.length ? users.join(", ") : "no one yet (the group has no members)";
}

function principal(a: AssignmentChange): string {
  return `${a.principalType === "GROUP" ? "group" : "user"} ${a.principalName}`;
}

function setReach(s: PermissionSetChange): string {
  const where = s.accounts.length ? s.accounts.map((a) => accountLabel(a.name, a.id)).join(", ") : "no account";
  const who = s.people.length ? s.people.join(", ") : "no one";
  const external = s.externalGroups.length ? `; external groups ${s.externalGroups.join(", ")}` : "";
  return `${s.kind === "removed" ? "reached" : "reaches"} ${where}; people: ${who}${external}`;
}

type Sign = "+" | "-" | "~";

/** One line of a section: a heading (no sign) or a change. */
interface Item {
  readonly sign?: Sign;
  /** The line as the text view prints it (the Markdown view escapes it). */
  readonly text: string;
  /** Text view: under a heading. */
  readonly nested?: boolean;
  /** Markdown view: the item's row, when the section is a table. */
  readonly cells?: readonly string[];
  /** Markdown view: the bullet, already escaped, when it differs from the escaped text. */
  readonly bullet?: string;
  /** A second line under the item. */
  readonly detail?: string;
  /** A line diff under the item (an inline policy). */
  readonly code?: readonly string[];
}

interface Section {
  readonly title: string;
  /** Markdown heading, when it differs from the title. */
  readonly heading?: string;
  /** Markdown: a sentence under the heading. */
  readonly note?: string;
  /** Markdown: the section is a table of its items' cells. */
  readonly columns?: readonly string[];
  /** Markdown: a second view of the section before, folded away. */
  readonly folded?: boolean;
  readonly items: readonly Item[];
}

const where = (a: { accountName: string; accountId: string }) => accountLabel(a.accountName, a.accountId);

function entityItems(kind: string, e: EntityChanges, arrow: string): Item[] {
  return [
    ...e.added.map((n): Item => ({ sign: "+", text: `${kind} ${n} added` })),
    ...e.removed.map((n): Item => ({ sign: "-", text: `${kind} ${n} removed` })),
    ...e.changed.map((c): Item => ({ sign: "~", text: `${kind} ${c.name}: ${c.changes.map((x) => describeChange(x, arrow)).join("; ")}` })),
  ];
}

/** Access gained and lost, by who holds it: a heading per holder, a line per grant. */
/** People who change alike, named once: `jane.doe`, or `ana, ben (2 people, the same change)`. */
function people(users: readonly string[]): string {
  return users.length === 1 ? users[0] : `${users.join(", ")} (${users.length} people, the same change)`;
}

function holderItems<T>(
  holders: readonly { gained: readonly T[]; lost: readonly T[] }[],
  heading: (i: number) => string,
  line: (t: T) => string,
  cells: (i: number, change: "gains" | "loses", t: T) => string[],
): Item[] {
  return holders.flatMap((h, i) => [
    { text: heading(i) },
    ...h.gained.map((t): Item => ({ sign: "+", text: line(t), nested: true, cells: cells(i, "gains", t) })),
    ...h.lost.map((t): Item => ({ sign: "-", text: line(t), nested: true, cells: cells(i, "loses", t) })),
  ]);
}

function assignmentSections(d: AccessDiff): Section[] {
  return (
    [
      ["Assignments granted", d.granted, "+"],
      ["Assignments revoked", d.revoked, "-"],
    ] as const
  ).flatMap(([title, list, sign]): Section[] => {
    if (!list.length) return [];
    const byPrincipal = groupBy(list, principal).flatMap(([who, items]) => [
      { text: `${who}: reaches ${reaches(items[0].users)}` },
      ...items.map((a): Item => ({ sign, text: `${a.permissionSet} in ${where(a)}`, nested: true, cells: [who, a.permissionSet, where(a), reaches(a.users)] })),
    ]);
    const byAccount = groupBy(list, (a) => `${a.accountName}\u0000${a.accountId}`).flatMap(([, items]) => [
      { text: where(items[0]) },
      ...items.map((a): Item => ({ sign, text: `${principal(a)}: ${a.permissionSet}`, nested: true, cells: [where(a), principal(a), a.permissionSet] })),
    ]);
    return [
      {
        title: `${title} (${list.length}), by principal`,
        heading: `${title} (${list.length})`,
        columns: ["Principal", "Permission set", "Account", "Reaches"],
        items: byPrincipal,
      },
      { title: `${title}, by account`, folded: true, columns: ["Account", "Principal", "Permission set"], items: byAccount },
    ];
  });
}

/** The sections of a diff, in the order both views show them; `arrow` is how a value change reads (-> or →). */
function sections(d: AccessDiff, arrow: string): Section[] {
  const changes = (list: readonly FieldChange[]) => list.map((c): Item => ({ sign: "~", text: describeChange(c, arrow) }));
  const named = d.people.map((p) => people(p.users));
  const all: Section[] = [
    { title: `Stack ${d.stack?.name ?? ""} (what pulumi up deploys, and how)`, items: changes(d.stack?.changes ?? []) },
    { title: "Guardrails", items: changes(d.guardrails) },
    { title: "Identity Center", items: changes(d.settings) },
    {
      title: "People",
      heading: "Who gains and loses access",
      columns: ["Person", "Change", "Permission set", "Account", "Through"],
      items: holderItems(
        d.people,
        (i) => named[i],
        (a) => `${a.permissionSet} in ${where(a)} via ${a.via}`,
        (i, change, a) => [named[i], change, a.permissionSet, where(a), a.via],
      ),
    },
    {
      title: "External groups (members managed outside access.yaml)",
      heading: "External groups",
      note: "Their members are managed outside access.yaml; everyone in them is affected.",
      columns: ["Group", "Change", "Permission set", "Account"],
      items: holderItems(
        d.externalGroups,
        (i) =>
          `${d.externalGroups[i].group}${d.externalGroups[i].displayName !== d.externalGroups[i].group ? ` ("${visible(d.externalGroups[i].displayName)}")` : ""}`,
        (a) => `${a.permissionSet} in ${where(a)}`,
        (i, change, a) => [d.externalGroups[i].group, change, a.permissionSet, where(a)],
      ),
    },
    ...assignmentSections(d),
    {
      title: "Memberships",
      items: d.memberships.flatMap((m) => [
        ...m.added.map((u): Item => ({ sign: "+", text: `${u} joins ${m.group}` })),
        ...m.removed.map((u): Item => ({ sign: "-", text: `${u} leaves ${m.group}` })),
      ]),
    },
    {
      title: "Users, groups and accounts",
      items: [...entityItems("user", d.users, arrow), ...entityItems("group", d.groups, arrow), ...entityItems("account", d.accounts, arrow)],
    },
    {
      title: "Permission sets",
      items: d.permissionSets.map((s): Item => {
        const what = s.kind === "changed" ? `: ${s.changes.map((c) => describeChange(c, arrow)).join("; ")}` : ` ${s.kind}`;
        return {
          sign: s.kind === "added" ? "+" : s.kind === "removed" ? "-" : "~",
          text: `${s.name}${what}`,
          bullet: `**${md(s.name)}**${md(what)}`,
          detail: setReach(s),
          code: s.changes.filter((c) => c.kind === "document").flatMap((c) => policyDiff(c.from, c.to)),
        };
      }),
    },
    {
      title: "Other declared changes (each replaces the resource)",
      items: d.resources.map((r): Item => ({ sign: "~", text: `${r.key}: ${r.changes.map((c) => describeChange(c, arrow)).join("; ")}` })),
    },
  ];
  return all.filter((section) => section.items.length > 0);
}

export function renderDiffText(d: AccessDiff, before: string, after: string, paint: Paint): string {
  const lines: string[] = [paint("bold", `Access changes: ${before} -> ${after}`), paint(d.privilegedGains.length ? "yellow" : "bold", d.risk)];
  const colour = { "+": "green", "-": "red", "~": "yellow" } as const;
  if (d.removalGuard) lines.push("", paint("yellow", guardNote(d.removalGuard)));
  for (const section of sections(d, "->")) {
    lines.push("", paint("bold", section.title));
    for (const item of section.items) {
      const indent = item.nested ? "    " : "  ";
      lines.push(indent + (item.sign ? paint(colour[item.sign], `${item.sign} ${item.text}`) : item.text));
      if (item.detail) lines.push(`      ${item.detail}`);
      for (const l of item.code ?? []) {
        lines.push(`      ${l.startsWith("+") ? paint("green", l) : l.startsWith("-") ? paint("red", l) : l.startsWith("@@") ? paint("dim", l) : l}`);
      }
    }
  }
  return lines.join("\n");
}

export function renderDiffMarkdown(d: AccessDiff, before: string, after: string): string {
  const out: string[] = [COMMENT_MARKER, "### Access changes", "", `**${md(d.risk)}**`];
  if (d.removalGuard) out.push("", `> [!WARNING]`, `> ${md(guardNote(d.removalGuard))}`);
  for (const section of sections(d, "→")) {
    const rows = section.items.filter((i) => i.cells).map((i) => i.cells!);
    if (section.folded) {
      out.push("", "<details><summary>By account</summary>", "", renderMarkdownTable(section.columns!, rows), "", "</details>");
      continue;
    }
    out.push("", `#### ${section.heading ?? section.title}`, "");
    if (section.note) out.push(section.note, "");
    if (section.columns) {
      out.push(renderMarkdownTable(section.columns, rows));
      continue;
    }
    for (const item of section.items) {
      out.push(`- ${item.bullet ?? md(item.text)}`);
      if (item.detail) out.push(`  <br>${md(item.detail)}`);
      if (item.code?.length) out.push("", "  ```diff", ...item.code.map((l) => `  ${l}`), "  ```");
    }
  }
  out.push(
    "",
    `<sub>${plural(d.granted.length, "assignment")} granted, ${d.revoked.length} revoked. Compared ${md(before)} with ${md(after)} by sso-access; pulumi preview lists the resources.</sub>`,
  );
  return out.join("\n");
}

export function renderDiffJson(d: AccessDiff, before: string, after: string): string {
  return JSON.stringify({ before, after, ...d }, null, 2);
}
