import {
  accessIndex,
  heldBy,
  holdersOf,
  reachesAny,
  targetKey,
  viaLength,
  viaText,
  type AccessIndex,
  type ExternalGrant,
  type Grant,
  type Held,
  type Target,
} from "../matrix/review/effectiveAccess";
import type { ValidMatrix } from "../matrix/model/matrix";
import { byText } from "../matrix/common/order";
import type { Plan } from "../matrix/expand/plan";
import { didYouMean } from "../matrix/common/suggest";
import { csvWriter, markdownTableWriter, tableWriter, type Paint } from "./output";

/** `who`: the effective access of every user, filtered and shown by user, by account or by permission set. */

export const WHO_VIEWS = ["user", "account", "permission-set"] as const;
export type WhoView = (typeof WHO_VIEWS)[number];
export const WHO_FORMATS = ["table", "markdown", "csv", "json"] as const;
export type WhoFormat = (typeof WHO_FORMATS)[number];

export interface WhoFilters {
  readonly users: readonly string[];
  readonly groups: readonly string[];
  /** Inventory names or account ids. */
  readonly accounts: readonly string[];
  readonly permissionSets: readonly string[];
}

export interface WhoReport {
  readonly view: WhoView;
  /** Visits users' grants and external groups' rows, in the view's order; rows are made on each walk, never held. */
  readonly each: (visit: Visitor) => void;
  /** The external groups' rows shown, in the view's order. */
  readonly externalGrants: readonly ExternalGrant[];
  /** External groups left out because the report is filtered by user: their members are unknown here. */
  readonly externalGroupsNotShown: readonly string[];
  /** Users, among those the filters select, who reach no account. */
  readonly usersWithoutAccess: readonly string[];
  /** Groups that exist outside the file (existing: true) whose rows are shown: members added elsewhere are unknown. */
  readonly existingGroups: readonly string[];
}

/** What a walk over the report's rows is given: a user's hold on a target, or an external group's. */
export interface Visitor {
  user(user: string, held: Held): void;
  external(grant: ExternalGrant): void;
}

type Row = { readonly accountName: string; readonly permissionSet: string } & ({ readonly user: string } | { readonly group: string });
const who = (r: Row) => ("user" in r ? r.user : r.group);
/** The order of rows in each view: users first, then external groups, where both hold the same place. */
const VIEW_ORDER: Record<WhoView, (a: Row, b: Row) => number> = {
  user: (a, b) => byText(who(a), who(b)) || byText(a.accountName, b.accountName) || byText(a.permissionSet, b.permissionSet),
  account: (a, b) => byText(a.accountName, b.accountName) || byText(a.permissionSet, b.permissionSet) || byText(who(a), who(b)),
  "permission-set": (a, b) => byText(a.permissionSet, b.permissionSet) || byText(a.accountName, b.accountName) || byText(who(a), who(b)),
};

/** A filter value that names nothing in the file: a mistake on the command line. */
export class UnknownFilterError extends Error {}

export function whoReport(valid: ValidMatrix, plan: Plan, filters: WhoFilters, view: WhoView): WhoReport {
  const index = accessIndex(valid, plan);
  const accountIds = resolveFilters(valid, filters);
  const keep = (t: Target) =>
    (!accountIds.size || accountIds.has(t.accountId)) && (!filters.permissionSets.length || filters.permissionSets.includes(t.permissionSet));
  const shows = (held: Held) => keep(held.target) && (!filters.groups.length || held.groups.some((x) => filters.groups.includes(x)));
  const users = index.users.flatMap((u, p) => (!filters.users.length || filters.users.includes(u) ? [p] : []));
  const external = index.externalGrants.filter((g) => keep(g) && (!filters.groups.length || filters.groups.includes(g.group)));
  const byUser = filters.users.length > 0;
  const externalGrants = byUser ? [] : [...external].sort(VIEW_ORDER[view]);
  const narrowed = filters.groups.length + accountIds.size + filters.permissionSets.length > 0;
  return {
    view,
    each: view === "user" ? byUserWalk(index, users, shows, externalGrants) : byTargetWalk(index, users, keep, shows, externalGrants, view),
    externalGrants,
    externalGroupsNotShown: byUser ? [...new Set(external.map((g) => g.group))] : [],
    usersWithoutAccess: narrowed ? [] : users.filter((p) => !reachesAny(index, p)).map((p) => index.users[p]),
    existingGroups: Object.entries(valid.matrix.groups ?? {})
      .filter(([key, g]) => g.existing && index.groups.has(key) && (!filters.groups.length || filters.groups.includes(key)))
      .map(([key]) => key)
      .sort(byText),
  };
}

