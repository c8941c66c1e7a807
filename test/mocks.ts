import * as pulumi from "@pulumi/pulumi";
import { LOOKUP, TYPE, declKey, isRef, type Plan, type Ref, type Value } from "../matrix/expand/plan";
import { loadMatrixFile } from "../matrix/checks/pipeline";
import { inventoryOf } from "../matrix/model/accounts";

/**
 * The one mocks helper of the test suite. It records every registration (type, logical name, parent, inputs,
 * provider, dependencies) and every invoke, returns the attributes the program reads (arn, groupId, userId) as
 * deterministic functions of the inputs, and throws on an invoke it does not know, so that a new lookup cannot
 * silently return nonsense.
 */

export interface Registration {
  readonly type: string;
  readonly name: string;
  /** `type::name` of the parent, null at the top. */
  readonly parent: string | null;
  readonly inputs: Record<string, unknown>;
  readonly custom: boolean;
  /** `type::name` of the provider, for custom resources. */
  readonly provider: string | null;
  /** `type::name` of every resource this one depends on (explicit dependsOn and input references). */
  readonly dependencies: string[];
  /** The URN the engine gives it: its parent's type chain, its type and its name. */
  readonly urn: string;
  /** The URNs of its aliases, each as the engine derives it from the alias's parent URN, this type and name. */
  readonly aliases: string[];
  /** The id it is imported with (the `import` resource option), if any. */
  readonly importId?: string;
  /** Position in registration order. */
  readonly order: number;
}

export interface Invocation {
  readonly token: string;
  readonly args: Record<string, unknown>;
}

export const MOCK_INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-0000000000000000";
export const MOCK_IDENTITY_STORE_ID = "d-0000000000";

/** The attribute values the mocks compute, exported so tests can predict them. */
export const mockValues = {
  permissionSetArn: (name: string) => `arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-${name}`,
  groupId: (displayName: string) => `group-${displayName}`,
  userId: (userName: string) => `user-${userName}`,
  externalGroupId: (displayName: string) => `external-group-${displayName}`,
  externalUserId: (userName: string) => `external-user-${userName}`,
  existingPermissionSetArn: (name: string) => `arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-existing-${name}`,
};

/** `type::name` from a URN `urn:pulumi:stack::project::parent$type::name`. */
export function keyOfUrn(urn: string): string {
  const parts = urn.split("::");
  const type = parts[2].split("$").pop()!;
  return declKey(type, parts.slice(3).join("::"));
}

export class RecordingMocks implements pulumi.runtime.Mocks {
  registrations: Registration[] = [];
  invocations: Invocation[] = [];
  /** What ssoadmin.getInstances returns; tests change it to provoke errors. */
  instances = { arns: [MOCK_INSTANCE_ARN], identityStoreIds: [MOCK_IDENTITY_STORE_ID] };
  /** The outputs the stack's last deployment left, as a StackReference to the stack itself reads them. */
  stackOutputs: Record<string, unknown> = {};
  /** Names of the stacks read through StackReference (kept apart from the registrations of the program). */
  stackReferences: string[] = [];
  /** AWS Organizations as the Organizations data sources answer; unset, runIndex mirrors the access file's inventory. */
  organization: MockOrganization | undefined;
  /** The Organizations data sources called, by token (kept apart from the Identity Center lookups). */
  organizationCalls: string[] = [];
  /** Set by the monitor hook just before each newResource call (synchronously, so no interleaving). */
  private meta: { parent: string; dependencies: string[]; aliasParents: string[] } | undefined;

