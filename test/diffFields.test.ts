import * as assert from "node:assert/strict";
import { MatrixError } from "../matrix/common/problems";
import { loadMatrixText } from "../matrix/checks/pipeline";
import { expand } from "../matrix/expand/expand";
import { isRef, planDecls, planLookups, type Plan, type Value } from "../matrix/expand/plan";
import type { ValidMatrix } from "../matrix/model/matrix";
import { diffAccess, snapshot, type AccessDiff } from "../matrix/review/diff";
import { CHURN_CASES } from "../bench/churn";
import { generate, loadGenerated } from "../bench/generate";
import { renderDiffMarkdown, renderDiffText } from "../cli/diffOutput";
import type { SiblingFiles } from "../matrix/read/source";
import { GroupSchema, PermissionSetSchema, UserSchema, titleOf } from "../matrix/validate/schema";

/**
 * The diff is derived from what the program declares, not from a list of fields. Two tables prove it: every field of
 * every section schema, edited, is reported with its schema title; and every input the plan declares, changed, is
 * reported. A new field without an entry in the first table fails here, and one the expansion declares is reported
 * by the second with no change to the diff.
 */

const POLICY = (action: string) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });
const FILES: Record<string, string> = { "policy.json": JSON.stringify(POLICY("s3:ListBucket")) };
const files: SiblingFiles = { read: (relative) => (relative in FILES ? { ok: true, text: FILES[relative] } : `policy file "${relative}" does not exist`) };

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function base(): Doc {
  return {
    version: 1,
    identityCenter: { startUrl: "https://acme.awsapps.com/start", region: "eu-west-1" },
    accounts: { prod: { id: "111111111111", ou: "Workloads" }, dev: { id: "222222222222", ou: "Workloads" } },
    permissionSets: {
      Admin: {
        description: "Administrators.",
        sessionDuration: "PT2H",
        relayState: "https://console.aws.amazon.com/",
        managedPolicies: ["ReadOnlyAccess"],
        customerManagedPolicies: [{ name: "Ops", path: "/" }],
        inlinePolicy: POLICY("s3:GetObject"),
        permissionsBoundary: { managedPolicy: "PowerUserAccess" },
        tags: { team: "platform" },
      },
    },
    groups: { Devs: { displayName: "Developers", description: "Builders.", members: ["ann"] }, Ext: { external: true } },
    users: {
      ann: { displayName: "Ann Lee", givenName: "Ann", familyName: "Lee", email: "ann@acme.example" },
      bob: { displayName: "Bob Ray", givenName: "Bob", familyName: "Ray", email: "bob@acme.example", groups: [] },
    },
    assignments: [
      { group: "Devs", permissionSets: ["Admin"], ous: ["Workloads"] },
      { group: "Ext", permissionSets: ["Admin"], accounts: ["dev"] },
      { user: "bob", permissionSets: ["Admin"], accounts: ["prod"] },
    ],
  };
}

function load(doc: Doc): ValidMatrix {
  const result = loadMatrixText(JSON.stringify(doc), "access.yaml", files);
  if (!result.ok) throw new MatrixError(result.problems);
  return result.value;
}

const diffOf = (edit: (doc: Doc) => void): AccessDiff => {
  const before = load(base());
  const edited = base();
  edit(edited);
  const after = load(edited);
  return diffAccess(snapshot(before, expand(before)), snapshot(after, expand(after)));
};

/** Where a field's change is reported: the entity's field changes, labelled, or the memberships. */
type Expect = { label: string } | "memberships";

