import { diffAccess, snapshot } from "../matrix/review/diff";
import { expand } from "../matrix/expand/expand";
import type { ValidMatrix } from "../matrix/model/matrix";
import { TYPE, planDecls, type Decl, type Plan } from "../matrix/expand/plan";
import type { Matrix } from "../matrix/model/matrix";

/**
 * Churn: what a plan change would create, replace and delete in AWS, for a scripted set of everyday edits, against
 * the least each edit needs. Component resources touch no AWS API, so only AWS resources count.
 */

/**
 * Inputs whose change replaces the resource (the provider's ForceNew fields; every field of an account
 * assignment). A replaced assignment is minutes of lost access for real people.
 */
const REPLACED_BY: Partial<Record<string, readonly string[] | "all">> = {
  [TYPE.accountAssignment]: "all",
  [TYPE.permissionSet]: ["instanceArn", "name"],
  [TYPE.groupMembership]: ["identityStoreId", "groupId", "memberId"],
  [TYPE.group]: ["identityStoreId"],
  [TYPE.user]: ["identityStoreId", "userName"],
  [TYPE.managedPolicies]: ["instanceArn", "permissionSetArn"],
  [TYPE.customerManagedPolicies]: ["instanceArn", "permissionSetArn"],
  [TYPE.inlinePolicy]: ["instanceArn", "permissionSetArn"],
  [TYPE.permissionsBoundary]: ["instanceArn", "permissionSetArn", "permissionsBoundary"],
};

export interface Churn {
  readonly created: number;
  readonly replaced: number;
  readonly deleted: number;
  /** Changed in place (an update, no loss of access). */
  readonly updated: number;
}

const awsResources = (plan: Plan) =>
  new Map(
    planDecls(plan)
      .filter((d) => d.type.startsWith("aws:"))
      .map((d) => [d.key, d]),
  );

/** What going from plan `a` to plan `b` does to AWS resources, by logical identity. */
export function planChurn(a: Plan, b: Plan): Churn {
  const before = awsResources(a);
  const after = awsResources(b);
  let created = 0;
  let replaced = 0;
  let updated = 0;
  for (const [key, decl] of after) {
    const old = before.get(key);
    if (!old) created++;
    else if (replaces(old, decl)) replaced++;
    else if (JSON.stringify(old.inputs) !== JSON.stringify(decl.inputs)) updated++;
  }
  const deleted = [...before.keys()].filter((key) => !after.has(key)).length;
  return { created, replaced, deleted, updated };
}

function replaces(old: Decl, now: Decl): boolean {
  const fields = REPLACED_BY[now.type];
  if (!fields) return false;
  const keys = fields === "all" ? [...new Set([...Object.keys(old.inputs), ...Object.keys(now.inputs)])] : fields;
  return keys.some((k) => JSON.stringify(old.inputs[k]) !== JSON.stringify(now.inputs[k]));
}

export interface ChurnCase {
  readonly name: string;
  readonly edit: (m: Matrix) => Matrix;
  /**
   * The least the edit needs, from its meaning: new access needs one assignment per (principal, permission set,
   * account) granted, taken from the effective-access diff; a new member, one membership; a description, a
   * policy list or an inventory name, nothing created, replaced or deleted.
   */
  readonly minimum: (granted: number, revoked: number) => Omit<Churn, "updated">;
}

const clone = (m: Matrix): Matrix => JSON.parse(JSON.stringify(m)) as Matrix;
const firstKey = (record: Record<string, unknown> | undefined) => Object.keys(record ?? {}).sort()[0];

export const CHURN_CASES: readonly ChurnCase[] = [
  {
    name: "add an account to an OU",
    edit: (m) => {
      const out = clone(m);
      const template = Object.values(out.accounts).find((a) => a.ou !== undefined)!;
      out.accounts["acct-added"] = { id: "199999999999", ou: template.ou, tags: { ...template.tags } };
      return out;
    },
    minimum: (granted) => ({ created: granted, replaced: 0, deleted: 0 }),
  },
  {
    name: "add a user to a group",
    edit: (m) => {
      const out = clone(m);
      const group = Object.keys(out.groups ?? {}).find((g) => !out.groups![g].external)!;
      const user = Object.keys(out.users ?? {}).find((u) => !out.groups![group].members?.includes(u))!;
      out.groups![group].members = [...(out.groups![group].members ?? []), user];
      return out;
    },
    minimum: () => ({ created: 1, replaced: 0, deleted: 0 }),
  },
  {
    name: "change a group's description",
    edit: (m) => {
      const out = clone(m);
      const group = Object.keys(out.groups ?? {}).find((g) => !out.groups![g].external)!;
      out.groups![group].description = "A new description.";
      return out;
    },
    minimum: () => ({ created: 0, replaced: 0, deleted: 0 }),
  },
  {
    name: "add a managed policy to a permission set",
    edit: (m) => {
      const out = clone(m);
      const set = out.permissionSets![firstKey(out.permissionSets)];
      set.managedPolicies = [...(set.managedPolicies ?? []), "AWSSupportAccess"];
      return out;
    },
    minimum: () => ({ created: 0, replaced: 0, deleted: 0 }),
  },
  {
    name: "rename an account's inventory key",
    edit: (m) => {
      const out = clone(m);
      const old = Object.keys(out.accounts).find((k) => !out.accounts[k].management)!;
      const renamed = Object.fromEntries(Object.entries(out.accounts).map(([k, a]) => [k === old ? `${old}-renamed` : k, a]));
      out.accounts = renamed;
      for (const e of out.assignments ?? []) {
        if (e.accounts) e.accounts = e.accounts.map((r) => (r === old ? `${old}-renamed` : r));
        if (e.exclude?.accounts) e.exclude.accounts = e.exclude.accounts.map((r) => (r === old ? `${old}-renamed` : r));
      }
      return out;
    },
    minimum: () => ({ created: 0, replaced: 0, deleted: 0 }),
  },
  {
    name: "move a group's assignment from an OU to its parent",
    edit: (m) => {
      const out = clone(m);
      const entry = (out.assignments ?? []).find((e) => e.ous?.length === 1 && e.ous[0].includes("/"))!;
      entry.ous = [entry.ous![0].split("/").slice(0, -1).join("/")];
      return out;
    },
    minimum: (granted, revoked) => ({ created: granted, replaced: 0, deleted: revoked }),
  },
];

export interface ChurnResult extends Churn {
  readonly name: string;
  readonly minimum: Omit<Churn, "updated">;
}

/** Applies every scripted edit to `base` and measures the plan churn and the minimum of each. */
export function measureChurn(base: ValidMatrix, load: (m: Matrix) => ValidMatrix): ChurnResult[] {
  const basePlan = expand(base);
  const baseSnapshot = snapshot(base, basePlan);
  return CHURN_CASES.map((c) => {
    const edited = load(c.edit(base.matrix));
    const plan = expand(edited);
    const access = diffAccess(baseSnapshot, snapshot(edited, plan));
    return { name: c.name, ...planChurn(basePlan, plan), minimum: c.minimum(access.granted.length, access.revoked.length) };
  });
}
