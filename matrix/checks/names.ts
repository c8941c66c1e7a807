import type { DocPath } from "../common/problems";
import { skeleton } from "../common/confusables";
import { visible, HIDDEN_CHARACTER } from "../common/visible";
import type { Document } from "./document";

/**
 * Names a reviewer reads as identities: user names, display names of users and groups (an external group is found by
 * its display name), group keys and permission set names. After Unicode Technical Standard #39
 * (https://www.unicode.org/reports/tr39/), each is refused when it could pass for another:
 * - on its own (user names and display names): an invisible or control character; a mix of scripts (`jаne.doe` with a
 *   Cyrillic а), unless one language writes them together (Japanese, Chinese, Korean, each with Latin); letters of
 *   another script, or symbols, that read as a plain Latin name (`ԁеѵорѕ` in Cyrillic, `𝐣𝐚𝐧𝐞` in mathematical bold,
 *   fullwidth `ｊａｎｅ`), since a Latin name with letters of its own (`Aydın`, `José`) or a name whose letters do not
 *   read as Latin (`Иван`) is a real name; and, for a user name, a spelling that Unicode normalization (NFKC) changes;
 * - beside another name of its kind in the file that differs from it but looks the same: equal skeletons (section 4,
 *   confusables.txt) after NFKC, which also folds the compatibility forms confusables.txt leaves out (fullwidth ｎ).
 *   `ReadOnly` and `Read0nly`, `Admins` and `Adrnins`, `jane` and `𝐣𝐚𝐧𝐞`. User names are compared ignoring case as
 *   well, as the uniqueness check does.
 * Group keys and permission set names are ASCII by their patterns: only the second rule can apply to them.
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

const ASCII = /^[\x00-\x7f]*$/;
const LATIN_LETTER = /\p{Script=Latin}/u;

/** Why a name that is not ASCII passes for an ASCII Latin name (a UTS #39 whole-script confusable), or undefined. */
function passesForLatin(name: string): string | undefined {
  if (ASCII.test(name)) return undefined;
  const normal = name.normalize("NFKC");
  const reads = skeleton(normal);
  if (!ASCII.test(reads) || !/[A-Za-z]/.test(reads)) return undefined;
  if ([...normal].some((c) => !ASCII.test(c) && LATIN_LETTER.test(c))) return undefined;
  if (ASCII.test(normal))
    return `is written in compatibility characters that stand for "${visible(normal)}", so it can pass for that name; write "${visible(normal)}"`;
  const scripts = scriptsOf(normal).filter((s) => s !== "Latin");
  const letters = scripts.length ? `${scripts.join(", ")} letters` : "symbols";
  return `is written in ${letters} that read as the Latin "${visible(reads)}", so it can pass for that name; write it in Latin letters`;
}

/** Why a user name is not written the one way Unicode normalization (NFKC) writes it, or undefined. */
function unnormalized(name: string): string | undefined {
  const normal = name.normalize("NFKC");
  if (normal === name) return undefined;
  const twice = "the same name spelled two ways would be two users";
  if (name.normalize("NFC") !== normal) return `is not in Unicode's normal form (NFKC writes it "${visible(normal)}"): ${twice}; write "${visible(normal)}"`;
  // Canonically equivalent: both show alike, so the message shows the code points.
  const codes = (s: string) => s.replace(/[^\x00-\x7f]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`);
  return `is spelled "${codes(name)}", which shows as "${codes(normal)}", its normal form (NFKC): ${twice}; write it in the normal form`;
}

/** A name where the file writes it. `own`: judged on its own too, not only beside the others. */
interface Written {
  readonly name: string;
  readonly what: string;
  readonly path: DocPath;
  readonly at: "key" | "value";
  readonly own: boolean;
  /** Shown after the quoted name: where a default comes from. */
  readonly note?: string;
}

/** One kind of name: compared among themselves, ignoring case or not; `exempt` pairs are judged by another check. */
interface Kind {
  readonly names: Written[];
  readonly ignoreCase: boolean;
  readonly exempt?: (first: Written, second: Written) => boolean;
}

/**
 * Refuses every name that could pass for another: on its own, or beside another name of its kind (reported at the
 * one written later, naming the other and its line). A name refused on its own is not compared: its fix comes first.
 */
function checkKind(doc: Document, kind: Kind): void {
  const where = (w: Written) => (w.at === "key" ? doc.locator.key(w.path) : doc.locator.value(w.path));
  const label = (w: Written) => `${w.what} "${visible(w.name)}"${w.note ?? ""}`;
  const seen = new Map<string, Written>();
  for (const w of kind.names) {
    const alone = w.own ? impersonation(w.name) : undefined;
    if (alone) {
      doc.at(w.path, `${label(w)} ${alone}`, w.at);
      continue;
    }
    const normal = ASCII.test(w.name) ? w.name : w.name.normalize("NFKC");
    const keys = [skeleton(normal)];
    if (kind.ignoreCase && normal.toLowerCase() !== normal) keys.push(skeleton(normal.toLowerCase()));
    const other = keys.map((k) => seen.get(k)).find((o) => o !== undefined && o.name !== w.name && !kind.exempt?.(o, w));
    if (other) {
      // Keys that look like integers come first in JavaScript's order of a map's keys, not in the file's.
      const [a, b] = [where(other), where(w)];
      const [first, second] = a.line < b.line || (a.line === b.line && a.column < b.column) ? [other, w] : [w, other];
      const line = Math.min(a.line, b.line);
      doc.at(second.path, `${label(second)} looks like ${label(first)} (line ${line}): Unicode counts their characters as confusable; rename one`, second.at);
      continue;
    }
    const why = w.own ? ((w.what === "user name" ? unnormalized(w.name) : undefined) ?? passesForLatin(w.name)) : undefined;
    if (why) {
      doc.at(w.path, `${label(w)} ${why}`, w.at);
      continue;
    }
    for (const k of keys) if (!seen.has(k)) seen.set(k, w);
  }
}

export function checkNames(doc: Document): void {
  const { users, groups, permissionSets } = doc;
  checkKind(doc, {
    names: users.keys.map((name) => ({ name, what: "user name", path: ["users", name], at: "key", own: true })),
    ignoreCase: true,
    // A user name that differs from another only in case is the uniqueness check's (users.ts).
    exempt: (first, second) => first.name.toLowerCase() === second.name.toLowerCase(),
  });
  const displayNames = [...users.valid].filter(([, user]) => user.displayName !== undefined);
  checkKind(doc, {
    names: displayNames.map(([name, user]) => ({
      name: user.displayName!,
      what: "display name",
      path: ["users", name, "displayName"],
      at: "value",
      own: true,
    })),
    ignoreCase: false,
  });
  checkKind(doc, { names: groups.keys.map((key) => ({ name: key, what: "group key", path: ["groups", key], at: "key", own: false })), ignoreCase: false });
  checkKind(doc, {
    names: [...groups.valid].map(([key, group]): Written =>
      group.displayName !== undefined
        ? { name: group.displayName, what: "display name", path: ["groups", key, "displayName"], at: "value", own: true }
        : { name: key, what: "display name", path: ["groups", key], at: "key", own: false, note: " (the group's key)" },
    ),
    ignoreCase: false,
    // Two display names that default to their keys look alike exactly when the keys do: the group keys were compared.
    exempt: (first, second) => first.note !== undefined && second.note !== undefined,
  });
  const setNames = permissionSets.keys.map((name): Written => ({ name, what: "permission set name", path: ["permissionSets", name], at: "key", own: false }));
  checkKind(doc, { names: setNames, ignoreCase: false });
}
