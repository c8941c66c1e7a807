import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import type { AccessMatrix as AccessMatrixClass } from "../components/accessMatrix";
import { expand } from "../matrix/expand/expand";
import { loadMatrixOrThrow } from "../matrix/checks/pipeline";
import { LOOKUP, TYPE, danglingReferences, planDecls, planLookups, type Plan } from "../matrix/expand/plan";
import type { ValidMatrix } from "../matrix/model/matrix";
import { renderPlanJson } from "../cli/planOutput";
import { generate, loadGenerated } from "../bench/generate";
import { BATCH } from "../components/declarations";
import { STACK_TRACE_LIMIT, applyStackTraceLimit, withStackHint } from "../components/stackHint";
import { floorInput } from "../bench/floorInput";
import {
  MOCK_IDENTITY_STORE_ID,
  MOCK_INSTANCE_ARN,
  mockValues,
  resolveUnderMocks,
  settled,
  sharedMocks,
  valueOf,
  type RecordingMocks,
  type Registration,
  runIndex,
} from "./mocks";

const ROOT = path.resolve(__dirname, "..");
const GENERATED_S = "a generated organization of size S (bench/generate.ts)";
const FIXTURES = [
  "access.yaml",
  "test/fixtures/valid/ou-tags-exclusions.yaml",
  "test/fixtures/valid/external-principals.yaml",
  "test/fixtures/valid/policies.yaml",
  "test/fixtures/valid/effective-access.yaml",
  "test/fixtures/valid/warnings.yaml",
  // 330 resources: more than one batch (components/declarations.ts BATCH), so the program yields between batches.
  GENERATED_S,
];

let mocks: RecordingMocks;
let AccessMatrix: typeof AccessMatrixClass;

before(async () => {
  mocks = await sharedMocks();
  // Imported after setMocks, as Pulumi's testing guide requires.
  ({ AccessMatrix } = await import("../components/accessMatrix"));
});

async function deploy(file: string, args: { instanceArn?: string; identityStoreId?: string } = {}) {
  mocks.reset();
  const valid = file === GENERATED_S ? loadGenerated(generate("S")) : loadMatrixOrThrow(path.join(ROOT, file), ROOT);
  const plan = expand(valid);
  const access = new AccessMatrix(plan.root.name, { plan, ...args });
  await access.ready;
  await Promise.all([valueOf(access.permissionSetArns), valueOf(access.groupIds), valueOf(access.userIds)]);
  await settled();
  return { valid, plan, access, registrations: mocks.registrations, invocations: mocks.invocations };
}

type Registered = { type: string; name: string; parent: string | null };

/**
 * The registrations the program must make, read off the validated file itself, without the plan's declarations or
 * expand/names.ts: the logical names are written out again here (test/urns.test.ts pins them too). Only which
 * accounts each assignment entry reaches is taken from the plan's assignment rows (checked against a brute-force
 * oracle in test/properties.test.ts). A plan that forgets or invents a resource differs from this list.
 */
function expectedRegistrations(valid: ValidMatrix, rows: Plan["assignments"]): Registered[] {
  const { matrix } = valid;
  const out: Registered[] = [];
  const add = (type: string, name: string, parent: string | null) => {
    out.push({ type, name, parent });
    return `${type}::${name}`;
  };
  const root = add(TYPE.root, "access", null);
  add(TYPE.provider, "identity-center", root);
  for (const [name, set] of Object.entries(matrix.permissionSets ?? {})) {
    const component = add(TYPE.permissionSetComponent, name, root);
    add(TYPE.permissionSet, name, component);
    // Both exclusive attachments, even when empty; the inline policy and the boundary when the set has them.
    add(TYPE.managedPolicies, `${name}-managed-policies`, component);
    add(TYPE.customerManagedPolicies, `${name}-customer-managed-policies`, component);
    if (set.inlinePolicy !== undefined || set.inlinePolicyFile !== undefined) add(TYPE.inlinePolicy, `${name}-inline-policy`, component);
    if (set.permissionsBoundary !== undefined) add(TYPE.permissionsBoundary, `${name}-permissions-boundary`, component);
  }
  // External users and groups are looked up, never created; an external group still has its component.
  for (const [name, user] of Object.entries(matrix.users ?? {})) if (!user.external) add(TYPE.user, name, root);
  for (const [key, group] of Object.entries(matrix.groups ?? {})) {
    const component = add(TYPE.groupComponent, key, root);
    if (group.external) continue;
    add(TYPE.group, key, component);
    const listing = Object.entries(matrix.users ?? {}).filter(([, user]) => user.groups?.includes(key));
    for (const member of new Set([...(group.members ?? []), ...listing.map(([name]) => name)])) add(TYPE.groupMembership, `${key}/${member}`, component);
  }
  for (const accountId of new Set(rows.map((r) => r.accountId))) add(TYPE.accountComponent, accountId, root);
  for (const r of rows) {
    const name = `${r.principalType === "GROUP" ? "group" : "user"}/${r.principalName}/${r.permissionSet}/${r.accountId}`;
    add(TYPE.accountAssignment, name, `${TYPE.accountComponent}::${r.accountId}`);
  }
  return out;
}