const PERMISSION_SET_EDITS: Record<string, [(set: Doc) => void, Expect]> = {
  description: [(s) => (s.description = "Administrators of production."), { label: "description" }],
  sessionDuration: [(s) => (s.sessionDuration = "PT3H"), { label: "session duration" }],
  relayState: [(s) => (s.relayState = "https://console.aws.amazon.com/s3/"), { label: "relay state" }],
  managedPolicies: [(s) => s.managedPolicies.push("ViewOnlyAccess"), { label: "managed policies" }],
  customerManagedPolicies: [(s) => (s.customerManagedPolicies = [{ name: "Ops", path: "/team/" }]), { label: "customer managed policies" }],
  inlinePolicy: [(s) => (s.inlinePolicy = POLICY("s3:PutObject")), { label: "inline policy" }],
  // The file's name is not declared; the policy read from it is.
  inlinePolicyFile: [(s) => ((s.inlinePolicyFile = "policy.json"), delete s.inlinePolicy), { label: "inline policy" }],
  permissionsBoundary: [(s) => (s.permissionsBoundary = { customerManagedPolicy: { name: "Boundary" } }), { label: "permissions boundary" }],
  tags: [(s) => (s.tags.team = "security"), { label: "tags" }],
  // Handed over to be looked up (Control Tower's own sets): the set is no longer declared, only found by name.
  existing: [(s) => (Object.keys(s).forEach((k) => delete s[k]), (s.existing = true)), { label: "existing" }],
};

const USER_EDITS: Record<string, [(user: Doc) => void, Expect]> = {
  displayName: [(u) => (u.displayName = "Ann Lee-Ray"), { label: "display name" }],
  givenName: [(u) => (u.givenName = "Anne"), { label: "given name" }],
  familyName: [(u) => (u.familyName = "Leigh"), { label: "family name" }],
  email: [(u) => (u.email = "ann@evil.example"), { label: "email" }],
  groups: [(u) => (u.groups = ["Devs"]), "memberships"],
  external: [
    (u) => Object.assign(u, { external: true, displayName: undefined, givenName: undefined, familyName: undefined, email: undefined }),
    { label: "external" },
  ],
};

const GROUP_EDITS: Record<string, [(group: Doc) => void, Expect]> = {
  displayName: [(g) => (g.displayName = "Engineers"), { label: "display name" }],
  description: [(g) => (g.description = "Builders of things."), { label: "description" }],
  members: [(g) => g.members.push("bob"), "memberships"],
  external: [(g) => Object.assign(g, { external: true, members: undefined, description: undefined }), { label: "external" }],
  existing: [(g) => Object.assign(g, { existing: true, description: undefined }), { label: "existing" }],
};

const TABLES = [
  { section: "permissionSets", schema: PermissionSetSchema, entity: "Admin", edits: PERMISSION_SET_EDITS },
  { section: "users", schema: UserSchema, entity: "bob", edits: USER_EDITS },
  { section: "groups", schema: GroupSchema, entity: "Devs", edits: GROUP_EDITS },
] as const;

describe("diff: every field of the schema, edited, is reported under its title", () => {
  for (const { section, schema, entity, edits } of TABLES) {
    it(`the table covers every field of ${section}`, () => assert.deepEqual(Object.keys(edits).sort(), Object.keys(schema.shape).sort()));

    for (const [field, [edit, expected]] of Object.entries(edits)) {
      it(`${section}.${entity}.${field}`, () => {
        const d = diffOf((doc) => edit(doc[section][entity]));
        assert.equal(d.changed, true);
        if (expected === "memberships") {
          assert.equal(d.memberships.length, 1);
          return;
        }
        if (titleOf(schema, field) !== undefined && field !== "inlinePolicyFile")
          assert.equal(expected.label, titleOf(schema, field), "the label is the title");
        const changes =
          section === "permissionSets" ? d.permissionSets.find((s) => s.name === entity)?.changes : d[section].changed.find((c) => c.name === entity)?.changes;
        assert.ok(changes, `${entity} is reported as changed`);
        assert.ok(
          changes.some((c) => c.label === expected.label),
          `${field}: ${JSON.stringify(changes)}`,
        );
      });
    }
  }
});

/** Every leaf of a value: its path inside it. */
function paths(value: Value, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== "object" || value === null || isRef(value)) return [prefix];
  if (Array.isArray(value)) return value.length ? value.flatMap((v, i) => paths(v, [...prefix, i])) : [prefix];
  return Object.entries(value).flatMap(([k, v]) => paths(v as Value, [...prefix, k]));
}

