import { RESERVED_USER_NAMES } from "../aws/limits";
import { didYouMean } from "../common/suggest";
import { isMap, type Document } from "./document";

/** The keys a user created here must have: Identity Center needs each to create the user. */
const CREATED_USER_FIELDS = ["displayName", "givenName", "familyName", "email"] as const;

/** Users: unique ignoring case (Identity Center does), not reserved, complete unless external, emails unique, in groups that exist. */
export function checkUsers(doc: Document): void {
  const { users, groups } = doc;
  const userByLower = new Map<string, string>();
  for (const name of users.keys) {
    const lower = name.toLowerCase();
    const other = userByLower.get(lower);
    if (other !== undefined) {
      doc.at(["users", name], `user name "${name}" differs from "${other}" only in case; Identity Center treats them as one user: keep one`, "key");
    } else userByLower.set(lower, name);
    if (RESERVED_USER_NAMES.some((r) => r.toLowerCase() === lower)) {
      doc.at(["users", name], `"${name}" is a user name that Identity Center reserves; choose another`, "key");
    }
  }
  const emails = new Map<string, { name: string; email: string }>();
  for (const [name, user] of users.valid) {
    for (const field of CREATED_USER_FIELDS) {
      if (user.external && user[field] !== undefined) {
        doc.at(["users", name, field], `user "${name}" is external: your identity provider owns ${field}; remove it here`, "key");
      } else if (!user.external && user[field] === undefined && !(isMap(users.raw[name]) && field in users.raw[name])) {
        doc.at(["users", name], `missing required key "${field}" (Identity Center needs it to create the user; or mark the user external: true)`, "key");
      }
    }
    if (!user.external) checkEmail(doc, name, user.email, emails);
    (user.groups ?? []).forEach((group, i) => {
      const p = ["users", name, "groups", i];
      if (!groups.has(group)) doc.at(p, `unknown group "${group}"${didYouMean(group, groups.keys)}`);
      else if (groups.valid.get(group)?.external) doc.at(p, `group "${group}" is external: its members come from your identity provider; add the user there`);
    });
  }
}

/**
 * "IAM Identity Center requires that all user names and email addresses for your users are non-NULL and unique"
 * (https://docs.aws.amazon.com/singlesignon/latest/userguide/users-groups-provisioning.html#username-email-unique).
 * Addresses are compared with their domain in lower case, since domain names ignore case (RFC 5321, 2.4); the part
 * before the @ is compared as written.
 */
function checkEmail(doc: Document, name: string, email: string | undefined, seen: Map<string, { name: string; email: string }>): void {
  if (email === undefined) return;
  const at = email.lastIndexOf("@");
  const key = `${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}`;
  const other = seen.get(key);
  if (other === undefined) {
    seen.set(key, { name, email });
    return;
  }
  const line = doc.locator.key(["users", other.name]).line;
  const as = other.email === email ? "" : `, as "${other.email}": domain names ignore case`;
  doc.at(
    ["users", name, "email"],
    `email "${email}" is already the email of user "${other.name}" (line ${line}${as}); Identity Center needs each user's email to be unique`,
  );
}
