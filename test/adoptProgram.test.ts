import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { TYPE } from "../matrix/expand/plan";
import { importId, type AdoptFile } from "../matrix/live/importIds";
import { ROOT } from "./cliRun";
import { runIndex, settled, sharedMocks, valueOf, type RecordingMocks } from "./mocks";

const GOLDEN = path.join(ROOT, "test/fixtures/snapshots/professional-af.adopted");
const ADOPT: AdoptFile = JSON.parse(fs.readFileSync(path.join(GOLDEN, "adopt.json"), "utf8"));

describe("the program adopts: sso-access:adoptFile", () => {
  let mocks: RecordingMocks;
  before(async () => {
    mocks = await sharedMocks();
  });
  const run = async (config: Record<string, string>, deployed?: unknown) => {
    mocks.reset();
    if (deployed) mocks.stackOutputs = { deployed };
    pulumi.runtime.setAllConfig({ "sso-access:accessFile": path.join(GOLDEN, "access.yaml"), ...config });
    const outputs = await runIndex();
    await settled();
    return outputs;
  };

  it("declares every AWS resource of the adopted file with its import id, and the instance it was adopted from", async () => {
    const outputs = await run({ "sso-access:adoptFile": path.join(GOLDEN, "adopt.json") });
    const aws = mocks.registrations.filter((r) => r.custom && r.type.startsWith("aws:"));
    assert.equal(aws.length, 27);
    assert.deepEqual(
      aws.map((r) => [r.type, r.name, r.importId]).sort(),
      Object.entries(ADOPT.resources)
        .flatMap(([type, byName]) => Object.entries(byName).map(([name, id]) => [type, name, id]))
        .sort(),
    );
    assert.deepEqual(mocks.invocations, [], "no instance lookup: the adopt file names it");
    assert.equal(await valueOf(outputs.instanceArn), ADOPT.instanceArn);
    const set = aws.find((r) => r.type === TYPE.permissionSet && r.name === "Admin")!;
    assert.equal(set.inputs.instanceArn, ADOPT.instanceArn);
    assert.equal(aws.find((r) => r.type === TYPE.user)!.inputs.identityStoreId, ADOPT.identityStoreId);
  });

  it("refuses the key on a stack that has deployed, and an adopt file of another instance, before declaring anything", async () => {
    const adoptFile = { "sso-access:adoptFile": path.join(GOLDEN, "adopt.json") };
    await assert.rejects(run(adoptFile, { assignments: [], memberships: [], users: [] }), (e: Error) => {
      assert.ok(e instanceof pulumi.RunError);
      assert.equal(
        e.message,
        "sso-access:adoptFile is for a stack's first deployment, and this stack has deployed already: remove the key (pulumi config rm sso-access:adoptFile); nothing was changed",
      );
      return true;
    });
    assert.deepEqual(
      mocks.registrations.filter((r) => r.custom).map((r) => r.type),
      [],
    );
    const other = "arn:aws:sso:::instance/ssoins-1111111111111111";
    await assert.rejects(run({ ...adoptFile, "sso-access:instanceArn": other }), {
      message: `sso-access:instanceArn is ${other}, but ${path.join(GOLDEN, "adopt.json")} was adopted from ${ADOPT.instanceArn}: adopt a snapshot of this stack's instance; nothing was changed`,
    });
  });

  it("a broken adopt file is a located problem", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-adopt-")), "adopt.json");
    fs.writeFileSync(file, JSON.stringify({ ...ADOPT, resources: { "aws:ssoadmin/PermissionSet": {} } }, null, 2));
    await assert.rejects(run({ "sso-access:adoptFile": file }), (e: Error) => {
      assert.match(e.message, /^1 problem in .*adopt\.json:\n.*adopt\.json:6:5  resources\["aws:ssoadmin\/PermissionSet"\]  /);
      return true;
    });
  });
});

describe("import ids follow the provider's documented formats", () => {
  /** Each `pulumi import <type> <name> <id>` example of the `## Import` section of the resource's declaration. */
  const documented = (module: string) => {
    const text = fs.readFileSync(path.join(ROOT, "node_modules/@pulumi/aws", `${module}.d.ts`), "utf8");
    const section = text.slice(text.indexOf("## Import"));
    return /\$ pulumi import (\S+) \S+ (\S+)/.exec(section)!.slice(1);
  };
  it("for every AWS resource type the program declares", () => {
    const cases: [string, string, (example: string) => string][] = [
      // The example's own values, put back together by our function: the same string, or the formats differ.
      ["ssoadmin/permissionSet", TYPE.permissionSet, (x) => importId.permissionSet(...(x.split(",") as [string, string]))],
      ["ssoadmin/managedPolicyAttachmentsExclusive", TYPE.managedPolicies, (x) => importId.policyAttachmentsExclusive(...(x.split(",") as [string, string]))],
      [
        "ssoadmin/customerManagedPolicyAttachmentsExclusive",
        TYPE.customerManagedPolicies,
        (x) => importId.policyAttachmentsExclusive(...(x.split(",") as [string, string])),
      ],
      ["ssoadmin/permissionSetInlinePolicy", TYPE.inlinePolicy, (x) => importId.inlinePolicy(...(x.split(",") as [string, string]))],
      ["ssoadmin/permissionsBoundaryAttachment", TYPE.permissionsBoundary, (x) => importId.permissionsBoundary(...(x.split(",") as [string, string]))],
      ["identitystore/group", TYPE.group, (x) => importId.identityStoreEntity(...(x.split("/") as [string, string]))],
      ["identitystore/groupMembership", TYPE.groupMembership, (x) => importId.identityStoreEntity(...(x.split("/") as [string, string]))],
      ["identitystore/user", TYPE.user, (x) => importId.identityStoreEntity(...(x.split("/") as [string, string]))],
      ["ssoadmin/instanceAccessControlAttributes", TYPE.accessControlAttributes, (x) => importId.accessControlAttributes(x)],
      [
        "ssoadmin/accountAssignment",
        TYPE.accountAssignment,
        (x) => {
          const [principal, type, account, , set, instance] = x.split(",");
          return importId.accountAssignment(principal, type, account, set, instance);
        },
      ],
    ];
    for (const [module, type, rebuild] of cases) {
      const [token, example] = documented(module);
      assert.equal(token, type);
      assert.equal(rebuild(example), example, module);
    }
    // The order of the ARNs is what differs between them, and what the examples pin: instance first only for the
    // exclusive attachments.
    assert.match(documented("ssoadmin/managedPolicyAttachmentsExclusive")[1], /^arn:aws:sso:::instance\//);
    assert.match(documented("ssoadmin/permissionSet")[1], /^arn:aws:sso:::permissionSet\//);
    // Every AWS resource type of the program is covered.
    assert.deepEqual(
      cases.map((c) => c[1]).sort(),
      Object.values(TYPE)
        .filter((t) => t.startsWith("aws:"))
        .sort(),
    );
  });
});
