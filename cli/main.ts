import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { expand } from "../matrix/expand";
import { loadMatrixFile, type ValidMatrix } from "../matrix/load";
import { formatProblem } from "../matrix/problems";
import { matrixJsonSchema } from "../matrix/schema";
import { renderPlanJson, renderPlanText, summarize } from "./planOutput";

/**
 * sso-access: offline tools over an access matrix. No AWS credentials, no Pulumi CLI.
 * Exit codes: 0 success, 1 the access matrix has problems, 2 the command line is wrong.
 */

export const USAGE = `Usage: sso-access <command> [options]

Commands:
  check [FILE]          Validate the access matrix (default access.yaml). Prints every problem as
                        file:line:column  yaml.path  message.
  plan [FILE] [--json]  Validate, then print what the Pulumi program would declare: resources by type
                        and one line per assignment. --json prints one JSON object.
  schema [--write FILE] Print the JSON Schema of the access matrix, or write it to FILE.

Options:
  -h, --help            Show this help.

Exit codes: 0 success; 1 the access matrix has problems; 2 wrong command line.`;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Io = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

class UsageError extends Error {}

/** Runs one command and returns its exit code. Never throws for bad input. */
export function run(argv: readonly string[], io: Io = stdio): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { json: { type: "boolean" }, write: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    io.err(`sso-access: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === "help") {
    io.out(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  try {
    switch (command) {
      case "check": {
        const loaded = load(single(rest), io);
        if (!loaded) return 1;
        const s = summarize(expand(loaded));
        io.out(`${loaded.file}: valid (${s.accounts} accounts, ${s.permissionSets} permission sets, ${s.groups} groups, ${s.users} users, ${s.assignments} assignments)`);
        return 0;
      }
      case "plan": {
        const loaded = load(single(rest), io);
        if (!loaded) return 1;
        const plan = expand(loaded);
        io.out(values.json ? renderPlanJson(plan, loaded.file) : renderPlanText(plan, loaded.file));
        return 0;
      }
      case "schema": {
        if (rest.length) throw new UsageError(`schema takes no file; use --write FILE`);
        const text = `${JSON.stringify(matrixJsonSchema(), null, 2)}\n`;
        if (values.write) fs.writeFileSync(values.write, text);
        else io.out(text);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`sso-access: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

function single(files: string[]): string {
  if (files.length > 1) throw new UsageError(`one access matrix at a time; got ${files.join(", ")}`);
  return files[0] ?? "access.yaml";
}

function load(file: string, io: Io): ValidMatrix | undefined {
  const result = loadMatrixFile(file);
  if (result.ok) return result.value;
  io.err(result.problems.map(formatProblem).join("\n"));
  io.err(`${result.problems.length} ${result.problems.length === 1 ? "problem" : "problems"}; nothing was planned.`);
  return undefined;
}

if (require.main === module) {
  try {
    process.exitCode = run(process.argv.slice(2));
  } catch (error) {
    // A bug of ours, not the user's input: say so in one line; the stack only on request.
    process.stderr.write(`sso-access: internal error: ${(error as Error).message}\n`);
    if (process.env.SSO_ACCESS_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = 3;
  }
}
