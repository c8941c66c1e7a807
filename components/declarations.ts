import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LOOKUP, TYPE, isRef, type Decl, type LookupToken, type Part, type Ref, type Value } from "../matrix/expand/plan";

/**
 * Declares the plan's resources as Pulumi resources. Components hand it their part of the plan; it constructs each
 * child with the plan's logical name and inputs, and resolves the plan's references (ARNs and ids known only in AWS)
 * to the outputs of resources declared before. Nothing here decides what exists or how it is named: that is
 * matrix/expand/expand.ts, shared with the offline plan.
 */

type ResourceClass = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The AWS resource classes by the type token the plan uses; a test checks each class registers under that token. */
export const RESOURCE_CLASSES: Partial<Record<Decl["type"], ResourceClass>> = {
  [TYPE.permissionSet]: aws.ssoadmin.PermissionSet,
  [TYPE.managedPolicies]: aws.ssoadmin.ManagedPolicyAttachmentsExclusive,
  [TYPE.customerManagedPolicies]: aws.ssoadmin.CustomerManagedPolicyAttachmentsExclusive,
  [TYPE.inlinePolicy]: aws.ssoadmin.PermissionSetInlinePolicy,
  [TYPE.permissionsBoundary]: aws.ssoadmin.PermissionsBoundaryAttachment,
  [TYPE.group]: aws.identitystore.Group,
  [TYPE.groupMembership]: aws.identitystore.GroupMembership,
  [TYPE.user]: aws.identitystore.User,
  [TYPE.accountAssignment]: aws.ssoadmin.AccountAssignment,
  [TYPE.accessControlAttributes]: aws.ssoadmin.InstanceAccessControlAttributes,
};

type LookupFunction = (args: never, opts: pulumi.InvokeOutputOptions) => pulumi.Output<Record<string, unknown>>;

const LOOKUP_FUNCTIONS: Record<Exclude<LookupToken, typeof LOOKUP.instances>, LookupFunction> = {
  [LOOKUP.group]: aws.identitystore.getGroupOutput as unknown as LookupFunction,
  [LOOKUP.user]: aws.identitystore.getUserOutput as unknown as LookupFunction,
  [LOOKUP.permissionSet]: aws.ssoadmin.getPermissionSetOutput as unknown as LookupFunction,
};

/** The Identity Center instance every resource belongs to: plain strings when stack config names it, else lookup outputs. */
export interface Instance {
  readonly arn: pulumi.Input<string>;
  readonly identityStoreId: pulumi.Input<string>;
}

/** The URN of a resource of `type` named `name` under `parent`, computed as pulumi.createUrn does (`parentUrn` when known). */
export function childUrn(name: string, type: string, parent: pulumi.Resource, parentUrn?: string): pulumi.Input<string> {
  if (parentUrn === undefined) return pulumi.createUrn(name, type, parent);
  return `${parentUrn.slice(0, parentUrn.lastIndexOf("::"))}$${type}::${name}`;
}

/**
 * Resources declared between two turns of the event loop (components/accessMatrix.ts, declareAll), by measurement
 * (bench/README.md): 25 halves the peak memory of 250 at M and L, and is faster.
 */
export const BATCH = 25;

export class Declarations {
  private declaredSinceBreath = 0;
  private readonly resources = new Map<string, pulumi.CustomResource>();
  private readonly lookups = new Map<string, pulumi.Output<Record<string, unknown>>>();
  private readonly lookupOutputs = new Map<string, pulumi.Output<string>>();
  /** Resources that something depends on before they are declared (an attachment waits for assignments). */
  private readonly pending = new Map<string, { promise: Promise<pulumi.Resource>; resolve: (r: pulumi.Resource) => void }>();

  constructor(
    private readonly instance: Instance,
    private readonly provider: pulumi.ProviderResource,
    /** Import ids by declaration key (`type::name`): such a resource is taken over, not created (sso-access adopt). */
    private readonly imports: ReadonlyMap<string, string> = new Map(),
  ) {}

  /**
   * Declares a part's lookups and children, in plan order, as children of `parent`. `parentUrn` is the parent's URN
   * when it is known without waiting (a top-level component): aliases then cost a string, not three Outputs each.
   */
  declare(plan: Part, parent: pulumi.Resource, parentUrn?: string): void {
    this.declareLookups(plan, parent);
    for (const decl of plan.children) {
      const [Class, args, opts] = this.construction(decl, parent, parentUrn);
      this.declared(decl, new Class(decl.name, args, opts));
    }
  }

  /**
   * declare, letting the event loop turn every BATCH resources inside the part too: an account with twenty thousand
   * assignments, or a group with five thousand members, is never declared in one burst. Its first resource is
   * declared before this returns (a group's own resource, which its component's output refers to).
   */
  async declareInBatches(plan: Part, parent: pulumi.Resource, parentUrn?: string): Promise<void> {
    this.declareLookups(plan, parent);
    for (const decl of plan.children) {
      const [Class, args, opts] = this.construction(decl, parent, parentUrn);
      this.declared(decl, new Class(decl.name, args, opts));
      await this.breathe();
    }
  }

