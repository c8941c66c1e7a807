import type { Command } from "commander";
import { loadMatrixFile } from "../../matrix/checks/pipeline";
import type { ValidMatrix } from "../../matrix/model/matrix";
import { formatProblem } from "../../matrix/common/problems";
import { plural } from "../../matrix/common/words";
import type { Io, Paint } from "../output";

/** What every command of sso-access shares: exit codes, their help text, usage errors and the loading of a matrix. */

export const EXIT = {
  /** Done; for `diff --exit-code`, no access change. */
  ok: 0,
  /** An access matrix has problems (each printed as file:line:column  path  message), or a file conflict. */
  problems: 1,
  /** `diff --exit-code` only: access changes. */
  changes: 2,
  /** A bug in sso-access, not in the input. */
  internal: 3,
  /** The command line is wrong (EX_USAGE). */
  usage: 64,
} as const;

/** The end of every command's help (and, without its first line break, of the program's). */
export const EXIT_CODES = `

Exit codes:
  0   success (for diff --exit-code: no change)
  1   the access matrix has problems, or a file to write conflicts
  2   diff --exit-code: access changes; drift: AWS differs from the file
  3   internal error (a bug: please report it; SSO_ACCESS_DEBUG=1 shows the stack)
  64  wrong command line`;

/** The access file argument and the --stack option of every command that reads one file. */
export const FILE_HELP = "the access matrix (default: the file the stack deploys, else access.yaml)";
export const STACK_HELP = "read the access file this Pulumi stack deploys (sso-access:accessFile of Pulumi.<name>.yaml); default: the only stack";

/** A mistake on the command line, found after parsing (a filter naming nothing, a template without a name...). */
export class UsageError extends Error {}

/** A repeatable option's values, in the order given. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

export type Problems = Parameters<typeof formatProblem>[0][];

/** What a command's action gets from the program running it. */
export interface CommandContext {
  readonly io: Io;
  readonly paint: Paint;
  /** The exit code of the run, when the command finishes without an error. */
  setExitCode(code: number): void;
  /** The valid matrix in the file, or undefined once its problems are printed (with what did not happen because of them). */
  load(file: string, consequence?: string): ValidMatrix | undefined;
  /** Prints the problems and their count; returns EXIT.problems. */
  report(problems: Problems, consequence?: string): number;
}

/** Registers one command on the program. */
export type RegisterCommand = (program: Command, context: CommandContext) => void;

export function commandContext(io: Io, paint: Paint, setExitCode: (code: number) => void): CommandContext {
  const report = (problems: Problems, consequence?: string): number => {
    io.err(problems.map(formatProblem).join("\n"));
    io.err(`${plural(problems.length, "problem")}${consequence ? `; ${consequence}` : ""}.`);
    return EXIT.problems;
  };
  const load = (file: string, consequence?: string): ValidMatrix | undefined => {
    const result = loadMatrixFile(file);
    if (result.ok) return result.value;
    report(result.problems, consequence);
    return undefined;
  };
  return { io, paint, setExitCode, load, report };
}
