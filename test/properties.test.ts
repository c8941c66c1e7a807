import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import * as yaml from "js-yaml";
import { expand } from "../matrix/expand/expand";
import { loadMatrixText } from "../matrix/checks/pipeline";
import { TYPE, planDecls, type Plan } from "../matrix/expand/plan";
import { folderFiles } from "../matrix/read/source";
import { parseYaml } from "../matrix/read/yaml";
import { MatrixSchema } from "../matrix/validate/schema";
import { checkMatrix } from "../matrix/checks/checkMatrix";

/**
 * Properties over generated access matrices. Each generated matrix is written as YAML and loaded like a user's
 * file, so the properties hold for what users write, not for an internal shape.
 */

type Doc = {
  version: 1;
  identityCenter: { startUrl: string; region: string };
  accounts: Record<string, { id: string; ou?: string; tags?: Record<string, string>; management?: boolean; description?: string }>;
  permissionSets: Record<string, { description?: string; sessionDuration?: string; managedPolicies?: string[] }>;
  groups: Record<string, { description?: string; members?: string[]; external?: boolean }>;
  users: Record<string, { displayName: string; givenName: string; familyName: string; email: string; groups?: string[] }>;
  assignments: Entry[];
};
type Selector = { accounts?: string[]; ous?: string[]; tags?: Record<string, string | string[]>; allAccounts?: boolean };
type Entry = Selector & { group?: string; user?: string; permissionSets: string[]; exclude?: Omit<Selector, "allAccounts">; description?: string };

const OUS = ["Workloads", "Workloads/Prod", "Workloads/Dev", "Security", "Sandbox/Team/Deep"];
const ENVS = ["prod", "dev", "test"];
const TEAMS = ["a", "b"];
const SETS = ["Admin", "ReadOnly", "Ops", "Billing"];
const POLICIES = ["ReadOnlyAccess", "ViewOnlyAccess", "SecurityAudit", "job-function/Billing"];
const USERS = ["ana", "ben", "cy", "dee", "eli"];
const GROUPS = ["Platform", "Audit", "Oncall", "Okta"];

const subset = <T>(items: readonly T[], min = 0) => fc.subarray([...items], { minLength: min });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Account names may be any inventory key; ids come from their position so that they are unique. */
const accountsArb = fc
  .uniqueArray(fc.constantFrom("prod", "dev", "audit", "logs", "net", "sbx", "shared", "data"), { minLength: 1, maxLength: 8 })
  .chain((names) =>
    fc
      .tuple(
        ...names.map((_, i) =>
          fc.record({
            ou: maybe(fc.constantFrom(...OUS)),
            env: maybe(fc.constantFrom(...ENVS)),
            team: maybe(fc.constantFrom(...TEAMS)),
            management: fc.constant(i === 0).chain((first) => (first ? fc.boolean() : fc.constant(false))),
            description: maybe(fc.constantFrom("one", "two")),
          }),
        ),
      )
      .map((props) =>
        Object.fromEntries(
          names.map((name, i) => {
            const p = props[i];
            const tags = { ...(p.env ? { env: p.env } : {}), ...(p.team ? { team: p.team } : {}) };
            return [
              name,
              {
                id: String(100000000000 + i * 7919),
                ...(p.ou ? { ou: p.ou } : {}),
                ...(Object.keys(tags).length ? { tags } : {}),
                ...(p.management ? { management: true } : {}),
                ...(p.description ? { description: p.description } : {}),
              },
            ];
          }),
        ),
      ),
  );

