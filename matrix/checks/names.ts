import { visible, HIDDEN_CHARACTER } from "../common/visible";
import type { Document } from "./document";

/**
 * Names a reviewer reads as identities: user names, and the display names of users and groups (an external group is
 * found by its display name). A name that mixes scripts (`jаne.doe` with a Cyrillic а) reads like another; a name with
 * an invisible or control character differs from one that looks the same. Both are refused, after Unicode Technical
 * Standard #39 (https://www.unicode.org/reports/tr39/#Restriction_Level_Detection): a name is in one script, or in
 * one of the combinations a language writes (Japanese, Chinese, Korean, each with Latin). Permission set names and
 * group keys are ASCII by their patterns already.
 */

/** Scripts names are written in, in the order they are named in messages. A letter of any other script counts as its own. */
const SCRIPTS = [
  "Latin",
  "Greek",
  "Cyrillic",
  "Armenian",
  "Hebrew",
  "Arabic",
  "Syriac",
  "Thaana",
  "Devanagari",
  "Bengali",
  "Gurmukhi",
  "Gujarati",
  "Oriya",
  "Tamil",
  "Telugu",
  "Kannada",
  "Malayalam",
  "Sinhala",
  "Thai",
  "Lao",
  "Tibetan",
  "Myanmar",
  "Georgian",
  "Hangul",
  "Ethiopic",
  "Cherokee",
  "Khmer",
  "Mongolian",
  "Hiragana",
  "Katakana",
  "Bopomofo",
  "Han",
].map((name) => ({ name, pattern: new RegExp(`\\p{Script=${name}}`, "u") }));

/** A character that belongs to a script (not a digit, punctuation or mark that every script shares). */
const SCRIPTED = /[^\p{Script=Common}\p{Script=Inherited}]/u;

/** Combinations of scripts that one language writes (UTS #39, Highly Restrictive). */
const ALLOWED = [
  ["Latin", "Han", "Hiragana", "Katakana"],
  ["Latin", "Han", "Bopomofo"],
  ["Latin", "Han", "Hangul"],
];

/** The scripts of a name's letters, in SCRIPTS order. */
export function scriptsOf(name: string): string[] {
  const found = new Set<string>();
  for (const c of name) {
    if (!SCRIPTED.test(c)) continue;
    found.add(SCRIPTS.find((s) => s.pattern.test(c))?.name ?? `another script (${visible(c)})`);
  }
  return [...found].sort((a, b) => SCRIPTS.findIndex((s) => s.name === a) - SCRIPTS.findIndex((s) => s.name === b));
}

/** Why a name could pass for another, or undefined. */
export function impersonation(name: string): string | undefined {
  const hidden = HIDDEN_CHARACTER.exec(name);
  if (hidden) return `holds an invisible or control character (${visible(hidden[0])}) that makes it differ from a name that looks the same; remove it`;
  const scripts = scriptsOf(name);
  if (scripts.length > 1 && !ALLOWED.some((combination) => scripts.every((s) => combination.includes(s)))) {
    return `mixes scripts (${scripts.join(", ")}), so it can read like another name; write it in one script`;
  }
  return undefined;
}

export function checkNames(doc: Document): void {
  const check = (path: (string | number)[], what: string, name: unknown, at: "key" | "value") => {
    const why = typeof name === "string" ? impersonation(name) : undefined;
    if (why) doc.at(path, `${what} "${visible(String(name))}" ${why}`, at);
  };
  for (const name of doc.users.keys) check(["users", name], "user name", name, "key");
  for (const [name, user] of doc.users.valid)
    if (user.displayName !== undefined) check(["users", name, "displayName"], "display name", user.displayName, "value");
  for (const [key, group] of doc.groups.valid)
    if (group.displayName !== undefined) check(["groups", key, "displayName"], "display name", group.displayName, "value");
}
