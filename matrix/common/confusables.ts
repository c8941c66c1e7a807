import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Names that look alike, after Unicode Technical Standard #39, section 4 (https://www.unicode.org/reports/tr39/#Confusable_Detection):
 * two strings are confusable when their skeletons are equal. The prototypes come from Unicode's confusables.txt,
 * compacted into data/confusables.json by scripts/confusables.ts (test/confusables.test.ts proves the committed file
 * is that script's output for the committed scripts/unicode/confusables.txt).
 */

/** The compact form of confusables.txt: where it came from, and one "SOURCE TARGET..." line of hex code points per mapping. */
export interface ConfusablesData {
  readonly source: { readonly file: string; readonly version: string; readonly date: string; readonly sha256: string };
  /** `"0430 0061"`: CYRILLIC SMALL LETTER A has the prototype LATIN SMALL LETTER A; `"006D 0072 006E"`: m reads as rn. */
  readonly prototypes: readonly string[];
}

/** Where scripts/confusables.ts writes the data, and the runtime reads it. */
export const CONFUSABLES_DATA_FILE = path.join(__dirname, "data", "confusables.json");

let data: ConfusablesData | undefined;
const tables = new Map<boolean, ReadonlyMap<number, string>>();

/**
 * The prototype of each confusable code point, read when first needed; `asciiOnly`: of the ASCII ones only (the data
 * is sorted by code point, they come first), all that a name in ASCII needs: most names, and every key of most files.
 */
function prototypeMap(asciiOnly: boolean): ReadonlyMap<number, string> {
  const known = tables.get(asciiOnly);
  if (known) return known;
  data ??= JSON.parse(fs.readFileSync(CONFUSABLES_DATA_FILE, "utf8")) as ConfusablesData;
  const map = new Map<number, string>();
  for (const line of data.prototypes) {
    const codes = line.split(" ");
    const from = parseInt(codes[0], 16);
    if (asciiOnly && from > 0x7f) break;
    let to = "";
    for (let i = 1; i < codes.length; i++) to += String.fromCodePoint(parseInt(codes[i], 16));
    map.set(from, to);
  }
  tables.set(asciiOnly, map);
  return map;
}

const ASCII = /^[\x00-\x7f]*$/;
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The UTS #39 skeleton: NFD, without default-ignorable code points, each code point replaced by its prototype, NFD
 * again. `skeleton("раураl") === skeleton("paypal")`; `skeleton("m") === "rn"`. ASCII text is its own NFD and holds no
 * default-ignorable code point.
 */
export function skeleton(text: string): string {
  const ascii = ASCII.test(text);
  const map = prototypeMap(ascii);
  let out = "";
  for (const c of ascii ? text : text.normalize("NFD").replace(IGNORABLE, "")) out += map.get(c.codePointAt(0)!) ?? c;
  return ASCII.test(out) ? out : out.normalize("NFD");
}