const docArb: fc.Arbitrary<Doc> = fc
  .record({
    accounts: accountsArb,
    sets: subset(SETS, 1),
    users: subset(USERS),
    groups: subset(GROUPS),
    oktaExternal: fc.boolean(),
  })
  .chain(({ accounts, sets, users, groups, oktaExternal }) => {
    const accountNames = Object.keys(accounts);
    const ids = Object.values(accounts).map((a) => a.id);
    const ous = [...new Set(Object.values(accounts).flatMap((a) => (a.ou ? a.ou.split("/").map((_, i, all) => all.slice(0, i + 1).join("/")) : [])))];
    const envs = [...new Set(Object.values(accounts).flatMap((a) => (a.tags?.env ? [a.tags.env] : [])))];
    const external = (g: string) => g === "Okta" && oktaExternal;
    const principals = [...groups.map((g) => ({ group: g })), ...users.map((u) => ({ user: u }))];
    const teams = [...new Set(Object.values(accounts).flatMap((a) => (a.tags?.team ? [a.tags.team] : [])))];
    // A tag selector of one or two keys, each to one value or a list of accepted values.
    const tagValue = (values: string[]) => fc.oneof(fc.constantFrom(...values), fc.subarray(values, { minLength: 1 }));
    const tagSelector = fc
      .record({ env: envs.length ? maybe(tagValue(envs)) : fc.constant(undefined), team: teams.length ? maybe(tagValue(teams)) : fc.constant(undefined) })
      .map((t) => Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) as Record<string, string | string[]>)
      .map((t) => (Object.keys(t).length ? t : undefined));
    // Targets use any mix of names, ids, OUs, tags and allAccounts (at least one); exclusions stay small, so that
    // most entries reach an account (an entry that reaches none is an error, and such matrices are discarded).
    const selector = (forExclusion: boolean) =>
      fc
        .record(
          {
            accounts: fc.subarray([...accountNames, ...ids], { maxLength: Math.min(accountNames.length * 2, forExclusion ? 1 : 3) }),
            ous: ous.length ? fc.subarray(ous, { maxLength: Math.min(ous.length, forExclusion ? 1 : 3) }) : fc.constant([] as string[]),
            tags: tagSelector,
            allAccounts: forExclusion ? fc.constant(undefined) : fc.option(fc.boolean(), { nil: undefined, freq: 4 }),
          },
          { requiredKeys: [] },
        )
        .filter((t) => forExclusion || (t.accounts?.length ?? 0) > 0 || (t.ous?.length ?? 0) > 0 || t.tags !== undefined || t.allAccounts === true);
    const entry: fc.Arbitrary<Entry> = principals.length
      ? fc
          .record({
            principal: fc.constantFrom(...principals),
            permissionSets: subset(sets, 1),
            target: selector(false),
            exclude: maybe(selector(true)),
            description: maybe(fc.constantFrom("why", "because")),
          })
          .map(({ principal, permissionSets, target, exclude, description }) => {
            const clean = (s: Selector) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
            const ex = exclude ? clean(exclude) : {};
            return {
              ...principal,
              permissionSets,
              ...clean(target),
              ...(Object.keys(ex).length ? { exclude: ex } : {}),
              ...(description ? { description } : {}),
            } as Entry;
          })
      : fc.constant(undefined as unknown as Entry);
    return fc
      .record({
        setProps: fc.tuple(
          ...sets.map(() =>
            fc.record({
              duration: maybe(fc.constantFrom("PT1H", "PT4H", "PT8H", "PT12H")),
              policies: subset(POLICIES),
              description: maybe(fc.constantFrom("d1", "d2")),
            }),
          ),
        ),
        groupMembers: fc.tuple(...groups.map((g) => (external(g) ? fc.constant([] as string[]) : subset(users)))),
        userGroups: fc.tuple(...users.map(() => subset(groups.filter((g) => !external(g))))),
        assignments: principals.length ? fc.array(entry, { maxLength: 6 }) : fc.constant([] as Entry[]),
      })
      .map(({ setProps, groupMembers, userGroups, assignments }) => ({
        version: 1 as const,
        identityCenter: { startUrl: "https://gen.awsapps.com/start", region: "eu-west-1" },
        accounts,
        permissionSets: Object.fromEntries(
          sets.map((name, i) => [
            name,
            {
              ...(setProps[i].description ? { description: setProps[i].description } : {}),
              ...(setProps[i].duration ? { sessionDuration: setProps[i].duration } : {}),
              ...(setProps[i].policies.length ? { managedPolicies: setProps[i].policies } : {}),
            },
          ]),
        ),
        groups: Object.fromEntries(
          groups.map((g, i) => [g, external(g) ? { external: true } : { ...(groupMembers[i].length ? { members: groupMembers[i] } : {}) }]),
        ),
        users: Object.fromEntries(
          users.map((u, i) => [
            u,
            { displayName: u, givenName: u, familyName: "X", email: `${u}@example.org`, ...(userGroups[i].length ? { groups: userGroups[i] } : {}) },
          ]),
        ),
        assignments,
      }));
  });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-properties-"));

/** Loads a generated document as a user's file; undefined when it is not a valid matrix (e.g. an entry reaching no account). */
function planOf(doc: Doc): Plan | undefined {
  const result = loadMatrixText(yaml.dump(doc), "generated.yaml", folderFiles(tmp));
  return result.ok ? expand(result.value) : undefined;
}