  reset(): void {
    this.registrations = [];
    this.invocations = [];
    this.instances = { arns: [MOCK_INSTANCE_ARN], identityStoreIds: [MOCK_IDENTITY_STORE_ID] };
    this.stackOutputs = {};
    this.stackReferences = [];
    this.organization = undefined;
    this.organizationCalls = [];
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    const meta = this.meta;
    this.meta = undefined;
    if (args.type === "pulumi:pulumi:StackReference") {
      this.stackReferences.push(args.inputs.name);
      return { id: args.inputs.name, state: { name: args.inputs.name, outputs: this.stackOutputs, secretOutputNames: [] } };
    }
    this.registrations.push({
      type: args.type,
      name: args.name,
      parent: meta?.parent ? keyOfUrn(meta.parent) : null,
      inputs: args.inputs,
      custom: args.custom ?? false,
      provider: args.provider ? keyOfUrn(args.provider.split("::").slice(0, -1).join("::")) : null,
      dependencies: (meta?.dependencies ?? []).map(keyOfUrn),
      urn: childUrn(meta?.parent ?? "", args.type, args.name),
      aliases: (meta?.aliasParents ?? []).map((parent) => childUrn(parent, args.type, args.name)),
      ...(args.id ? { importId: args.id } : {}),
      order: this.registrations.length,
    });
    const computed: Record<string, unknown> = {};
    if (args.type === TYPE.permissionSet) computed.arn = mockValues.permissionSetArn(args.inputs.name);
    if (args.type === TYPE.group) computed.groupId = mockValues.groupId(args.inputs.displayName);
    if (args.type === TYPE.user) computed.userId = mockValues.userId(args.inputs.userName);
    return { id: args.custom ? `${args.name}-id` : undefined, state: { ...args.inputs, ...computed } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    if (args.token.startsWith("aws:organizations/")) return this.organizationCall(args.token, args.inputs);
    this.invocations.push({ token: args.token, args: args.inputs });
    const attribute = (args.inputs.alternateIdentifier as { uniqueAttribute: { attributeValue: string } } | undefined)?.uniqueAttribute.attributeValue;
    switch (args.token) {
      case LOOKUP.instances:
        return { ...this.instances, id: "instances" };
      case LOOKUP.group:
        return { groupId: mockValues.externalGroupId(attribute!), displayName: attribute, identityStoreId: args.inputs.identityStoreId };
      case LOOKUP.permissionSet:
        return { arn: mockValues.existingPermissionSetArn(args.inputs.name as string), name: args.inputs.name, instanceArn: args.inputs.instanceArn };
      case LOOKUP.user:
        return { userId: mockValues.externalUserId(attribute!), userName: attribute, identityStoreId: args.inputs.identityStoreId };
      default:
        throw new Error(`the mocks do not know the invoke ${args.token}; add it to test/mocks.ts`);
    }
  }

  /** The Organizations data sources the program reads its inventory check from, answered from `organization`. */
  private organizationCall(token: string, inputs: Record<string, string>): Record<string, unknown> {
    this.organizationCalls.push(token);
    const org = this.organization ?? { accounts: [] };
    const ouId = (path: readonly string[]) => (path.length ? `ou-${path.join("-").toLowerCase()}` : "r-root");
    const account = (a: MockOrganization["accounts"][number]) => ({
      id: a.id,
      name: a.name,
      state: a.state,
      status: a.state,
      arn: "",
      email: "",
      joinedMethod: "",
      joinedTimestamp: "",
    });
    switch (token) {
      case "aws:organizations/getOrganization:getOrganization":
        return {
          id: "o-mock",
          masterAccountId: org.managementAccountId ?? "",
          accounts: org.accounts.map(account),
          roots: [{ id: "r-root", name: "Root", arn: "", policyTypes: [] }],
        };
      case "aws:organizations/getOrganizationalUnits:getOrganizationalUnits": {
        const children = new Map<string, string>();
        for (const a of org.accounts)
          a.path.forEach((name, i) => {
            if (ouId(a.path.slice(0, i)) === inputs.parentId) children.set(ouId(a.path.slice(0, i + 1)), name);
          });
        return { id: inputs.parentId, parentId: inputs.parentId, children: [...children].map(([id, name]) => ({ id, name, arn: "" })) };
      }
      case "aws:organizations/getOrganizationalUnitChildAccounts:getOrganizationalUnitChildAccounts":
        return { id: inputs.parentId, parentId: inputs.parentId, accounts: org.accounts.filter((a) => ouId(a.path) === inputs.parentId).map(account) };
      case "aws:organizations/getResourceTags:getResourceTags":
        return { id: inputs.resourceId, resourceId: inputs.resourceId, tags: org.accounts.find((a) => a.id === inputs.resourceId)?.tags ?? {} };
      default:
        throw new Error(`the mocks do not know the invoke ${token}; add it to test/mocks.ts`);
    }
  }

  /** Installs these mocks (once per mocha process) and hooks the mock monitor to see parents and dependencies. */
  async install(): Promise<void> {
    await pulumi.runtime.setMocks(this, "sso-access", "test", false, "organization");
    const monitor = pulumi.runtime.getMonitor() as unknown as {
      registerResource: (req: RegisterRequest, callback: unknown) => unknown;
    };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
      this.meta = {
        parent: req.getParent(),
        dependencies: req.getDependenciesList(),
        aliasParents: req.getAliasesList().map((a) => a.getSpec()?.getParenturn() ?? ""),
      };
      return original(req, callback);
    };
  }
}

/** An organization as the Organizations data sources describe it. */
export interface MockOrganization {
  readonly managementAccountId?: string;
  readonly accounts: readonly { id: string; name: string; state: string; path: readonly string[]; tags: Readonly<Record<string, string>> }[];
}

