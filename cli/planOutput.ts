import { countByType, planDecls, planLookups, planRegistrations, type Plan } from "../matrix/expand/plan";

/** Counts a reader wants first. */
export function summarize(plan: Plan) {
  return {
    accounts: plan.inventory.length,
    accountsWithAssignments: new Set(plan.assignments.map((a) => a.accountId)).size,
    permissionSets: plan.permissionSets.length,
    /** Permission sets that exist and are not managed here: looked up by name. */
    permissionSetsLookedUp: plan.permissionSets.filter((p) => p.lookups.length > 0).length,
    groups: plan.groups.length,
    /** Groups and users looked up (external): they exist, the program never creates or changes them. */
    groupsLookedUp: plan.groups.filter((g) => g.lookups.length > 0).length,
    users: plan.users.length,
    usersLookedUp: plan.users.filter((u) => u.lookups.length > 0).length,
    assignments: plan.assignments.length,
    resources: planDecls(plan).length,
  };
}

/** `GROUP ProfessionalAfAdmins -> Admin @ taylor (222222222222)` */
export function assignmentLine(a: Plan["assignments"][number]): string {
  return `${a.principalType} ${a.principalName} -> ${a.permissionSet} @ ${a.accountName} (${a.accountId})`;
}

/** `3 groups` or `3 groups (1 looked up, 2 created)`: what the program creates and what it only finds. */
function principals(total: number, lookedUp: number, noun: string): string {
  const all = `${total} ${noun}${total === 1 ? "" : "s"}`;
  return lookedUp ? `${all} (${total - lookedUp} created, ${lookedUp} looked up)` : all;
}

export function renderPlanText(plan: Plan, file: string): string {
  const s = summarize(plan);
  const lines: string[] = [
    `${file}: ${s.assignments} assignments of ${principals(s.permissionSets, s.permissionSetsLookedUp, "permission set")} in ${s.accountsWithAssignments} of ${s.accounts} accounts; ${principals(s.groups, s.groupsLookedUp, "group")}, ${principals(s.users, s.usersLookedUp, "user")}.`,
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

/**
 * The plan as one JSON object: every registration (with inputs), the lookups, and the assignments, sorted. Written
 * in pieces (`piece`), each of whole lines ending with a line end, a few hundred elements of a list at a time, so
 * that a plan of 30,000 resources is never one string. Together they are the text JSON.stringify(plan, null, 2)
 * makes, and a line end (test/cli.test.ts). Each piece is a slice of what JSON.stringify made, never text joined to
 * it: joined text is copied again by whatever reads it next (the output guard, the write).
 */
export function writePlanJson(plan: Plan, file: string, piece: (text: string) => void, size = 500): void {
  if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`writePlanJson: size must be a whole number of at least 1, not ${size}`);
  const head = { file, settings: plan.settings, summary: summarize(plan) };
  const lists: [string, readonly object[]][] = [
    ["resources", planRegistrations(plan).map((d) => ({ type: d.type, name: d.name, parent: d.parent, inputs: d.inputs, dependsOn: d.dependsOn }))],
    ["lookups", planLookups(plan).map(({ key, token, parent, args }) => ({ key, token, parent, args }))],
    ["assignments", plan.assignments],
  ];
  piece(`${JSON.stringify(head, null, 2).slice(0, -2)},\n`); // without its closing "\n}"
  lists.forEach(([key, items], i) => {
    const after = i === lists.length - 1 ? "" : ",";
    const name = JSON.stringify(key);
    if (!items.length) return piece(`  ${name}: []${after}\n`);
    piece(`  ${name}: [\n`);
    for (let at = 0; at < items.length; at += size) {
      // Stringified as the one key of an object, the elements come out indented as they are in the whole. With the
      // next piece's first element, the comma and line end after this piece's last come out too: the piece ends
      // where that element's line starts (every element is an object: its line is the only "\n    {" after a comma).
      const last = at + size >= items.length;
      const text = JSON.stringify({ [key]: items.slice(at, at + size + (last ? 0 : 1)) }, null, 2);
      piece(text.slice(name.length + 8, last ? -5 : text.lastIndexOf(",\n    {") + 2));
    }
    piece(`  ]${after}\n`);
  });
  piece("}\n");
}

/** writePlanJson as one string, as printed. */
export function renderPlanJson(plan: Plan, file: string): string {
  const pieces: string[] = [];
  writePlanJson(plan, file, (text) => pieces.push(text));
  return pieces.join("");
}
