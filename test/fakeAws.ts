import type { Snapshot } from "../matrix/live/snapshot";
import type { SnapshotClients } from "../cli/snapshot/reader";
import { IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";

/**
 * A fake Identity Center and AWS Organizations behind the AWS SDK's own request path: the clients are real, with
 * their serializers, paginators, retries and error parsing; only the HTTP handler is replaced by this one, which
 * answers the JSON protocol from a snapshot (the fake organization). Pages are small, so pagination runs; it can
 * throttle every nth request and deny an operation.
 */

// The SDK warns once per process that its releases of 2027 will need Node 22: not what these tests look at.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

type Request = { headers: Record<string, string>; body?: unknown };
type Answer = { status: number; body: unknown };

export interface FakeOptions {
  /** Items per page; default 2. */
  readonly pageSize?: number;
  /** Answer every nth request with a ThrottlingException (0: never). */
  readonly throttleEvery?: number;
  /** Operations answered with AccessDeniedException. */
  readonly deny?: readonly string[];
}

export class FakeAws {
  /** Requests received, retries included; by operation. */
  readonly requests = new Map<string, number>();
  throttled = 0;
  private received = 0;
  private readonly ous = new Map<string, { name: string; parent: string }>();

  constructor(
    readonly snapshot: Snapshot,
    private readonly options: FakeOptions = {},
  ) {
    // The OU tree, from the accounts' paths: ids from the path of names.
    for (const a of snapshot.accounts) {
      (a.Path ?? []).forEach((name, i) => {
        const id = this.ouId(a.Path!.slice(0, i + 1));
        this.ous.set(id, { name, parent: i === 0 ? "r-root" : this.ouId(a.Path!.slice(0, i)) });
      });
    }
  }

  get total(): number {
    return this.received;
  }

  clients(): SnapshotClients {
    const config = (service: string) => ({
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake" },
      // The command's clients retry adaptively (cli/commands/snapshot.ts), which also slows the sending rate after a
      // throttle: right for AWS, minutes for a test. Standard retries run the same retry path with backoff only.
      retryMode: "standard",
      maxAttempts: 10,
      requestHandler: { handle: (request: Request) => this.handle(service, request) },
    });
    return {
      ssoAdmin: new SSOAdminClient(config("sso")),
      identityStore: new IdentitystoreClient(config("identitystore")),
      organizations: new OrganizationsClient(config("organizations")),
    };
  }

  private ouId = (path: readonly string[]) =>
    `ou-${path
      .join("-")
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "")}`;

  private async handle(_service: string, request: Request) {
    const target = request.headers["x-amz-target"] ?? request.headers["X-Amz-Target"];
    const operation = target.slice(target.indexOf(".") + 1);
    this.received++;
    this.requests.set(operation, (this.requests.get(operation) ?? 0) + 1);
    const input = JSON.parse(typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body as Uint8Array)) as Record<string, string>;
    let answer: Answer;
    if (this.options.throttleEvery && this.received % this.options.throttleEvery === 0) {
      this.throttled++;
      answer = { status: 400, body: { __type: "ThrottlingException", message: "Rate exceeded" } };
    } else if (this.options.deny?.includes(operation)) {
      answer = { status: 400, body: { __type: "AccessDeniedException", message: `User is not authorized to perform: ${operation}` } };
    } else answer = this.answer(operation, input);
    const body = new TextEncoder().encode(JSON.stringify(answer.body));
    return {
      response: {
        statusCode: answer.status,
        reason: "",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": `r${this.received}` },
        body,
      },
    };
  }

  /** A page of `items` from `token` on, with the next token when there are more. */
  private page<T>(items: readonly T[], key: string, token: string | undefined): Answer {
    const size = this.options.pageSize ?? 2;
    const start = token ? Number(token) : 0;
    const next = start + size < items.length ? { NextToken: String(start + size) } : {};
    return { status: 200, body: { [key]: items.slice(start, start + size), ...next } };
  }

  private answer(operation: string, input: Record<string, string>): Answer {
    const s = this.snapshot;
    const set = s.permissionSets.find((p) => p.PermissionSetArn === (input.PermissionSetArn ?? input.ResourceArn));
    const ok = (body: unknown): Answer => ({ status: 200, body });
    switch (operation) {
      case "ListInstances":
        return this.page(
          [{ InstanceArn: s.instance.InstanceArn, IdentityStoreId: s.instance.IdentityStoreId, Status: "ACTIVE" }],
          "Instances",
          input.NextToken,
        );
      case "DescribeInstanceAccessControlAttributeConfiguration":
        return s.accessControlAttributes
          ? ok({ Status: "ENABLED", InstanceAccessControlAttributeConfiguration: { AccessControlAttributes: s.accessControlAttributes } })
          : { status: 400, body: { __type: "ResourceNotFoundException", message: "No access control attribute configuration" } };
      case "ListPermissionSets":
        return this.page(
          s.permissionSets.map((p) => p.PermissionSetArn),
          "PermissionSets",
          input.NextToken,
        );
      case "DescribePermissionSet":
        return ok({
          PermissionSet: {
            Name: set!.Name,
            PermissionSetArn: set!.PermissionSetArn,
            Description: set!.Description,
            SessionDuration: set!.SessionDuration,
            RelayState: set!.RelayState,
          },
        });
      case "ListManagedPoliciesInPermissionSet":
        return this.page(set!.AttachedManagedPolicies ?? [], "AttachedManagedPolicies", input.NextToken);
      case "ListCustomerManagedPolicyReferencesInPermissionSet":
        return this.page(set!.CustomerManagedPolicyReferences ?? [], "CustomerManagedPolicyReferences", input.NextToken);
      case "GetInlinePolicyForPermissionSet":
        return ok(set!.InlinePolicy ? { InlinePolicy: set!.InlinePolicy } : {});
      case "GetPermissionsBoundaryForPermissionSet":
        return set!.PermissionsBoundary
          ? ok({ PermissionsBoundary: set!.PermissionsBoundary })
          : { status: 400, body: { __type: "ResourceNotFoundException", message: "Could not find PermissionsBoundary" } };
      case "ListTagsForResource":
        if (input.InstanceArn) return this.page(set!.Tags ?? [], "Tags", input.NextToken);
        return this.page(s.accounts.find((a) => a.Id === input.ResourceId)!.Tags ?? [], "Tags", input.NextToken);
      case "ListAccountAssignmentsForPrincipal":
        return this.page(
          s.accountAssignments
            .filter((a) => a.PrincipalId === input.PrincipalId && a.PrincipalType === input.PrincipalType)
            .map(({ AccountId, PermissionSetArn, PrincipalId, PrincipalType }) => ({ AccountId, PermissionSetArn, PrincipalId, PrincipalType })),
          "AccountAssignments",
          input.NextToken,
        );
      case "ListAccountsForProvisionedPermissionSet":
        return this.page(
          [...new Set(s.accountAssignments.filter((a) => a.PermissionSetArn === input.PermissionSetArn).map((a) => a.AccountId))].sort(),
          "AccountIds",
          input.NextToken,
        );
      case "ListAccountAssignments":
        return this.page(
          s.accountAssignments.filter((a) => a.PermissionSetArn === input.PermissionSetArn && a.AccountId === input.AccountId),
          "AccountAssignments",
          input.NextToken,
        );
      case "ListGroups":
        return this.page(
          s.groups.map((g) => ({ ...g, IdentityStoreId: s.instance.IdentityStoreId })),
          "Groups",
          input.NextToken,
        );
      case "ListUsers":
        return this.page(
          s.users.map((u) => ({ ...u, IdentityStoreId: s.instance.IdentityStoreId })),
          "Users",
          input.NextToken,
        );
      case "ListGroupMemberships":
        return this.page(
          s.groupMemberships.filter((m) => m.GroupId === input.GroupId).map((m) => ({ ...m, IdentityStoreId: s.instance.IdentityStoreId })),
          "GroupMemberships",
          input.NextToken,
        );
      case "DescribeOrganization":
        return ok({ Organization: { Id: "o-fake", MasterAccountId: s.managementAccountId } });
      case "ListRoots":
        return ok({ Roots: [{ Id: "r-root", Name: "Root" }] });
      case "ListOrganizationalUnitsForParent":
        return this.page(
          [...this.ous].filter(([, ou]) => ou.parent === input.ParentId).map(([Id, ou]) => ({ Id, Name: ou.name })),
          "OrganizationalUnits",
          input.NextToken,
        );
      case "ListAccountsForParent":
        return this.page(
          s.accounts
            .filter((a) => (a.Path?.length ? this.ouId(a.Path) : "r-root") === input.ParentId)
            .map((a) => ({ Id: a.Id, Name: a.Name, Email: a.Email, State: a.Status ?? "ACTIVE" })),
          "Accounts",
          input.NextToken,
        );
      default:
        return { status: 400, body: { __type: "UnknownOperationException", message: `the fake does not know ${operation}` } };
    }
  }
}