/** By user: each user's targets in order, then the external groups. */
function byUserWalk(index: AccessIndex, users: readonly number[], shows: (held: Held) => boolean, externals: readonly ExternalGrant[]) {
  return (visit: Visitor): void => {
    for (const p of users) {
      const user = index.users[p];
      heldBy(index, p, (held) => {
        if (shows(held)) visit.user(user, held);
      });
    }
    for (const external of externals) visit.external(external);
  };
}

/**
 * By account or by permission set: the targets in the view's order, each with its users in order, then its external
 * groups.
 */
function byTargetWalk(
  index: AccessIndex,
  users: readonly number[],
  keep: (t: Target) => boolean,
  shows: (held: Held) => boolean,
  externals: readonly ExternalGrant[],
  view: WhoView,
) {
  // Target order is the account view's; the permission-set view sorts the places again, by set first.
  const order = index.targets.flatMap((t, at) => (keep(t) ? [at] : []));
  if (view === "permission-set") {
    const t = index.targets;
    order.sort((a, b) => byText(t[a].permissionSet, t[b].permissionSet) || a - b);
  }
  const selected = users.length === index.users.length ? undefined : new Set(users);
  const externalsOf = new Map<string, ExternalGrant[]>();
  for (const external of externals) {
    const key = targetKey(external);
    externalsOf.set(key, [...(externalsOf.get(key) ?? []), external]);
  }
  return (visit: Visitor): void => {
    for (const at of order) {
      holdersOf(index, at, (p, held) => {
        if ((!selected || selected.has(p)) && shows(held)) visit.user(index.users[p], held);
      });
      for (const external of externalsOf.get(targetKey(index.targets[at])) ?? []) visit.external(external);
    }
  };
}

function resolveFilters(valid: ValidMatrix, filters: WhoFilters): Set<string> {
  const { matrix } = valid;
  const check = (kind: string, values: readonly string[], known: string[]) => {
    for (const value of values) {
      if (!known.includes(value)) throw new UnknownFilterError(`no ${kind} "${value}" in ${valid.file}${didYouMean(value, known)}`);
    }
  };
  check("user", filters.users, Object.keys(matrix.users ?? {}));
  check("group", filters.groups, Object.keys(matrix.groups ?? {}));
  check("permission set", filters.permissionSets, Object.keys(matrix.permissionSets ?? {}));
  const accounts = Object.entries(matrix.accounts);
  check("account", filters.accounts, [...accounts.map(([name]) => name), ...accounts.map(([, a]) => a.id)]);
  return new Set(filters.accounts.map((ref) => accounts.find(([name, a]) => name === ref || a.id === ref)![1].id));
}

const HEADERS: Record<WhoView, string[]> = {
  user: ["User", "Account", "Account id", "Permission set", "Via"],
  account: ["Account", "Account id", "Permission set", "User", "Via"],
  "permission-set": ["Permission set", "Account", "Account id", "User", "Via"],
};

function cells(view: WhoView, user: string, t: { accountName: string; accountId: string; permissionSet: string }, via: string): string[] {
  switch (view) {
    case "user":
      return [user, t.accountName, t.accountId, t.permissionSet, via];
    case "account":
      return [t.accountName, t.accountId, t.permissionSet, user, via];
    case "permission-set":
      return [t.permissionSet, t.accountName, t.accountId, user, via];
  }
}

/** An external group's principal and via cells: its display name is who it finds in the identity provider. */
const externalCells = (g: ExternalGrant) => [`(members of ${g.group})`, `${g.group} (external: ${JSON.stringify(g.displayName)})`];

/** Visits the cells of each row, in the view's order. */
function eachRow(report: WhoReport, row: (cells: string[]) => void): void {
  report.each({
    user: (user, held) => row(cells(report.view, user, held.target, viaText(held))),
    external: (g) => {
      const [principal, via] = externalCells(g);
      row(cells(report.view, principal, g, via));
    },
  });
}

