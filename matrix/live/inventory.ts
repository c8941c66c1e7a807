import { isMap, isScalar, parseDocument, type Document } from "yaml";
import { byText } from "../common/order";
import type { Account, ValidMatrix } from "../model/matrix";
import { accountKeyFrom } from "./adopt";
import { accountFactsOf, type AccountFacts } from "./accountFacts";
import { accountDifferences, describedAccounts, tagText } from "./drift";
import type { Snapshot } from "./snapshot";

/**
 * The inventory from AWS Organizations: what `accounts:` of the file should say, account by account (by id), and
 * the file edited to say it. Only the `accounts:` section changes, and in it only the fields that differ: keys,
 * descriptions, comments and everything else stay as written.
 */

export interface InventoryChange {
  readonly kind: "add" | "update" | "remove" | "kept";
  readonly key: string;
  readonly id: string;
  /** What changes, as `OU Workloads -> Workloads/Prod`; for a kept account, why it could not be removed. */
  readonly details: readonly string[];
}

/** What Organizations says of an account, in the file's terms (what the file cannot hold left out). */
const factsOf = (a: Snapshot["accounts"][number], managementId: string | undefined): AccountFacts => accountFactsOf(a, managementId).facts;

/** Where the file's entries and guardrails name an account (by key or id), as paths. */
function referencesOf(valid: ValidMatrix, key: string, id: string): string[] {
  const names = (list: readonly string[] | undefined) => (list ?? []).some((n) => n === key || n === id);
  const out: string[] = [];
  (valid.matrix.assignments ?? []).forEach((a, i) => {
    if (names(a.accounts)) out.push(`assignments[${i}].accounts`);
    if (names(a.exclude?.accounts)) out.push(`assignments[${i}].exclude.accounts`);
  });
  if (names(valid.matrix.guardrails?.privileged?.accounts?.accounts)) out.push("guardrails.privileged.accounts.accounts");
  return out;
}

export function inventoryChanges(valid: ValidMatrix, snapshot: Snapshot): InventoryChange[] {
  const live = new Map(describedAccounts(snapshot.accounts).map((a) => [a.Id, a]));
  const written = new Map(Object.entries(valid.matrix.accounts).map(([key, a]) => [a.id, { key, account: a }]));
  const taken = new Set(Object.keys(valid.matrix.accounts));
  const changes: InventoryChange[] = [];
  for (const [id, { key, account }] of written) {
    const org = live.get(id);
    if (!org) {
      const refs = referencesOf(valid, key, id);
      changes.push(
        refs.length
          ? {
              kind: "kept",
              key,
              id,
              details: [`it is no longer in the organization, but ${refs.join(", ")} name it: remove those references, then run inventory again`],
            }
          : { kind: "remove", key, id, details: ["no longer in the organization"] },
      );
      continue;
    }
    const details = accountDifferences(account, org, snapshot.managementAccountId).map((d) => `${d.fact} ${d.file} -> ${d.organizations}`);
    if (details.length) changes.push({ kind: "update", key, id, details });
  }
  for (const org of [...live.values()].sort((a, b) => byText(a.Name, b.Name) || byText(a.Id, b.Id))) {
    if (written.has(org.Id)) continue;
    const facts = factsOf(org, snapshot.managementAccountId);
    changes.push({ kind: "add", key: accountKeyFrom(org.Name, org.Id, taken), id: org.Id, details: describe(facts) });
  }
  return changes;
}

function describe(f: AccountFacts): string[] {
  return [
    f.ou ? `OU ${f.ou}` : "directly under the root",
    ...(f.tags ? [`tags ${tagText(Object.entries(f.tags))}`] : []),
    ...(f.management ? ["the management account"] : []),
    ...(f.status ? [`status ${f.status}`] : []),
  ];
}

/**
 * The file's text with `accounts:` saying what Organizations says. Edited with `yaml` (a document model that keeps
 * comments and layout); only the accounts section of its output is taken, so nothing outside it can change.
 */
export function applyInventory(text: string, valid: ValidMatrix, snapshot: Snapshot, changes: readonly InventoryChange[]): string {
  const doc = parseDocument(text, { keepSourceTokens: true });
  const live = new Map(snapshot.accounts.map((a) => [a.Id, a]));
  for (const change of changes) {
    const path = ["accounts", change.key];
    if (change.kind === "remove") doc.deleteIn(path);
    if (change.kind === "add") {
      const facts = factsOf(live.get(change.id)!, snapshot.managementAccountId);
      doc.setIn(path, doc.createNode({ id: change.id, ...facts }));
    }
    if (change.kind === "update") {
      const [was, org] = [valid.matrix.accounts[change.key], live.get(change.id)!];
      const differs = new Set(accountDifferences(was, org, snapshot.managementAccountId).map((d) => d.fact));
      setFacts(doc, path, was, factsOf(org, snapshot.managementAccountId), differs);
    }
  }
  const out = doc.toString({ flowCollectionPadding: false, lineWidth: 0 });
  return spliceSection(text, out, "accounts");
}

/** Sets each fact that differs (accountDifferences), field by field (a tag by its key), so comments beside others stay. */
function setFacts(doc: Document, path: string[], was: Account, is: AccountFacts, differs: ReadonlySet<string>): void {
  const set = (field: string, value: unknown): void => {
    if (value === undefined) doc.deleteIn([...path, field]);
    else doc.setIn([...path, field], value);
  };
  if (differs.has("OU")) set("ou", is.ou);
  if (differs.has("management account")) set("management", is.management ? true : undefined);
  if (differs.has("status")) set("status", is.status);
  if (!differs.has("tags")) return;
  if (!is.tags) {
    set("tags", undefined);
    return;
  }
  if (!was.tags || !isMap(doc.getIn([...path, "tags"]))) {
    set("tags", doc.createNode(is.tags));
    return;
  }
  for (const key of Object.keys(was.tags)) if (!(key in is.tags)) doc.deleteIn([...path, "tags", key]);
  for (const [key, value] of Object.entries(is.tags)) if (was.tags[key] !== value) doc.setIn([...path, "tags", key], value);
}

/** `before` with its top-level `key:` section replaced by that section of `after` (both documents of one map). */
function spliceSection(before: string, after: string, key: string): string {
  const range = (text: string) => {
    const doc = parseDocument(text);
    const pairs = isMap(doc.contents) ? doc.contents.items : [];
    const i = pairs.findIndex((p) => isScalar(p.key) && p.key.value === key);
    const start = (pairs[i].key as { range: [number, number, number] }).range[0];
    // To the start of the next top-level key, less the blank lines and top-level comments written above it.
    const next = pairs[i + 1]?.key as { range: [number, number, number] } | undefined;
    const lines = text.slice(start, next ? next.range[0] : text.length).split("\n");
    while (lines.length > 1 && /^(#.*)?\s*$/.test(lines[lines.length - 1])) lines.pop();
    const kept = lines.join("\n");
    // Up to the last line's end, its \r (of a CRLF file) left with the line end.
    const end = start + kept.length - (kept.endsWith("\r") ? 1 : 0);
    return [start, end] as const;
  };
  const [b0, b1] = range(before);
  const [a0, a1] = range(after);
  // The section in the file's own line ends (the editor writes \n).
  const section = after.slice(a0, a1).replace(/\r?\n/g, before.includes("\r\n") ? "\r\n" : "\n");
  return before.slice(0, b0) + section + before.slice(b1);
}
