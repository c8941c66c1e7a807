import { effectiveAccess, viaText, type ExternalGrant, type Grant } from "../matrix/review/effectiveAccess";
import type { ValidMatrix } from "../matrix/model/matrix";
import { byText } from "../matrix/common/order";
import type { Plan } from "../matrix/expand/plan";
import { didYouMean } from "../matrix/common/suggest";
import { renderCsv, renderMarkdownTable, renderTable, type Paint } from "./output";

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
  readonly grants: readonly Grant[];
  readonly externalGrants: readonly ExternalGrant[];
  /** External groups left out because the report is filtered by user: their members are unknown here. */
  readonly externalGroupsNotShown: readonly string[];
  /** Users, among those the filters select, who reach no account. */
  readonly usersWithoutAccess: readonly string[];
}

type Row = { readonly accountName: string; readonly permissionSet: string } & ({ readonly user: string } | { readonly group: string });
const who = (r: Row) => ("user" in r ? r.user : r.group);
/** The order of JSON rows in each view (the text formats sort the cells they show). */
const VIEW_ORDER: Record<WhoView, (a: Row, b: Row) => number> = {
  user: (a, b) => byText(who(a), who(b)) || byText(a.accountName, b.accountName) || byText(a.permissionSet, b.permissionSet),
  account: (a, b) => byText(a.accountName, b.accountName) || byText(a.permissionSet, b.permissionSet) || byText(who(a), who(b)),
  "permission-set": (a, b) => byText(a.permissionSet, b.permissionSet) || byText(a.accountName, b.accountName) || byText(who(a), who(b)),
};

/** A filter value that names nothing in the file: a mistake on the command line. */
export class UnknownFilterError extends Error {}

export function whoReport(valid: ValidMatrix, plan: Plan, filters: WhoFilters, view: WhoView): WhoReport {
  const access = effectiveAccess(valid, plan);
  const accountIds = resolveFilters(valid, filters);
  const keep = (t: { accountId: string; permissionSet: string }) =>
    (!accountIds.size || accountIds.has(t.accountId)) && (!filters.permissionSets.length || filters.permissionSets.includes(t.permissionSet));
  const grants = access.grants.filter(
    (g) => keep(g) && (!filters.users.length || filters.users.includes(g.user)) && (!filters.groups.length || g.groups.some((x) => filters.groups.includes(x))),
  );
  const external = access.externalGrants.filter((g) => keep(g) && (!filters.groups.length || filters.groups.includes(g.group)));
  const byUser = filters.users.length > 0;
  const narrowed = filters.groups.length + accountIds.size + filters.permissionSets.length > 0;
  return {
    view,
    grants: [...grants].sort(VIEW_ORDER[view]),
    externalGrants: byUser ? [] : [...external].sort(VIEW_ORDER[view]),
    externalGroupsNotShown: byUser ? [...new Set(external.map((g) => g.group))] : [],
    usersWithoutAccess: narrowed ? [] : access.usersWithoutAccess.filter((u) => !byUser || filters.users.includes(u)),
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

function rowsOf(report: WhoReport): string[][] {
  const header = HEADERS[report.view];
  const principal = header.indexOf("User");
  // Sort on the cells as shown: the view's leading columns, the principal last (first in the user view). An
  // external group's row sorts after every user.
  const leading = header.map((_, i) => i).filter((i) => i !== principal && i !== header.length - 1);
  const order = report.view === "user" ? [principal, ...leading] : [...leading, principal];
  const rows = [
    ...report.grants.map((g) => ({ cells: cells(report.view, g.user, g, viaText(g)), sortAs: g.user })),
    // An external group is who its display name finds in the identity provider: the row says which.
    ...report.externalGrants.map((g) => ({
      cells: cells(report.view, `(members of ${g.group})`, g, `${g.group} (external: ${JSON.stringify(g.displayName)})`),
      sortAs: `\uffff${g.group}`,
    })),
  ];
  const key = (r: (typeof rows)[number], i: number) => (i === principal ? r.sortAs : r.cells[i]);
  return rows
    .sort((a, b) => {
      for (const i of order) if (key(a, i) !== key(b, i)) return byText(key(a, i), key(b, i));
      return 0;
    })
    .map((r) => r.cells);
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
  if (report.usersWithoutAccess.length) out.push(`No access: ${report.usersWithoutAccess.join(", ")}.`);
  return out;
}

export function renderWho(report: WhoReport, format: WhoFormat, paint: Paint): string {
  const header = HEADERS[report.view];
  const rows = rowsOf(report);
  switch (format) {
    case "json":
      return JSON.stringify(
        {
          view: report.view,
          grants: report.grants,
          externalGroups: report.externalGrants,
          externalGroupsNotShown: report.externalGroupsNotShown,
          usersWithoutAccess: report.usersWithoutAccess,
        },
        null,
        2,
      );
    case "csv":
      return renderCsv(
        header.map((h) => h.toLowerCase().replace(/ /g, "_")),
        rows,
      );
    case "markdown": {
      const body = rows.length ? renderMarkdownTable(header, rows) : "_No access matches._";
      return [body, ...notes(report).map((n) => `\n${n}`)].join("\n");
    }
    case "table": {
      const body = rows.length ? renderTable(header, rows, paint) : "No access matches.";
      const extra = notes(report);
      return extra.length ? `${body}\n\n${extra.map((n) => paint("dim", n)).join("\n")}` : body;
    }
  }
}