const EDITED = "edited-by-the-test";
function edited(value: Value): Value {
  if (typeof value === "string") return `${value}-${EDITED}`;
  if (typeof value === "number") return value + 1;
  if (typeof value === "boolean") return !value;
  if (Array.isArray(value)) return [...value, EDITED];
  // A reference: to the other instance attribute, or to another output.
  if ("$instance" in value) return { $instance: value.$instance === "arn" ? "identityStoreId" : "arn" };
  return { ...(value as { output: string }), output: `${(value as { output: string }).output}-${EDITED}` } as Value;
}

describe("diff: every input the plan declares, changed, is reported", () => {
  const valid = load(base());
  const plan = expand(valid);
  const before = snapshot(valid, plan);
  const cases: { kind: string; what: string; text: boolean; mutate: (p: Plan) => void }[] = [];
  const declared = [
    ...planDecls(plan).map((d, i) => ({ kind: d.type, key: d.key, get: (p: Plan) => planDecls(p)[i].inputs })),
    ...planLookups(plan).map((l, i) => ({ kind: l.token, key: l.key, get: (p: Plan) => planLookups(p)[i].args })),
  ];
  for (const { kind, key, get } of declared) {
    for (const path of paths(get(plan) as Value).filter((p) => p.length)) {
      const leaf = path.reduce((v: unknown, step) => (v as Record<string | number, unknown>)[step], get(plan));
      cases.push({
        kind,
        what: `${key} ${path.join(".")}`,
        // A text input, changed, must show its new text.
        text: typeof leaf === "string",
        mutate: (p) => {
          let at = get(p) as Record<string | number, Value>;
          for (const step of path.slice(0, -1)) at = at[step] as Record<string | number, Value>;
          at[path[path.length - 1]] = edited(at[path[path.length - 1]]);
        },
      });
    }
  }

  it("covers every kind of declaration the sample organization has", () => {
    const kinds = new Set(cases.map((c) => c.kind));
    assert.deepEqual([...kinds].sort(), [
      "aws:identitystore/getGroup:getGroup",
      "aws:identitystore/group:Group",
      "aws:identitystore/groupMembership:GroupMembership",
      "aws:identitystore/user:User",
      "aws:ssoadmin/accountAssignment:AccountAssignment",
      "aws:ssoadmin/customerManagedPolicyAttachmentsExclusive:CustomerManagedPolicyAttachmentsExclusive",
      "aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive",
      "aws:ssoadmin/permissionSet:PermissionSet",
      "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
      "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment",
      "pulumi:providers:aws",
    ]);
    assert.equal(cases.length, 69);
  });

  it("reports each change in a section, never only in the exit code", () => {
    for (const { what, text, mutate } of cases) {
      const changed: Plan = JSON.parse(JSON.stringify(plan));
      mutate(changed);
      const d = diffAccess(before, { ...before, plan: changed });
      assert.equal(d.changed, true, what);
      const { changed: _changed, risk: _risk, ...sections } = d;
      const shown = JSON.stringify(sections);
      assert.ok(
        Object.values(sections).some((s) => (Array.isArray(s) ? s.length > 0 : s !== null && Object.values(s).some((l) => (l as unknown[]).length > 0))),
        `${what}: reported in no section`,
      );
      if (text) assert.ok(shown.includes(EDITED), `${what}: the new text is shown`);
    }
  });
});