  private declareLookups(plan: Part, parent: pulumi.Resource): void {
    for (const lookup of plan.lookups) {
      const call = LOOKUP_FUNCTIONS[lookup.token as keyof typeof LOOKUP_FUNCTIONS];
      this.lookups.set(lookup.key, call(this.resolve(lookup.args) as never, { parent, provider: this.provider }));
    }
  }

  /**
   * How a planned resource is constructed: its class, inputs (references resolved) and options. The loops above
   * call `new` themselves rather than through a helper: with stack traces on, the Pulumi SDK captures one for each
   * of the dozens of promises a registration makes, and every frame on the stack is paid for each (at 1,000
   * accounts, one frame more was about 3 s; bench/README.md).
   */
  private construction(decl: Decl, parent: pulumi.Resource, parentUrn?: string): [ResourceClass, never, pulumi.CustomResourceOptions] {
    const Class = RESOURCE_CLASSES[decl.type];
    if (!Class) throw new Error(`no resource class for ${decl.type}`);
    const opts: pulumi.CustomResourceOptions = {
      parent,
      provider: this.provider,
      ...(decl.dependsOn.length ? { dependsOn: this.after(decl.dependsOn) } : {}),
      ...(decl.formerParent ? { aliases: [{ parent: childUrn(decl.formerParent.name, decl.formerParent.type, parent, parentUrn) }] } : {}),
      ...(this.imports.has(decl.key) ? { import: this.imports.get(decl.key) } : {}),
    };
    return [Class, this.resolve(decl.inputs) as never, opts];
  }

  private declared(decl: Decl, resource: pulumi.CustomResource): void {
    this.resources.set(decl.key, resource);
    this.declaredSinceBreath++;
    this.pending.get(decl.key)?.resolve(resource);
  }

  /** Lets the event loop turn (and registrations in flight settle) once a batch of resources is declared. */
  async breathe(): Promise<void> {
    if (this.declaredSinceBreath < BATCH) return;
    this.declaredSinceBreath = 0;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** The output a reference names: a resource's own output as it is (wrapping it again costs two more Outputs). */
  output(ref: Ref): pulumi.Output<string> {
    const value = this.resolve(ref);
    return (pulumi.Output.isInstance(value) ? value : pulumi.output(value)) as pulumi.Output<string>;
  }

  /**
   * Fails if something depends on a resource that was never declared. danglingReferences (checked before anything
   * is declared) makes this unreachable unless a part of the plan was skipped.
   */
  finish(): void {
    const missing = [...this.pending.keys()].filter((key) => !this.resources.has(key));
    if (missing.length) throw new Error(`resources depended on but never declared: ${missing.join(", ")}`);
  }

  /**
   * The resources `keys` name, each the resource itself or a promise of it when it is declared later. An array of
   * promises, never a promise of an array: the SDK wraps a promised list in an Output (mergeOptions), whose
   * resolution walks every listed resource's whole object graph several times (bench/README.md, what each fix did).
   */
  private after(keys: readonly string[]): pulumi.Input<pulumi.Resource>[] {
    return keys.map((key) => this.resources.get(key) ?? this.waitFor(key));
  }

  private waitFor(key: string): Promise<pulumi.Resource> {
    let entry = this.pending.get(key);
    if (!entry) {
      let resolve!: (r: pulumi.Resource) => void;
      const promise = new Promise<pulumi.Resource>((r) => (resolve = r));
      entry = { promise, resolve };
      this.pending.set(key, entry);
    }
    return entry.promise;
  }

  /** One Output per lookup result field, however many assignments use it (an external group may be in hundreds). */
  private lookupOutput(key: string, field: string): pulumi.Output<string> {
    const id = `${key}\u0000${field}`;
    let out = this.lookupOutputs.get(id);
    if (!out) {
      const lookup = this.lookups.get(key);
      if (!lookup) throw new Error(`lookup ${key} is used before it is declared`);
      out = lookup.apply((result) => result[field] as string);
      this.lookupOutputs.set(id, out);
    }
    return out;
  }

  private resolve(value: Value): pulumi.Input<unknown> {
    if (typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (isRef(value as Value)) {
      const ref = value as Ref;
      if ("$instance" in ref) return this.instance[ref.$instance];
      if ("$lookup" in ref) {
        return this.lookupOutput(ref.$lookup, ref.output);
      }
      const resource = this.resources.get(ref.$ref);
      if (!resource) throw new Error(`${ref.$ref} is used before it is declared`);
      return (resource as unknown as Record<string, pulumi.Output<string>>)[ref.output];
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v as Value)]));
  }
}