describe("the program under Pulumi mocks", () => {
  for (const file of FIXTURES) {
    describe(file, () => {
      let run: Awaited<ReturnType<typeof deploy>>;
      before(async () => {
        run = await deploy(file);
      });

      it("registers exactly the resources of the offline plan: types, logical names and parents", () => {
        const order = (a: { type: string; name: string }, b: { type: string; name: string }) => (a.type + a.name < b.type + b.name ? -1 : 1);
        const recorded = run.registrations.map((r) => ({ type: r.type, name: r.name, parent: r.parent })).sort(order);
        // ... what the file declares, derived from the file rather than from the plan ...
        assert.deepEqual(recorded, expectedRegistrations(run.valid, run.plan.assignments).sort(order));
        // ... and exactly what `npm run plan -- --json` prints.
        const printed = (JSON.parse(renderPlanJson(run.plan, file)).resources as Registration[]).map((r) => ({ type: r.type, name: r.name, parent: r.parent }));
        assert.deepEqual(recorded, printed.sort(order));
        assert.equal(run.registrations.length, planDecls(run.plan).length);
        if (file === GENERATED_S) assert.ok(run.registrations.length > BATCH, "more than one batch");
        assert.deepEqual(danglingReferences(run.plan), []);
      });

      it("gives every AWS resource the inputs of the plan, references resolved", () => {
        const byKey = new Map(run.registrations.map((r) => [`${r.type}::${r.name}`, r]));
        for (const decl of planDecls(run.plan)) {
          const recorded = byKey.get(decl.key)!;
          if (decl.type === TYPE.provider) {
            // Provider inputs travel as JSON strings; the two skip flags are the provider class's own defaults.
            assert.deepEqual(recorded.inputs, {
              region: run.plan.settings.region,
              retryMode: "adaptive",
              maxRetries: "25",
              skipCredentialsValidation: "false",
              skipRegionValidation: "true",
            });
          } else if (recorded.custom) {
            assert.deepEqual(recorded.inputs, resolveUnderMocks(decl.inputs, run.plan), decl.key);
          } else {
            assert.deepEqual(recorded.inputs, {}, decl.key);
          }
        }
      });

      it("uses the one explicit provider for every AWS resource", () => {
        const custom = run.registrations.filter((r) => r.custom && r.type !== TYPE.provider);
        assert.equal(custom.length, planDecls(run.plan).filter((d) => !d.type.startsWith("sso-access:") && d.type !== TYPE.provider).length);
        for (const r of custom) assert.equal(r.provider, run.plan.provider.key, `${r.type}::${r.name}`);
      });

      it("creates every policy attachment after, and so deletes it before, the assignments of its permission set", () => {
        const byKey = new Map(run.registrations.map((r) => [`${r.type}::${r.name}`, r]));
        // What each registration depends on, directly or through others, as the engine orders a destroy.
        const reach = (key: string, seen = new Set<string>()): Set<string> => {
          for (const dependency of byKey.get(key)!.dependencies) if (!seen.has(dependency)) reach(dependency, seen.add(dependency));
          return seen;
        };
        const attachmentTypes = new Set<string>([TYPE.managedPolicies, TYPE.customerManagedPolicies, TYPE.inlinePolicy, TYPE.permissionsBoundary]);
        for (const set of run.plan.permissionSets) {
          const assignments = run.registrations
            .filter((r) => r.type === TYPE.accountAssignment && r.name.split("/")[2] === set.name)
            .map((r) => `${r.type}::${r.name}`);
          assert.equal(assignments.length, run.plan.assignments.filter((a) => a.permissionSet === set.name).length, set.name);
          const attachments = set.children.filter((c) => attachmentTypes.has(c.type)).map((c) => c.key);
          assert.ok(attachments.length >= 2, `${set.name}: both exclusive attachments are declared`);
          for (const attachment of attachments) {
            const before = reach(attachment);
            for (const assignment of assignments) {
              assert.ok(before.has(assignment), `${attachment} comes after ${assignment}`);
              assert.ok(byKey.get(assignment)!.order < byKey.get(attachment)!.order, `${assignment} registered before ${attachment}`);
            }
          }
          // No two attachments of a set provision it at once: each pair is ordered one way or the other.
          for (const a of attachments) for (const b of attachments) if (a < b) assert.ok(reach(a).has(b) || reach(b).has(a), `${a} and ${b} are ordered`);
        }
      });

      it("keeps each user's URN from when every user had a component of its own: an alias to that component", () => {
        const users = run.registrations.filter((r) => r.type === TYPE.user);
        assert.equal(users.length, run.plan.users.filter((u) => u.children.length).length);
        for (const user of users) {
          assert.equal(user.parent, run.plan.root.key, user.name);
          // The URN the previous layout gave the user, written out: a change of layout must never re-create people.
          const before = `urn:pulumi:test::sso-access::sso-access:index:AccessMatrix$sso-access:index:User$aws:identitystore/user:User::${user.name}`;
          assert.deepEqual(user.aliases, [before], user.name);
          assert.notEqual(user.urn, before);
        }
        assert.deepEqual(
          run.registrations.filter((r) => r.type !== TYPE.user && r.aliases.length).map((r) => r.name),
          [],
          "nothing else moved",
        );
      });

      it("calls exactly the planned lookups, plus one getInstances", () => {
        const expected = [
          { token: LOOKUP.instances, args: {} },
          ...planLookups(run.plan).map((l) => ({ token: l.token, args: resolveUnderMocks(l.args, run.plan) })),
        ];
        const sortKey = (i: { token: string; args: unknown }) => i.token + JSON.stringify(i.args);
        assert.deepEqual(
          run.invocations.map((i) => ({ token: i.token, args: i.args })).sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1)),
          expected.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1)),
        );
      });
    });
  }

  it("attaches the AdministratorAccess and job-function policies with exact ARNs", async () => {
    const { registrations } = await deploy("test/fixtures/valid/policies.yaml");
    const byName = (a: unknown[], b: unknown[]) => (String(a[0]) < String(b[0]) ? -1 : 1);
    const managed = registrations
      .filter((r) => r.type === TYPE.managedPolicies)
      .map((r) => [r.name, r.inputs.managedPolicyArns])
      .sort(byName);
    assert.deepEqual(managed, [
      [
        "Billing-managed-policies",
        [
          "arn:aws-us-gov:iam::aws:policy/AWSSupportAccess",
          "arn:aws-us-gov:iam::aws:policy/job-function/Billing",
          "arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess",
        ],
      ],
      ["Bounded-managed-policies", ["arn:aws-us-gov:iam::aws:policy/PowerUserAccess"]],
      ["Managed-Boundary-managed-policies", []],
    ]);
    const boundaries = registrations
      .filter((r) => r.type === TYPE.permissionsBoundary)
      .map((r) => [r.name, r.inputs.permissionsBoundary])
      .sort(byName);
    assert.deepEqual(boundaries, [
      ["Bounded-permissions-boundary", { customerManagedPolicyReference: { name: "Boundary", path: "/" } }],
      ["Managed-Boundary-permissions-boundary", { managedPolicyArn: "arn:aws-us-gov:iam::aws:policy/PowerUserAccess" }],
    ]);
  });

  it("assigns external groups and users by the ids their lookups return", async () => {
    const { registrations } = await deploy("test/fixtures/valid/external-principals.yaml");
    const assignments = registrations
      .filter((r) => r.type === TYPE.accountAssignment)
      .map((r) => [r.name, r.inputs.principalType, r.inputs.principalId])
      .sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
    assert.deepEqual(assignments, [
      ["group/Engineering/Operator/123456789012", "GROUP", mockValues.externalGroupId("Engineering (Okta)")],
      ["group/OnCall/Operator/123456789012", "GROUP", mockValues.groupId("OnCall")],
      ["user/breakglass/Operator/123456789012", "USER", mockValues.userId("breakglass")],
    ]);
    const memberships = registrations.filter((r) => r.type === TYPE.groupMembership).map((r) => [r.name, r.inputs.memberId]);
    assert.deepEqual(memberships, [["OnCall/dana@acme.example", mockValues.externalUserId("dana@acme.example")]]);
    assert.equal(registrations.filter((r) => r.type === TYPE.group).length, 1, "the external group is not created");
    assert.equal(registrations.filter((r) => r.type === TYPE.user).length, 1, "the external user is not created");
  });

  it("gives users the same aliases when the access matrix sits inside another component", async () => {
    mocks.reset();
    const plan = expand(loadMatrixOrThrow(path.join(ROOT, "access.yaml"), ROOT));
    const outer = new pulumi.ComponentResource("acme:index:Platform", "platform", {});
    const access = new AccessMatrix(plan.root.name, { plan }, { parent: outer });
    await access.ready;
    await valueOf(access.userIds);
    await settled();
    const users = mocks.registrations.filter((r) => r.type === TYPE.user);
    assert.deepEqual(
      users.map((u) => u.aliases),
      ["alex.kim", "jane.doe", "priya.patel", "sam.rivera"].map((name) => [
        `urn:pulumi:test::sso-access::acme:index:Platform$sso-access:index:AccessMatrix$sso-access:index:User$aws:identitystore/user:User::${name}`,
      ]),
    );
  });

  it("the bench's floor registers users with the program's aliases (bench/floorInput.ts)", async () => {
    mocks.reset();
    const plan = expand(loadMatrixOrThrow(path.join(ROOT, "access.yaml"), ROOT));
    const access = new AccessMatrix(plan.root.name, { plan });
    await access.ready;
    await settled();
    const programAliases = mocks.registrations.filter((r) => r.aliases?.length).map((r) => [r.type, r.name, r.aliases]);
    const floorAliases = floorInput(plan, "sso-access", "test")
      .resources.filter((r) => r.aliasParent)
      .map((r) => [r.type, r.name, [`${r.aliasParent!.slice(0, r.aliasParent!.lastIndexOf("::"))}$${r.type}::${r.name}`]]);
    assert.equal(floorAliases.length, 4);
    assert.deepEqual(floorAliases, programAliases);
  });

  it("refuses a plan that refers to a resource it never declares (a bug in the expansion), before declaring any", async () => {
    mocks.reset();
    const plan = expand(loadMatrixOrThrow(path.join(ROOT, "access.yaml"), ROOT));
    const [set, ...otherSets] = plan.permissionSets;
    const [resource, managed, ...rest] = set.children;
    const nowhere = "aws:ssoadmin/accountAssignment:AccountAssignment::nowhere";
    const broken: Plan = { ...plan, permissionSets: [{ ...set, children: [resource, { ...managed, dependsOn: [nowhere] }, ...rest] }, ...otherSets] };
    assert.throws(() => new AccessMatrix(broken.root.name, { plan: broken }), {
      message: `the plan refers to resources it does not declare: ${managed.key} -> ${nowhere}`,
    });
    await settled();
    assert.deepEqual(
      mocks.registrations.map((r) => r.type),
      [TYPE.root],
      "only the component, which calls no AWS API",
    );
  });

  it("uses the instance from stack config without looking it up", async () => {
    const arn = "arn:aws:sso:::instance/ssoins-1111111111111111";
    const { access, invocations, registrations } = await deploy("access.yaml", { instanceArn: arn, identityStoreId: "d-1111111111" });
    assert.equal(invocations.length, 0);
    assert.equal(await valueOf(access.instanceArn), arn);
    const set = registrations.find((r) => r.type === TYPE.permissionSet && r.name === "Admin")!;
    assert.equal(set.inputs.instanceArn, arn);
    const user = registrations.find((r) => r.type === TYPE.user)!;
    assert.equal(user.inputs.identityStoreId, "d-1111111111");
  });
});