describe("diff: what a change of a field reads as", () => {
  const text = (edit: (doc: Doc) => void, before: (doc: Doc) => void = () => {}) => {
    const old = base();
    before(old);
    const now = JSON.parse(JSON.stringify(old)) as Doc;
    edit(now);
    const [a, b] = [load(old), load(now)];
    const d = diffAccess(snapshot(a, expand(a)), snapshot(b, expand(b)));
    const lines = renderDiffText(d, "old", "new", (_style, t) => t).split("\n");
    renderDiffMarkdown(d, "old", "new"); // renders without throwing
    return { d, lines };
  };

  it("text that looks like JSON is text: both sides shown, in text and Markdown", () => {
    const { lines } = text(
      (doc) => (doc.permissionSets.Admin.description = "Plain words."),
      (doc) => (doc.permissionSets.Admin.description = '{"a": 1}'),
    );
    assert.equal(
      lines.find((l) => l.includes("~ Admin")),
      '  ~ Admin: description {"a": 1} -> Plain words.',
    );
  });

  it("an external group's display name shows from and to: it decides who holds the access", () => {
    const { lines } = text((doc) => (doc.groups.Ext.displayName = '{"group": "Admins"}'));
    assert.equal(
      lines.find((l) => l.includes("group Ext:")),
      '  ~ group Ext: display name Ext -> {"group": "Admins"}',
    );
  });

  it("an attachment that comes or goes is one change, not its references", () => {
    const { lines } = text((doc) => delete doc.permissionSets.Admin.permissionsBoundary);
    assert.equal(
      lines.find((l) => l.includes("~ Admin")),
      "  ~ Admin: permissions boundary PowerUserAccess -> (none)",
    );
  });

  it("a group that becomes external shows that, and the fields both have", () => {
    const { lines } = text((doc) => Object.assign(doc.groups.Devs, { external: true, members: undefined, description: undefined }));
    assert.equal(
      lines.find((l) => l.includes("group Devs:")),
      "  ~ group Devs: external false -> true",
    );
  });

  it("tags are shown as tags, whatever their keys", () => {
    const { lines } = text(
      (doc) => (doc.permissionSets.Admin.tags = { name: "b", path: "/a" }),
      (doc) => (doc.permissionSets.Admin.tags = { name: "ab", path: "/" }),
    );
    assert.equal(
      lines.find((l) => l.includes("~ Admin")),
      "  ~ Admin: tags name=ab, path=/ -> name=b, path=/a",
    );
  });

  it("managed policies in another partition show whole, not as an empty change", () => {
    const { lines } = text((doc) => (doc.identityCenter.region = "cn-north-1"));
    assert.equal(
      lines.find((l) => l.includes("~ Admin")),
      "  ~ Admin: managed policies + arn:aws-cn:iam::aws:policy/ReadOnlyAccess, - arn:aws:iam::aws:policy/ReadOnlyAccess; permissions boundary managedPolicyArn=arn:aws:iam::aws:policy/PowerUserAccess -> managedPolicyArn=arn:aws-cn:iam::aws:policy/PowerUserAccess",
    );
  });

  it("removing a guardrail that is an empty map is a change, shown", () => {
    const { d, lines } = text(
      (doc) => delete doc.guardrails.privileged.accounts,
      (doc) => (doc.guardrails = { privileged: { accounts: {}, groups: ["Devs"] } }),
    );
    assert.equal(d.changed, true);
    assert.equal(
      lines.find((l) => l.startsWith("  ~ privileged.accounts")),
      "  ~ privileged.accounts (an empty map) -> (none)",
    );
  });
});

describe("diff: comparing only the people a change can touch", () => {
  it("gives the same diff as comparing everyone, for every scripted edit, both ways", () => {
    const base = generate("S");
    const side = (m: Parameters<typeof loadGenerated>[0]) => {
      const v = loadGenerated(m);
      return snapshot(v, expand(v));
    };
    const original = side(base);
    assert.equal(CHURN_CASES.length, 6);
    let people = 0;
    let classes = 0;
    for (const c of CHURN_CASES) {
      const edited = side(c.edit(base));
      for (const [a, b] of [
        [original, edited],
        [edited, original],
      ]) {
        const d = diffAccess(a, b);
        // Person by person: the shortcut lists people who change alike once, the reference one by one.
        const byPerson = (x: AccessDiff) => ({
          ...x,
          people: x.people.flatMap((p) => p.users.map((user) => ({ user, gained: p.gained, lost: p.lost }))).sort((m, n) => (m.user < n.user ? -1 : 1)),
        });
        assert.deepEqual(byPerson(d), byPerson(diffAccess(a, b, undefined, { exhaustive: true })), c.name);
        classes += d.people.filter((p) => p.users.length > 1).length;
        people += d.people.length;
      }
    }
    assert.ok(people > 0, "the edits change someone's access");
    assert.ok(classes > 0, "some people change alike");
  });
});
