import * as fs from "node:fs";
import * as path from "node:path";
import { Option, type Command } from "commander";
import { plural } from "../../matrix/common/words";
import type { CallPlan, ReadOptions, ReadResult, SnapshotClients } from "../snapshot/reader";
import { printableJson, type Io } from "../output";
import { loadMatrixFile } from "../../matrix/checks/pipeline";
import { accessFileOf } from "../stacks";
import { EXIT, EXIT_CODES, STACK_HELP, UsageError, type CommandContext } from "./context";

interface SnapshotOptions {
  region?: string;
  stack?: string;
  out?: string;
  instanceArn?: string;
  plan: CallPlan;
}

/**
 * The SDK clients, with adaptive retries: Identity Center throttles its APIs together. Credentials: the usual chain.
 * The SDK is loaded here, not with the command line: the offline commands never pay for it.
 */
export async function snapshotClients(region: string): Promise<SnapshotClients> {
  const [{ SSOAdminClient }, { IdentitystoreClient }, { OrganizationsClient }] = await Promise.all([
    import("@aws-sdk/client-sso-admin"),
    import("@aws-sdk/client-identitystore"),
    import("@aws-sdk/client-organizations"),
  ]);
  const config = { region, retryMode: "adaptive", maxAttempts: 10 };
  return { ssoAdmin: new SSOAdminClient(config), identityStore: new IdentitystoreClient(config), organizations: new OrganizationsClient(config) };
}

/** identityCenter.region of the access file the stack deploys, when there is one and it loads. */
function regionOfAccessFile(stack: string | undefined): string | undefined {
  try {
    const loaded = loadMatrixFile(accessFileOf(undefined, stack), process.cwd(), { guardrails: false });
    return loaded.ok ? loaded.value.matrix.identityCenter.region : undefined;
  } catch {
    return undefined;
  }
}

/** An error out of the AWS SDK, as one sentence: who refused what, or what is missing. */
export function awsProblem(error: unknown): string | undefined {
  const e = error as { name?: string; message?: string; $metadata?: unknown };
  if (e?.name === "CredentialsProviderError" || e?.name === "ProviderError")
    return `no AWS credentials found (${e.message}); sign in (aws sso login, or environment variables) as a role with the snapshot policy in the README`;
  if (e?.$metadata !== undefined) return `AWS answered ${e.name}: ${e.message}`;
  return undefined;
}

/**
 * Reads the live Identity Center (progress on standard error); undefined once a refusal or a missing credential is
 * said in one sentence. The SDK and the reader are loaded here, never by the offline commands.
 */
export async function takeSnapshot(
  region: string,
  options: Omit<ReadOptions, "region" | "progress">,
  io: Io,
  consequence: string,
  clients: (region: string) => Promise<SnapshotClients> = snapshotClients,
): Promise<ReadResult | undefined> {
  const { readSnapshot, SnapshotError } = await import("../snapshot/reader");
  try {
    return await readSnapshot(await clients(region), { region, ...options, progress: (line) => io.err(`snapshot: ${line}`) });
  } catch (error) {
    const said = error instanceof SnapshotError ? error.message : awsProblem(error);
    if (said === undefined) throw error;
    io.err(`sso-access: ${said}; ${consequence}`);
    return undefined;
  }
}

/** `snapshot`: the live Identity Center, read into one JSON file in the AWS APIs' shapes. */
export function registerSnapshot(
  program: Command,
  { io, setExitCode }: CommandContext,
  clients: (region: string) => Promise<SnapshotClients> = snapshotClients,
): void {
  program
    .command("snapshot")
    .description("read the live Identity Center (and AWS Organizations) into one JSON file, for adopt and drift; needs AWS credentials")
    .option("--region <region>", "the Identity Center's home region (default: identityCenter.region of the access file the stack deploys, else AWS_REGION)")
    .option("--stack <name>", STACK_HELP)
    .option("--out <file>", "write the snapshot here (default: standard output)")
    .option("--instance-arn <arn>", "the instance to read, when the region has more than one")
    .addOption(
      new Option("--plan <plan>", "how assignments are read: per principal, per provisioned (set, account) pair, or the cheaper")
        .choices(["auto", "principal", "provisioned"])
        .default("auto"),
    )
    .addHelpText("after", `\nProgress goes to standard error; the snapshot is written whole or not at all.${EXIT_CODES}`)
    .action(async (o: SnapshotOptions) => {
      const region = o.region ?? regionOfAccessFile(o.stack) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
      if (!region) throw new UsageError("name the Identity Center's home region: --region eu-west-1 (or set AWS_REGION)");
      const result = await takeSnapshot(region, { plan: o.plan, ...(o.instanceArn ? { instanceArn: o.instanceArn } : {}) }, io, "nothing was written", clients);
      if (!result) return setExitCode(EXIT.problems);
      const { snapshot, calls, plan } = result;
      const text = `${printableJson(snapshot)}\n`;
      if (o.out) {
        const staged = path.join(path.dirname(path.resolve(o.out)), `.${path.basename(o.out)}.${process.pid}.tmp`);
        fs.writeFileSync(staged, text, { flag: "wx" });
        fs.renameSync(staged, o.out);
      } else io.out(text);
      io.err(
        `snapshot: ${plural(snapshot.accounts.length, "account")}, ${plural(snapshot.permissionSets.length, "permission set")}, ${plural(snapshot.groups.length, "group")}, ${plural(snapshot.users.length, "user")}, ${plural(snapshot.groupMemberships.length, "membership")}, ${plural(snapshot.accountAssignments.length, "assignment")} in ${plural(calls, "call")} (assignments read per ${plan.used === "principal" ? "principal" : "provisioned (set, account) pair"}: ${plan.why})${o.out ? `; written to ${o.out}` : ""}.`,
      );
      setExitCode(EXIT.ok);
    });
}