describe("index.ts end to end: the sample organization's story", () => {
  const loadIndex = async (accessFile: string) => {
    mocks.reset();
    pulumi.runtime.setAllConfig({ "sso-access:accessFile": accessFile });
    return runIndex();
  };

  it("creates the admins group, its Admin permission set of 8 hours, its user, and assigns it to both accounts", async () => {
    const program = await loadIndex("access.yaml");
    const arns = await valueOf(program.permissionSetArns);
    await settled();
    const find = (type: string, name: string) => mocks.registrations.find((r) => r.type === type && r.name === name)!;

    assert.deepEqual(arns, {
      Admin: mockValues.permissionSetArn("Admin"),
      Developer: mockValues.permissionSetArn("Developer"),
      ReadOnly: mockValues.permissionSetArn("ReadOnly"),
    });
    assert.deepEqual(find(TYPE.permissionSet, "Admin").inputs, {
      instanceArn: MOCK_INSTANCE_ARN,
      name: "Admin",
      description: "Full administrator access, for the platform team.",
      sessionDuration: "PT8H",
    });
    assert.deepEqual(find(TYPE.managedPolicies, "Admin-managed-policies").inputs.managedPolicyArns, ["arn:aws:iam::aws:policy/AdministratorAccess"]);
    assert.deepEqual(find(TYPE.group, "ProfessionalAfAdmins").inputs, {
      identityStoreId: MOCK_IDENTITY_STORE_ID,
      displayName: "ProfessionalAfAdmins",
      description: "Platform administrators.",
    });
    assert.deepEqual(find(TYPE.user, "jane.doe").inputs, {
      identityStoreId: MOCK_IDENTITY_STORE_ID,
      userName: "jane.doe",
      displayName: "Jane Doe",
      name: { givenName: "Jane", familyName: "Doe" },
      emails: { value: "jane.doe@professional-af.example", primary: true },
    });
    assert.deepEqual(find(TYPE.groupMembership, "ProfessionalAfAdmins/jane.doe").inputs, {
      identityStoreId: MOCK_IDENTITY_STORE_ID,
      groupId: mockValues.groupId("ProfessionalAfAdmins"),
      memberId: mockValues.userId("jane.doe"),
    });
    for (const [accountId, parent] of [
      ["111111111111", "111111111111"],
      ["222222222222", "222222222222"],
    ]) {
      const assignment = find(TYPE.accountAssignment, `group/ProfessionalAfAdmins/Admin/${accountId}`);
      assert.equal(assignment.parent, `${TYPE.accountComponent}::${parent}`);
      assert.deepEqual(assignment.inputs, {
        instanceArn: MOCK_INSTANCE_ARN,
        permissionSetArn: mockValues.permissionSetArn("Admin"),
        principalId: mockValues.groupId("ProfessionalAfAdmins"),
        principalType: "GROUP",
        targetId: accountId,
        targetType: "AWS_ACCOUNT",
      });
    }
    assert.equal(program.assignmentCount, 6);
    assert.equal(program.portalUrl, "https://professional-af.awsapps.com/start");
    assert.equal(await valueOf(program.instanceArn), MOCK_INSTANCE_ARN);
    assert.equal(await valueOf(program.identityStoreId), MOCK_IDENTITY_STORE_ID);
    assert.deepEqual(await valueOf(program.groupIds), {
      Auditors: mockValues.groupId("Auditors"),
      Developers: mockValues.groupId("Developers"),
      ProfessionalAfAdmins: mockValues.groupId("ProfessionalAfAdmins"),
    });
    assert.deepEqual(Object.keys(await valueOf(program.userIds)), ["alex.kim", "jane.doe", "priya.patel", "sam.rivera"]);
  });

  it("refuses a broken access matrix with a RunError listing located problems, and declares nothing", async () => {
    const error = await loadIndex("test/fixtures/invalid/dangling-references.yaml").then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof pulumi.RunError);
    assert.equal(
      (error as Error).message,
      [
        "3 problems in the access matrix:",
        'test/fixtures/invalid/dangling-references.yaml:19:9  groups.Admins.members[0]  unknown user "jane.do"; did you mean "jane.doe"?',
        'test/fixtures/invalid/dangling-references.yaml:27:9  assignments[0].accounts[1]  unknown account "taylr"; did you mean "taylor"?',
        'test/fixtures/invalid/dangling-references.yaml:28:22  assignments[0].permissionSets[0]  unknown permission set "Admn"; did you mean "Admin"?',
      ].join("\n"),
    );
    assert.deepEqual(mocks.registrations, []);
  });
});