/** The expansion rules written again, plainly, from the README: the oracle. */
function oracle(doc: Doc): string[] {
  const accounts = Object.entries(doc.accounts).map(([name, a]) => ({ name, ...a }));
  const named = (refs: string[] | undefined, a: (typeof accounts)[number]) => (refs ?? []).some((r) => r === a.name || r === a.id);
  const inOu = (ous: string[] | undefined, a: (typeof accounts)[number]) =>
    (ous ?? []).some((ou) => a.ou !== undefined && (a.ou === ou || a.ou.startsWith(`${ou}/`)));
  const tagged = (tags: Selector["tags"], a: (typeof accounts)[number]) =>
    tags !== undefined &&
    Object.keys(tags).length > 0 &&
    Object.entries(tags).every(([k, v]) => a.tags?.[k] !== undefined && (Array.isArray(v) ? v : [v]).includes(a.tags[k]));
  const rows = new Set<string>();
  for (const e of doc.assignments) {
    const principal = e.group !== undefined ? `GROUP ${e.group}` : `USER ${e.user}`;
    for (const a of accounts) {
      const selected = named(e.accounts, a) || (!a.management && (e.allAccounts === true || inOu(e.ous, a) || tagged(e.tags, a)));
      const excluded = named(e.exclude?.accounts, a) || inOu(e.exclude?.ous, a) || tagged(e.exclude?.tags, a);
      if (selected && !excluded) for (const set of e.permissionSets) rows.add(`${principal} ${set} ${a.id}`);
    }
  }
  return [...rows].sort();
}

const rowsOf = (plan: Plan) => plan.assignments.map((r) => `${r.principalType} ${r.principalName} ${r.permissionSet} ${r.accountId}`).sort();
const assignmentNames = (plan: Plan) =>
  planDecls(plan)
    .filter((d) => d.type === TYPE.accountAssignment)
    .map((d) => d.name)
    .sort();

