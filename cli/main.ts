import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError } from "commander";
import { ConfigError, OptionError } from "./awsProfiles";
import { registerAwsConfig } from "./commands/awsConfig";
import { registerCheck } from "./commands/check";
import { EXIT, EXIT_CODES, UsageError, commandContext, type RegisterCommand } from "./commands/context";
import { registerDiff } from "./commands/diff";
import { registerPlan } from "./commands/plan";
import { registerAdopt } from "./commands/adopt";
import { registerDrift } from "./commands/drift";
import { registerVerifyImport } from "./commands/verifyImport";
import { registerSnapshot } from "./commands/snapshot";
import { registerInventory } from "./commands/inventory";
import { registerSchema } from "./commands/schema";
import { registerWho } from "./commands/who";
import { GitError } from "./git";
import { safeOutput } from "../matrix/common/visible";
import { OWN_COLOURS, painter, stdio, type Io } from "./output";
import { UnknownFilterError } from "./who";

/**
 * sso-access: offline tools over an access matrix. No AWS credentials, no Pulumi CLI.
 */

export { EXIT };

const SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: "no such file or folder",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "it is a folder",
  EEXIST: "it already exists and is not a folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
};

const VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { version: string }).version;

/** The commands, in the order `sso-access --help` lists them. */
const COMMANDS: readonly RegisterCommand[] = [
  registerCheck,
  registerPlan,
  registerWho,
  registerDiff,
  registerSnapshot,
  registerDrift,
  registerAdopt,
  registerVerifyImport,
  registerInventory,
  registerAwsConfig,
  registerSchema,
];

/** The top-level program: name, version, help, suggestions; errors are thrown (exitOverride), output goes to `io`. */
function buildProgram(io: Io): Command {
  return new Command("sso-access")
    .description("Tools for an access matrix (access.yaml) of AWS IAM Identity Center. Only snapshot needs AWS credentials.")
    .version(VERSION, "-V, --version")
    .helpOption("-h, --help", "show help for sso-access or a command")
    .addHelpCommand("help [command]", "show help for a command")
    .showSuggestionAfterError(true)
    .exitOverride()
    .showHelpAfterError("Run sso-access --help, or sso-access <command> --help, for usage.")
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: (s, write) => write(s.replace(/^error: /, "sso-access: ")) })
    .addHelpText("after", `${EXIT_CODES.slice(1)}\n\nFILE defaults to access.yaml. Run sso-access <command> --help for a command's options.`);
}

/** The program with every command registered, writing through the output guard; `code` is the run's exit code. */
function prepared(given: Io) {
  // Whatever a command prints passes here: text from a file can show, never act (matrix/common/visible.ts).
  const io: Io = {
    out: (text) => given.out(safeOutput(text, given.color ? OWN_COLOURS : undefined)),
    err: (text) => given.err(safeOutput(text)),
    color: given.color,
  };
  const state = { code: EXIT.ok as number };
  const program = buildProgram(io);
  const context = commandContext(io, painter(io.color), (c) => void (state.code = c));
  for (const register of COMMANDS) register(program, context);
  return { io, program, state };
}

/** Runs one command line and returns its exit code. Never throws for bad input. Commands that call AWS need runAsync. */
export function run(argv: readonly string[], given: Io = stdio): number {
  const { io, program, state } = prepared(given);
  try {
    program.parse([...argv], { from: "user" });
    return state.code;
  } catch (error) {
    return exitCodeOf(error, io);
  }
}

/** run, for every command: those that call AWS (snapshot) finish later. */
export async function runAsync(argv: readonly string[], given: Io = stdio): Promise<number> {
  const { io, program, state } = prepared(given);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return state.code;
  } catch (error) {
    return exitCodeOf(error, io);
  }
}

/** The exit code for an error out of a command, after saying what went wrong; a bug of ours is thrown on. */
function exitCodeOf(error: unknown, io: Io): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof UsageError || error instanceof UnknownFilterError || error instanceof OptionError) {
    io.err(`sso-access: ${error.message}`);
    return EXIT.usage;
  }
  if (error instanceof GitError) {
    io.err(`sso-access: ${error.message}`);
    return EXIT.usage;
  }
  if (error instanceof ConfigError) {
    io.err(`${error.message}; nothing was written.`);
    return EXIT.problems;
  }
  const system = error as NodeJS.ErrnoException;
  if (typeof system.code === "string" && typeof system.syscall === "string") {
    // The file system refused (a missing folder, a file where a folder should be, no permission): say where.
    io.err(`sso-access: cannot ${system.syscall} ${system.path ?? ""}: ${SYSTEM_ERRORS[system.code] ?? system.message}`);
    return EXIT.problems;
  }
  throw error;
}

/** The process entry (bin/sso-access.js): exit code set, never a stack trace unless SSO_ACCESS_DEBUG is set. */
export async function main(argv = process.argv.slice(2)): Promise<void> {
  // A reader that stops early (`sso-access who | head -1`) closes the pipe: that ends the command quietly, with
  // success, as it does for other command-line tools.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      process.exit(EXIT.ok);
    });
  }
  try {
    process.exitCode = await runAsync(argv);
  } catch (error) {
    // A bug of ours, not the user's input: say so in one line; the stack only on request.
    process.stderr.write(safeOutput(`sso-access: internal error: ${(error as Error).message}\n`));
    if (process.env.SSO_ACCESS_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = EXIT.internal;
  }
}

if (require.main === module) main();
