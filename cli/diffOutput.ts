import { structuredPatch } from "diff";
import type { AccessDiff, AssignmentChange, EntityChanges, FieldChange, PermissionSetChange } from "../matrix/review/diff";
import { groupBy } from "../matrix/common/order";
import { plural } from "../matrix/common/words";
import { byText } from "../matrix/common/order";
import type { Value } from "../matrix/expand/plan";
import { accountLabel, md, renderMarkdownTable, type Paint } from "./output";

/** Renders an access diff for a terminal (text), a pull request comment (markdown) or a program (json). */

export const DIFF_FORMATS = ["text", "markdown", "json"] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/** The first line of a pull request comment, so a workflow can find and update its earlier comment. */
export const COMMENT_MARKER = "<!-- sso-access diff -->";

function show(value: Value | null | undefined): string {
  if (value === null || value === undefined) return "(none)";
  if (typeof value === "object" && !Array.isArray(value)) {
    return (
      Object.entries(value)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(", ") || "(none)"
    );
  }
  return Array.isArray(value) ? value.join(", ") : String(value);
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
  const pretty = (v: Value | null | undefined) => (typeof v === "string" ? `${JSON.stringify(JSON.parse(v), null, 2)}\n` : "");
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

function entityLines(kind: string, e: EntityChanges, arrow: string): { sign: "+" | "-" | "~"; text: string }[] {
  return [
    ...e.added.map((n) => ({ sign: "+" as const, text: `${kind} ${n} added` })),
    ...e.removed.map((n) => ({ sign: "-" as const, text: `${kind} ${n} removed` })),
    ...e.changed.map((c) => ({ sign: "~" as const, text: `${kind} ${c.name}: ${c.changes.map((x) => describeChange(x, arrow)).join("; ")}` })),
  ];
}

export function renderDiffText(d: AccessDiff, before: string, after: string, paint: Paint): string {
  const lines: string[] = [paint("bold", `Access changes: ${before} -> ${after}`), paint(d.privilegedGains.length ? "yellow" : "bold", d.risk)];
  const section = (title: string) => lines.push("", paint("bold", title));
  const signed = (sign: "+" | "-" | "~", text: string, indent = "  ") =>
    lines.push(indent + (sign === "+" ? paint("green", `+ ${text}`) : sign === "-" ? paint("red", `- ${text}`) : paint("yellow", `~ ${text}`)));

  if (d.removalGuard) lines.push("", paint("yellow", guardNote(d.removalGuard)));
  if (d.guardrails.length) {
    section("Guardrails");
    for (const c of d.guardrails) signed("~", describeChange(c, "->"));
  }
  if (d.settings.length) {
    section("Identity Center");
    for (const c of d.settings) signed("~", describeChange(c, "->"));
  }
  if (d.people.length) {
    section("People");
    for (const p of d.people) {
      lines.push(`  ${p.user}`);
      for (const a of p.gained) signed("+", `${a.permissionSet} in ${accountLabel(a.accountName, a.accountId)} via ${a.via}`, "    ");
      for (const a of p.lost) signed("-", `${a.permissionSet} in ${accountLabel(a.accountName, a.accountId)} via ${a.via}`, "    ");
    }
  }
  if (d.externalGroups.length) {
    section("External groups (members managed outside access.yaml)");
    for (const g of d.externalGroups) {
      lines.push(`  ${g.group}${g.displayName !== g.group ? ` ("${g.displayName}")` : ""}`);
      for (const a of g.gained) signed("+", `${a.permissionSet} in ${accountLabel(a.accountName, a.accountId)}`, "    ");
      for (const a of g.lost) signed("-", `${a.permissionSet} in ${accountLabel(a.accountName, a.accountId)}`, "    ");
    }
  }
  for (const [title, list, sign] of [
    ["Assignments granted", d.granted, "+"],
    ["Assignments revoked", d.revoked, "-"],
  ] as const) {
    if (!list.length) continue;
    section(`${title} (${list.length}), by principal`);
    for (const [who, items] of groupBy(list, principal)) {
      lines.push(`  ${who}: reaches ${reaches(items[0].users)}`);
      for (const a of items) signed(sign, `${a.permissionSet} in ${accountLabel(a.accountName, a.accountId)}`, "    ");
    }
    section(`${title}, by account`);
    for (const [, items] of groupBy(list, (a) => `${a.accountName}\u0000${a.accountId}`)) {
      lines.push(`  ${accountLabel(items[0].accountName, items[0].accountId)}`);
      for (const a of items) signed(sign, `${principal(a)}: ${a.permissionSet}`, "    ");
    }
  }
  if (d.memberships.length) {
    section("Memberships");
    for (const m of d.memberships) {
      for (const u of m.added) signed("+", `${u} joins ${m.group}`);
      for (const u of m.removed) signed("-", `${u} leaves ${m.group}`);
    }
  }
  const entities = [...entityLines("user", d.users, "->"), ...entityLines("group", d.groups, "->"), ...entityLines("account", d.accounts, "->")];
  if (entities.length) {
    section("Users, groups and accounts");
    for (const e of entities) signed(e.sign, e.text);
  }
  if (d.permissionSets.length) {
    section("Permission sets");
    for (const s of d.permissionSets) {
      const sign = s.kind === "added" ? "+" : s.kind === "removed" ? "-" : "~";
      signed(sign, s.kind === "changed" ? `${s.name}: ${s.changes.map((c) => describeChange(c, "->")).join("; ")}` : `${s.name} ${s.kind}`);
      lines.push(`      ${setReach(s)}`);
      for (const document of s.changes.filter((c) => c.kind === "document")) {
        for (const l of policyDiff(document.from, document.to)) {
          lines.push(`      ${l.startsWith("+") ? paint("green", l) : l.startsWith("-") ? paint("red", l) : l.startsWith("@@") ? paint("dim", l) : l}`);
        }
      }
    }
  }
  return lines.join("\n");
}

export function renderDiffMarkdown(d: AccessDiff, before: string, after: string): string {
  const out: string[] = [COMMENT_MARKER, "### Access changes", "", `**${md(d.risk)}**`];
  const section = (title: string) => out.push("", `#### ${title}`, "");
  const where = (a: { accountName: string; accountId: string }) => accountLabel(a.accountName, a.accountId);

  if (d.removalGuard) out.push("", `> [!WARNING]`, `> ${md(guardNote(d.removalGuard))}`);
  if (d.guardrails.length) {
    section("Guardrails");
    for (const c of d.guardrails) out.push(`- ${md(describeChange(c, "→"))}`);
  }
  if (d.settings.length) {
    section("Identity Center");
    for (const c of d.settings) out.push(`- ${md(describeChange(c, "→"))}`);
  }
  if (d.people.length) {
    section("Who gains and loses access");
    const rows = d.people.flatMap((p) => [
      ...p.gained.map((a) => [p.user, "gains", a.permissionSet, where(a), a.via]),
      ...p.lost.map((a) => [p.user, "loses", a.permissionSet, where(a), a.via]),
    ]);
    out.push(renderMarkdownTable(["Person", "Change", "Permission set", "Account", "Through"], rows));
  }
  if (d.externalGroups.length) {
    section("External groups");
    out.push("Their members are managed outside access.yaml; everyone in them is affected.", "");
    const rows = d.externalGroups.flatMap((g) => [
      ...g.gained.map((a) => [g.group, "gains", a.permissionSet, where(a)]),
      ...g.lost.map((a) => [g.group, "loses", a.permissionSet, where(a)]),
    ]);
    out.push(renderMarkdownTable(["Group", "Change", "Permission set", "Account"], rows));
  }
  for (const [title, list] of [
    ["Assignments granted", d.granted],
    ["Assignments revoked", d.revoked],
  ] as const) {
    if (!list.length) continue;
    section(`${title} (${list.length})`);
    out.push(
      renderMarkdownTable(
        ["Principal", "Permission set", "Account", "Reaches"],
        list.map((a) => [principal(a), a.permissionSet, where(a), reaches(a.users)]),
      ),
    );
    out.push("", "<details><summary>By account</summary>", "");
    const byAccount = [...list].sort((a, b) => byText(a.accountName, b.accountName));
    out.push(
      renderMarkdownTable(
        ["Account", "Principal", "Permission set"],
        byAccount.map((a) => [where(a), principal(a), a.permissionSet]),
      ),
    );
    out.push("", "</details>");
  }
  if (d.memberships.length) {
    section("Memberships");
    for (const m of d.memberships) {
      const parts = [...(m.added.length ? [`adds ${m.added.join(", ")}`] : []), ...(m.removed.length ? [`removes ${m.removed.join(", ")}`] : [])];
      out.push(`- **${md(m.group)}** ${md(parts.join("; "))}`);
    }
  }
  const entities = [...entityLines("user", d.users, "→"), ...entityLines("group", d.groups, "→"), ...entityLines("account", d.accounts, "→")];
  if (entities.length) {
    section("Users, groups and accounts");
    for (const e of entities) out.push(`- ${md(e.text)}`);
  }
  if (d.permissionSets.length) {
    section("Permission sets");
    for (const s of d.permissionSets) {
      out.push(s.kind === "changed" ? `- **${md(s.name)}**: ${md(s.changes.map((c) => describeChange(c, "→")).join("; "))}` : `- **${md(s.name)}** ${s.kind}`);
      out.push(`  <br>${md(setReach(s))}`);
      for (const document of s.changes.filter((c) => c.kind === "document"))
        out.push("", "  ```diff", ...policyDiff(document.from, document.to).map((l) => `  ${l}`), "  ```");
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