// Last: a failed run leaves registrations that never complete, so nothing may wait for all RPCs after these.
describe("the program when the Identity Center instance cannot be chosen", () => {
  // The deliberately failed runs leave registrations that never resolve; forget them so that the runtime does not
  // report them as leaks when mocha exits.
  after(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("@pulumi/pulumi/runtime/debuggable") as { leakedPromises(): unknown }).leakedPromises();
  });
  for (const [arns, message] of [
    [
      [],
      "no IAM Identity Center instance in eu-west-1: enable Identity Center there (in the management account), run with credentials of the management or delegated administrator account, or correct identityCenter.region in the access matrix",
    ],
    [
      [MOCK_INSTANCE_ARN, "arn:aws:sso:::instance/ssoins-2"],
      `2 Identity Center instances in eu-west-1 (${MOCK_INSTANCE_ARN}, arn:aws:sso:::instance/ssoins-2): set sso-access:instanceArn and sso-access:identityStoreId to choose one`,
    ],
  ] as const) {
    it(`fails with a RunError when getInstances finds ${arns.length} instances`, async () => {
      mocks.reset();
      mocks.instances = { arns: [...arns], identityStoreIds: arns.map(() => MOCK_IDENTITY_STORE_ID) };
      const plan = expand(loadMatrixOrThrow(path.join(ROOT, "access.yaml"), ROOT));
      const access = new AccessMatrix(plan.root.name, { plan });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const error = await ((access.instanceArn as any).promise() as Promise<unknown>).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof pulumi.RunError, String(error));
      assert.ok((error as Error).message.endsWith(message), (error as Error).message);
    });
  }
});