/** The widest cell of each column, and how many rows there are, measured without making the cells. */
function measured(report: WhoReport): { widths: number[]; rows: number } {
  // Each column's place in the view: where the principal, the account's name and id, the set and the via go.
  const at = cells(report.view, "0", { accountName: "1", accountId: "2", permissionSet: "3" }, "4").map(Number);
  const widest = [0, 0, 0, 0, 0];
  let rows = 0;
  const measure = (principal: number, t: Target, via: number) => {
    if (principal > widest[0]) widest[0] = principal;
    if (t.accountName.length > widest[1]) widest[1] = t.accountName.length;
    if (t.accountId.length > widest[2]) widest[2] = t.accountId.length;
    if (t.permissionSet.length > widest[3]) widest[3] = t.permissionSet.length;
    if (via > widest[4]) widest[4] = via;
    rows++;
  };
  report.each({
    user: (user, held) => measure(user.length, held.target, viaLength(held)),
    external: (g) => {
      const [principal, via] = externalCells(g);
      measure(principal.length, g, via.length);
    },
  });
  return { widths: at.map((field) => widest[field]), rows };
}

function notes(report: WhoReport): string[] {
  const out: string[] = [];
  const externals = [...new Set(report.externalGrants.map((g) => g.group))];
  if (externals.length) {
    out.push(`Members of external groups (${externals.join(", ")}) are managed outside access.yaml: each "(members of ...)" row stands for all of them.`);
  }
  if (report.externalGroupsNotShown.length) {
    out.push(`Not shown: external groups ${report.externalGroupsNotShown.join(", ")} also hold access here; their members are managed outside access.yaml.`);
  }
  if (report.existingGroups.length) {
    const [noun, verb] = report.existingGroups.length === 1 ? ["Group", "exists"] : ["Groups", "exist"];
    out.push(
      `${noun} ${report.existingGroups.join(", ")} ${verb} outside access.yaml: only the members listed here are shown; members added elsewhere hold the same access.`,
    );
  }
  if (report.usersWithoutAccess.length) out.push(`No access: ${report.usersWithoutAccess.join(", ")}.`);
  return out;
}

/** The report, a line at a time to `emit` as it is made: `who` of a large organization is never held whole. */
export function writeWho(report: WhoReport, format: WhoFormat, paint: Paint, emit: (line: string) => void): void {
  const header = HEADERS[report.view];
  switch (format) {
    case "json":
      return writeJson(report, emit);
    case "csv":
      return eachRow(
        report,
        csvWriter(
          header.map((h) => h.toLowerCase().replace(/ /g, "_")),
          emit,
        ),
      );
    case "markdown": {
      // The table starts with its first row: no row, no header.
      let row: ((cells: readonly string[]) => void) | undefined;
      eachRow(report, (cells) => (row ??= markdownTableWriter(header, emit))(cells));
      if (!row) emit("_No access matches._");
      for (const note of notes(report)) emit(`\n${note}`);
      return;
    }
    case "table": {
      const { widths, rows } = measured(report);
      if (rows) eachRow(report, tableWriter(header, widths, paint, emit));
      else emit("No access matches.");
      const extra = notes(report);
      if (extra.length) emit("");
      for (const note of extra) emit(paint("dim", note));
    }
  }
}

/** The JSON report, as JSON.stringify(report, null, 2) would write it, a grant at a time. */
function writeJson(report: WhoReport, emit: (line: string) => void): void {
  emit("{");
  emit(`  "view": ${JSON.stringify(report.view)},`);
  let previous: string | undefined;
  report.each({
    user: (user, held) => {
      const grant: Grant = { user, ...held.target, groups: held.groups, direct: held.direct };
      emit(previous === undefined ? `  "grants": [` : `${previous},`);
      previous = `    ${JSON.stringify(grant, null, 2).replace(/\n/g, "\n    ")}`;
    },
    external: () => undefined,
  });
  if (previous === undefined) emit(`  "grants": [],`);
  else emit(`${previous}\n  ],`);
  const rest = {
    externalGroups: report.externalGrants,
    externalGroupsNotShown: report.externalGroupsNotShown,
    usersWithoutAccess: report.usersWithoutAccess,
    existingGroups: report.existingGroups,
  };
  // Its members, one level in already: the object's text without its braces.
  emit(JSON.stringify(rest, null, 2).slice(2, -2));
  emit("}");
}
