import { countByType, declKey, planDecls, planLookups, planRegistrations, type Plan } from "../matrix/expand/plan";

/** Counts a reader wants first. */
export function summarize(plan: Plan) {
  return {
    accounts: plan.inventory.length,
    accountsWithAssignments: new Set(plan.assignments.map((a) => a.accountId)).size,
    permissionSets: plan.permissionSets.length,
    groups: plan.groups.length,
    users: plan.users.length,
    assignments: plan.assignments.length,
    resources: planDecls(plan).length,
  };
}

/** `GROUP ProfessionalAfAdmins -> Admin @ taylor (222222222222)` */
export function assignmentLine(a: Plan["assignments"][number]): string {
  return `${a.principalType} ${a.principalName} -> ${a.permissionSet} @ ${a.accountName} (${a.accountId})`;
}

export function renderPlanText(plan: Plan, file: string): string {
  const s = summarize(plan);
  const lines: string[] = [
    `${file}: ${s.assignments} assignments of ${s.permissionSets} permission sets in ${s.accountsWithAssignments} of ${s.accounts} accounts; ${s.groups} groups, ${s.users} users.`,
    "",
    `Resources the program declares (${s.resources}):`,
  ];
  const counts = countByType(plan);
  const width = Math.max(...[...counts.values()].map((n) => String(n).length));
  for (const [type, n] of counts) lines.push(`  ${String(n).padStart(width)}  ${type}`);
  const lookups = planLookups(plan);
  if (lookups.length) {
    lines.push("", `Looked up, not created (${lookups.length}):`);
    for (const l of lookups) lines.push(`  ${l.key} (${l.token})`);
  }
  lines.push("", `Assignments (${s.assignments}):`);
  for (const a of plan.assignments) lines.push(`  ${assignmentLine(a)}`);
  lines.push(
    "",
    `Region ${plan.settings.region} (partition ${plan.settings.partition}). The Identity Center instance is looked up there unless the stack sets instanceArn and identityStoreId.`,
  );
  return lines.join("\n");
}

/** The plan as one JSON object: every registration (with inputs), the lookups, and the assignments, sorted. */
export function renderPlanJson(plan: Plan, file: string): string {
  const decls = new Map(planDecls(plan).map((d) => [d.key, d]));
  return JSON.stringify(
    {
      file,
      settings: plan.settings,
      summary: summarize(plan),
      resources: planRegistrations(plan).map((r) => {
        const d = decls.get(declKey(r.type, r.name))!;
        return { ...r, inputs: d.inputs, dependsOn: d.dependsOn };
      }),
      lookups: planLookups(plan).map(({ key, token, parent, args }) => ({ key, token, parent, args })),
      assignments: plan.assignments,
    },
    null,
    2,
  );
}