export type { Plan };

describe("how Pulumi starts the program", () => {
  it("Pulumi.yaml: Node without ts-node, with room for large organizations", () => {
    const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { runtime: unknown };
    assert.deepEqual(project.runtime, { name: "nodejs", options: { typescript: false, nodeargs: "--max-old-space-size=8192" } });
  });

  it("its entry, package.json main, loads index.ts through Sucrase and exports the program function, without stack frames", () => {
    // A fresh process, as Pulumi's run script requires the project folder: this one already loads TypeScript (mocha's hook).
    const script =
      "const entry = process.cwd() + '/'; const program = require(entry); console.log(JSON.stringify([require.resolve(entry), typeof program, program.length, Error.stackTraceLimit]))";
    const run = (env: Record<string, string>) => spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });
    const shipped = run({});
    assert.equal(shipped.status, 0, shipped.stderr);
    assert.deepEqual(JSON.parse(shipped.stdout), [path.join(ROOT, "bin", "program.js"), "function", 0, 0]);
    assert.equal(JSON.parse(run({ [STACK_TRACE_LIMIT]: "50" }).stdout)[3], 50);
    assert.equal(JSON.parse(run({ PULUMI_DEBUG_PROMISE_LEAKS: "1" }).stdout)[3], 10, "the promise-leak report is made of stack traces: Node's default");
    const wrong = run({ [STACK_TRACE_LIMIT]: "lots" });
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /SSO_ACCESS_STACK_TRACE_LIMIT is "lots": set it to a number of stack frames \(such as 50\) or Infinity, or unset it/);
  });

  it("an error of the program says how to see where it happened; a problem of the access file is left as it is", async () => {
    const limit = Error.stackTraceLimit;
    try {
      Error.stackTraceLimit = 0;
      const bug = withStackHint(new TypeError("Cannot read properties of undefined (reading 'arn')")) as Error;
      const message =
        "Cannot read properties of undefined (reading 'arn')\n(printed without where it happened: run again with SSO_ACCESS_STACK_TRACE_LIMIT=50 to see that)";
      assert.equal(bug.message, message);
      assert.equal(bug.stack, `TypeError: ${message}`);
      const problem = new pulumi.RunError("access.yaml:3:5: accounts.prod.id: ...");
      assert.equal((withStackHint(problem) as Error).message, "access.yaml:3:5: accounts.prod.id: ...");
      const frozen = Object.freeze(new Error("frozen"));
      assert.equal(withStackHint(frozen), frozen);
      assert.equal(frozen.message, "frozen");
      Error.stackTraceLimit = 10;
      assert.equal((withStackHint(new Error("with frames")) as Error).message, "with frames");
    } finally {
      Error.stackTraceLimit = limit;
    }
  });

  it("the program's errors keep their frames when asked to (applyStackTraceLimit)", () => {
    const limit = Error.stackTraceLimit;
    try {
      const after = (env: Record<string, string>) => (applyStackTraceLimit(env), Error.stackTraceLimit);
      assert.deepEqual(
        [after({}), after({ [STACK_TRACE_LIMIT]: "" }), after({ [STACK_TRACE_LIMIT]: "Infinity" }), after({ [STACK_TRACE_LIMIT]: "7" })],
        [0, 0, Infinity, 7],
      );
      assert.throws(() => applyStackTraceLimit({ [STACK_TRACE_LIMIT]: "-1" }), /SSO_ACCESS_STACK_TRACE_LIMIT is "-1"/);
    } finally {
      Error.stackTraceLimit = limit;
    }
  });
});
