import * as pulumi from "@pulumi/pulumi";

/** The variable that says how many stack frames an error of the program keeps (unset: none). */
export const STACK_TRACE_LIMIT = "SSO_ACCESS_STACK_TRACE_LIMIT";

/**
 * Sets Error.stackTraceLimit for the program (bin/program.js, before it loads index.ts).
 *
 * The Pulumi SDK captures and formats a stack trace for every promise it makes (runtime/debuggable.js: kept for the
 * report of leaked promises under PULUMI_DEBUG_PROMISE_LEAKS) and for each registration's prepared error (whose
 * message, not its frames, says what failed): about half of the program's time (bench/README.md). Each resource's
 * source position is captured apart with no limit (Resource.callsites), so it is unchanged. No message a user sees
 * needs frames: problems of the access file are RunErrors (message only), a failed registration names its resource
 * and AWS's answer, and an error the program throws keeps its message and says how to see where it happened
 * (withStackHint). `SSO_ACCESS_STACK_TRACE_LIMIT=<frames>` (such as 50, or Infinity) brings frames back;
 * PULUMI_DEBUG_PROMISE_LEAKS keeps Node's default, as that report is made of stack traces.
 */
export function applyStackTraceLimit(env: NodeJS.ProcessEnv): void {
  const limit = env[STACK_TRACE_LIMIT];
  if (limit !== undefined && limit !== "") {
    if (!/^(\d{1,6}|Infinity)$/.test(limit))
      throw new pulumi.RunError(`${STACK_TRACE_LIMIT} is "${limit}": set it to a number of stack frames (such as 50) or Infinity, or unset it`);
    Error.stackTraceLimit = Number(limit);
  } else if (!env.PULUMI_DEBUG_PROMISE_LEAKS) Error.stackTraceLimit = 0;
}

/**
 * An error as Pulumi prints it, saying how to see where it happened: bin/program.js runs the program without stack
 * frames, for speed. Problems of the access file and the guards are RunErrors, whose message is all Pulumi prints:
 * they are returned as they are, as is every error while frames are kept. The hint does not call the error a bug:
 * an AWS read that failed (a data source refused) arrives here too.
 */
export function withStackHint(error: unknown): unknown {
  const expected = pulumi.RunError.isInstance(error) || pulumi.ResourceError.isInstance(error);
  if (expected || Error.stackTraceLimit !== 0 || !(error instanceof Error)) return error;
  try {
    error.message += `\n(printed without where it happened: run again with ${STACK_TRACE_LIMIT}=50 to see that)`;
    error.stack = `${error.name}: ${error.message}`;
  } catch {
    // A frozen error, or one whose message is a getter: printed as it is.
  }
  return error;
}