/** The organization an access file describes: what a stack whose inventory is right reads from AWS. */
export function organizationOf(file: string): MockOrganization {
  const loaded = loadMatrixFile(file);
  if (!loaded.ok) return { accounts: [] };
  const inventory = inventoryOf(loaded.value.matrix.accounts);
  return {
    managementAccountId: inventory.find((a) => a.management)?.id,
    accounts: inventory.map((a) => ({ id: a.id, name: a.name, state: a.status ?? "ACTIVE", path: a.ou ? a.ou.split("/") : [], tags: a.tags ?? {} })),
  };
}

interface RegisterRequest {
  getParent(): string;
  getDependenciesList(): string[];
  getAliasesList(): { getSpec(): { getParenturn(): string } | undefined }[];
}

/**
 * The URN of a resource of `type` named `name` under `parentUrn` (the stack when empty), as the engine forms it:
 * `urn:pulumi:stack::project::` then the parent's type chain (the stack's own type left out), `$type`, `::name`.
 */
export function childUrn(parentUrn: string, type: string, name: string): string {
  const [stack, project] = [pulumi.getStack(), pulumi.getProject()];
  if (!parentUrn) return `urn:pulumi:${stack}::${project}::${type}::${name}`;
  const chain = parentUrn.split("::")[2];
  return chain === "pulumi:pulumi:Stack" ? `urn:pulumi:${stack}::${project}::${type}::${name}` : `urn:pulumi:${stack}::${project}::${chain}$${type}::${name}`;
}

/** Resolves once every registration and invoke started so far has completed. */
export async function settled(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  await settings.waitForRPCs();
}

/**
 * Resolves once `count` registrations are recorded, then once more the event loop has turned (a registration past
 * the count would be recorded by then). For tests that run after a deliberately failed run, whose registrations
 * never settle. Rejects after `seconds`, naming how many arrived.
 */
export async function registered(mocks: RecordingMocks, count: number, seconds = 30): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (mocks.registrations.length < count) {
    if (Date.now() > deadline) throw new Error(`${mocks.registrations.length} of ${count} registrations arrived in ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Reads an Output's value. */
export const valueOf = <T>(o: pulumi.Output<T>): Promise<T> => new Promise<T>((resolve) => o.apply(resolve));

/** Where the mocks can be shared across test files (setMocks must happen once per process). */
let shared: RecordingMocks | undefined;
export async function sharedMocks(): Promise<RecordingMocks> {
  if (!shared) {
    shared = new RecordingMocks();
    await shared.install();
  }
  shared.reset();
  return shared;
}

/** The value each plan reference takes under these mocks, so that a plan's inputs can be compared with recorded ones. */
export function resolveUnderMocks(value: Value, plan: Plan): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => resolveUnderMocks(v, plan));
  if (isRef(value as Value)) return resolveRef(value as Ref, plan);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveUnderMocks(v as Value, plan)]));
}

function resolveRef(ref: Ref, plan: Plan): string {
  if ("$instance" in ref) return ref.$instance === "arn" ? MOCK_INSTANCE_ARN : MOCK_IDENTITY_STORE_ID;
  const components = [...plan.permissionSets, ...plan.users, ...plan.groups];
  if ("$lookup" in ref) {
    const lookup = components.flatMap((c) => c.lookups).find((l) => l.key === ref.$lookup)!;
    const attribute = (lookup.args.alternateIdentifier as { uniqueAttribute: { attributeValue: string } }).uniqueAttribute.attributeValue;
    return lookup.token === LOOKUP.group ? mockValues.externalGroupId(attribute) : mockValues.externalUserId(attribute);
  }
  const decl = components.flatMap((c) => c.children).find((d) => d.key === ref.$ref)!;
  if (decl.type === TYPE.permissionSet) return mockValues.permissionSetArn(decl.inputs.name as string);
  if (decl.type === TYPE.group) return mockValues.groupId(decl.inputs.displayName as string);
  if (decl.type === TYPE.user) return mockValues.userId(decl.inputs.userName as string);
  throw new Error(`no mock value for ${ref.$ref}.${ref.output}`);
}

/**
 * Runs index.ts as the Pulumi engine does: a fresh copy of the module, its exported async function awaited. Resolves
 * to the stack outputs; rejects with the RunError the program stops with. Set config and mocks before.
 */
export async function runIndex(): ReturnType<typeof import("../index")> {
  // Unless a test says otherwise, AWS Organizations agrees with the access file the stack deploys.
  if (shared && !shared.organization) shared.organization = organizationOf(new pulumi.Config("sso-access").get("accessFile") || "access.yaml");
  const id = require.resolve("../index");
  delete require.cache[id];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const main = require("../index") as typeof import("../index");
  return main();
}
