import { z } from "zod";
import { INLINE_POLICY_MAX_CHARS, INLINE_POLICY_MAX_NON_WHITESPACE } from "../aws/limits";

/** The shape and size of an inline policy document, as Identity Center accepts it for a permission set. */

const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const ACTION = /^(\*|[a-zA-Z0-9-]+:[\w*?-]+)$/;
const actionList = z.union([z.string(), z.array(z.string()).min(1)]).superRefine((value, ctx) => {
  for (const action of Array.isArray(value) ? value : [value]) {
    if (!ACTION.test(action)) ctx.addIssue({ code: "custom", message: `"${action}" is not an IAM action; write service:Action, e.g. "s3:GetObject", or "*"` });
  }
});

const statement = z
  .strictObject(
    {
      Sid: z
        .string()
        .regex(/^[A-Za-z0-9]*$/, "Sid may hold only letters and digits")
        .optional(),
      Effect: z.enum(["Allow", "Deny"], { error: 'Effect must be "Allow" or "Deny"' }),
      Action: actionList.optional(),
      NotAction: actionList.optional(),
      Resource: stringOrList.optional(),
      NotResource: stringOrList.optional(),
      Condition: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    },
    { error: (issue) => (issue.code === "unrecognized_keys" ? unknownStatementKeys(issue.keys) : undefined) },
  )
  .superRefine((s, ctx) => {
    if ((s.Action === undefined) === (s.NotAction === undefined)) {
      ctx.addIssue({ code: "custom", message: "a statement needs exactly one of Action and NotAction" });
    }
    if ((s.Resource === undefined) === (s.NotResource === undefined)) {
      ctx.addIssue({ code: "custom", message: "a statement needs exactly one of Resource and NotResource" });
    }
  });

function unknownStatementKeys(keys: readonly string[]): string {
  if (keys.some((k) => k === "Principal" || k === "NotPrincipal")) {
    return "a permission set policy is an identity policy and takes no Principal; remove it";
  }
  return `unknown statement key ${keys.map((k) => `"${k}"`).join(", ")}; a statement takes Sid, Effect, Action, NotAction, Resource, NotResource and Condition`;
}

/** An IAM identity-based policy document, as Identity Center accepts for a permission set's inline policy. */
export const PolicyDocumentSchema = z.strictObject({
  Version: z.enum(["2012-10-17", "2008-10-17"], { error: 'Version must be "2012-10-17"' }),
  Id: z.string().optional(),
  Statement: z.union([statement, z.array(statement).min(1, "Statement must hold at least one statement")]),
});

/** The document as sent to AWS (compact JSON) and the size problems it has, if any. */
export function inlinePolicyJson(document: unknown): { json: string; problem?: string } {
  const json = JSON.stringify(document);
  if (json.length > INLINE_POLICY_MAX_CHARS) {
    return { json, problem: `the inline policy is ${json.length} characters as JSON; Identity Center accepts at most ${INLINE_POLICY_MAX_CHARS}` };
  }
  const nonWhitespace = json.replace(/\s/g, "").length;
  if (nonWhitespace > INLINE_POLICY_MAX_NON_WHITESPACE) {
    return {
      json,
      problem: `the inline policy has ${nonWhitespace} non-whitespace characters; Identity Center accepts at most ${INLINE_POLICY_MAX_NON_WHITESPACE}: split it or use a customer managed policy`,
    };
  }
  return { json };
}
