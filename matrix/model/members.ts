import { byText } from "../common/order";
import type { Matrix } from "./matrix";

/** The members of each group that access.yaml creates: its `members` and every user listing it in `groups`, sorted. External groups are absent: their members are unknown here. */
export function groupMembers(matrix: Matrix): Map<string, string[]> {
  const members = new Map<string, Set<string>>();
  for (const [key, group] of Object.entries(matrix.groups ?? {})) if (!group.external) members.set(key, new Set(group.members ?? []));
  for (const [name, user] of Object.entries(matrix.users ?? {})) for (const group of user.groups ?? []) members.get(group)?.add(name);
  return new Map([...members].sort((a, b) => byText(a[0], b[0])).map(([key, set]) => [key, [...set].sort(byText)]));
}