/** The same document with every map's keys and every list in another order. */
function shuffled(doc: Doc, seed: number): Doc {
  let state = seed >>> 0 || 1;
  const next = () => (state = (state * 1103515245 + 12345) >>> 0);
  const shuffle = <T>(items: T[]): T[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = next() % (i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  const deep = (value: unknown): unknown => {
    if (Array.isArray(value)) return shuffle(value.map(deep));
    if (value && typeof value === "object") return Object.fromEntries(shuffle(Object.entries(value).map(([k, v]) => [k, deep(v)] as [string, unknown])));
    return value;
  };
  return deep(doc) as Doc;
}

const RUNS = { numRuns: 150 };

describe("properties of the expansion, over generated access matrices", () => {
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("the generator yields mostly valid matrices (so the properties below are not vacuous)", () => {
    const samples = fc.sample(docArb, { numRuns: 200, seed: 42 });
    const valid = samples.filter((d) => planOf(d) !== undefined);
    assert.ok(valid.length >= 100, `${valid.length} of 200 generated matrices are valid`);
    assert.ok(valid.filter((d) => planOf(d)!.assignments.length > 0).length >= 70);
    // Every kind of target and selector occurs in valid matrices.
    const entries = valid.flatMap((d) => d.assignments);
    const count = (f: (e: Entry) => boolean) => entries.filter(f).length;
    assert.ok(count((e) => e.accounts === undefined) >= 20, "entries without named accounts");
    assert.ok(count((e) => e.ous !== undefined) >= 20, "OU targets");
    assert.ok(count((e) => e.allAccounts === true) >= 10, "allAccounts");
    assert.ok(count((e) => Object.keys(e.tags ?? {}).length === 2) >= 5, "tag selectors of two keys");
    assert.ok(count((e) => Object.values(e.tags ?? {}).some(Array.isArray)) >= 10, "tag values as lists");
    assert.ok(count((e) => e.exclude !== undefined) >= 20, "exclusions");
    assert.ok(valid.filter((d) => Object.values(d.accounts).some((a) => a.management)).length >= 20, "a management account");
  });

  it("the assignments equal a brute-force oracle of the documented rules", () => {
    fc.assert(
      fc.property(docArb, (doc) => {
        const plan = planOf(doc);
        fc.pre(plan !== undefined);
        assert.deepEqual(rowsOf(plan!), oracle(doc));
      }),
      RUNS,
    );
  });

  it("the checks find the same problems whether a file of valid shape is read from its whole parse or entry by entry", () => {
    let compared = 0;
    fc.assert(
      fc.property(docArb, (doc) => {
        const parsed = parseYaml(yaml.dump(doc), "access.yaml");
        assert.ok(parsed.ok);
        const whole = MatrixSchema.safeParse(parsed.value);
        fc.pre(whole.success);
        compared++;
        const files = folderFiles(tmp);
        assert.deepEqual(checkMatrix(parsed.value, parsed.locator, files, whole.data), checkMatrix(parsed.value, parsed.locator, files));
      }),
      RUNS,
    );
    assert.ok(compared >= 100, `${compared} files compared`);
  });

  it("reordering every map and list of the file changes nothing in the plan", () => {
    fc.assert(
      fc.property(docArb, fc.integer(), (doc, seed) => {
        const plan = planOf(doc);
        fc.pre(plan !== undefined);
        assert.deepEqual(planOf(shuffled(doc, seed)), plan);
      }),
      RUNS,
    );
  });

  it("renaming an account's inventory key, or editing descriptions, changes no logical name of any assignment", () => {
    fc.assert(
      fc.property(docArb, fc.nat(), (doc, pick) => {
        const plan = planOf(doc);
        fc.pre(plan !== undefined);
        const names = Object.keys(doc.accounts);
        const old = names[pick % names.length];
        const rename = (refs: string[] | undefined) => refs?.map((r) => (r === old ? "renamed-account" : r));
        const edited: Doc = {
          ...doc,
          accounts: Object.fromEntries(Object.entries(doc.accounts).map(([k, a]) => [k === old ? "renamed-account" : k, { ...a, description: "edited" }])),
          permissionSets: Object.fromEntries(Object.entries(doc.permissionSets).map(([k, s]) => [k, { ...s, description: "edited" }])),
          groups: Object.fromEntries(Object.entries(doc.groups).map(([k, g]) => [k, g.external ? g : { ...g, description: "edited" }])),
          assignments: doc.assignments.map((e) => ({
            ...e,
            description: "edited",
            ...(e.accounts ? { accounts: rename(e.accounts) } : {}),
            ...(e.exclude ? { exclude: { ...e.exclude, ...(e.exclude.accounts ? { accounts: rename(e.exclude.accounts) } : {}) } } : {}),
          })),
        };
        const after = planOf(edited)!;
        assert.ok(after, "the edited file is valid");
        assert.deepEqual(assignmentNames(after), assignmentNames(plan!));
        const inputs = (p: Plan) =>
          planDecls(p)
            .filter((d) => d.type === TYPE.accountAssignment)
            .map((d) => JSON.stringify(d.inputs));
        assert.deepEqual(inputs(after), inputs(plan!));
      }),
      RUNS,
    );
  });

  it("never grants what the file does not name: every assignment's principal, set and account are chosen by one entry (exclusions aside), every membership is written", () => {
    fc.assert(
      fc.property(docArb, (doc) => {
        const plan = planOf(doc);
        fc.pre(plan !== undefined);
        const byId = new Map(Object.entries(doc.accounts).map(([name, a]) => [a.id, { name, ...a }]));
        for (const row of plan!.assignments) {
          const account = byId.get(row.accountId);
          assert.ok(account, `${row.accountId} is in the inventory`);
          // An upper bound written differently from the oracle: an entry names this principal and set, and its
          // targets mention this account by name or id, by an OU that holds it, by tags it has, or by allAccounts.
          const chosen = doc.assignments.some((e) => {
            if ((row.principalType === "GROUP" ? e.group : e.user) !== row.principalName || !e.permissionSets.includes(row.permissionSet)) return false;
            if ((e.accounts ?? []).includes(account!.name) || (e.accounts ?? []).includes(account!.id)) return true;
            if (account!.management) return false;
            const path = account!.ou?.split("/") ?? [];
            const underOu = (e.ous ?? []).some((ou) => ou.split("/").every((part, i) => path[i] === part));
            const tagsMatch =
              e.tags !== undefined && Object.entries(e.tags).every(([k, v]) => ([] as string[]).concat(v).includes(account!.tags?.[k] ?? "\u0000"));
            return e.allAccounts === true || underOu || tagsMatch;
          });
          assert.ok(chosen, `${row.principalType} ${row.principalName} ${row.permissionSet} ${row.accountId} is chosen by an entry`);
        }
        for (const d of planDecls(plan!).filter((x) => x.type === TYPE.groupMembership)) {
          const [group, user] = d.name.split("/");
          assert.ok(doc.groups[group]?.members?.includes(user) || doc.users[user]?.groups?.includes(group), `${d.name} is written in the file`);
          assert.ok(!doc.groups[group].external, "no membership in an external group");
        }
      }),
      RUNS,
    );
  });
});
