/**
 * `node -r ./bin/typescript.js scripts/confusables.ts [confusables.txt]`: writes matrix/common/data/confusables.json,
 * the compact form of Unicode's confusables.txt (UTS #39) that matrix/common/confusables.ts reads. The source is kept
 * verbatim in scripts/unicode/confusables.txt (Unicode License v3, its notice is in its header), so that
 * test/confusables.test.ts can prove the committed data is this script's output. To update: download
 * confusables.txt of the Unicode version of Node's ICU (`node -p process.versions.unicode`) from the UTS #39 data
 * folder, `https://www.unicode.org/Public/security/<version>/`, and pass its path: it replaces the kept copy.
 */

import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFUSABLES_DATA_FILE, type ConfusablesData } from "../matrix/common/confusables";

/** The kept copy of Unicode's file. */
export const CONFUSABLES_SOURCE_FILE = path.join(__dirname, "unicode", "confusables.txt");

/** A data line: `0430 ;\t0061 ;\tMA\t# ( а → a ) ...`, of type MA, the only type the file has (another fails the generator). */
const MAPPING = /^([0-9A-F]{4,6}) ;\t([0-9A-F]{4,6}(?: [0-9A-F]{4,6})*) ;\tMA\t#/;

/** The data, as the generator writes it, from the text of confusables.txt. Throws on a line it does not understand. */
export function buildConfusablesData(text: string): ConfusablesData {
  const header = (name: string) => {
    const found = new RegExp(`^# ${name}: (.+)$`, "m").exec(text);
    if (!found) throw new Error(`confusables.txt has no "# ${name}:" line`);
    return found[1].trim();
  };
  const prototypes: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (line === "" || line.startsWith("#")) return;
    const mapping = MAPPING.exec(line);
    if (!mapping) throw new Error(`confusables.txt line ${i + 1} is not a mapping: ${JSON.stringify(line.slice(0, 40))}`);
    prototypes.push(`${mapping[1]} ${mapping[2]}`);
  });
  const total = Number(/^# total: (\d+)$/m.exec(text)?.[1]);
  if (prototypes.length !== total) throw new Error(`confusables.txt says it has ${total} mappings; ${prototypes.length} were read`);
  const hex = (line: string) => parseInt(line.split(" ")[0], 16);
  prototypes.sort((a, b) => hex(a) - hex(b));
  const sha256 = createHash("sha256").update(text, "utf8").digest("hex");
  return { source: { file: "confusables.txt", version: header("Version"), date: header("Date"), sha256 }, prototypes };
}

/** The file's text: formatted as prettier formats it, so that `npm test`'s prettier --check passes on it. */
export async function confusablesJson(data: ConfusablesData): Promise<string> {
  const prettier = await import("prettier");
  const options = (await prettier.resolveConfig(CONFUSABLES_DATA_FILE)) ?? {};
  return prettier.format(JSON.stringify(data), { ...options, parser: "json" });
}

async function main(): Promise<void> {
  const given = process.argv[2];
  if (given) fs.copyFileSync(given, CONFUSABLES_SOURCE_FILE);
  const data = buildConfusablesData(fs.readFileSync(CONFUSABLES_SOURCE_FILE, "utf8"));
  const text = await confusablesJson(data);
  fs.mkdirSync(path.dirname(CONFUSABLES_DATA_FILE), { recursive: true });
  fs.writeFileSync(CONFUSABLES_DATA_FILE, text);
  console.log(
    `${path.relative(process.cwd(), CONFUSABLES_DATA_FILE)}: ${data.prototypes.length} prototypes of Unicode ${data.source.version} (${text.length} bytes)`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
