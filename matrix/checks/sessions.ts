import { MAX_SESSION_SECONDS, MIN_SESSION_SECONDS, durationSeconds } from "../aws/limits";
import type { DocPath } from "../common/problems";
import type { Document } from "./document";

/** A session duration that is well formed (the schema checks that) but outside what Identity Center allows. */
export function checkSessionDuration(doc: Document, iso: unknown, path: DocPath): void {
  const seconds = typeof iso === "string" ? durationSeconds(iso) : undefined;
  if (seconds !== undefined && (seconds < MIN_SESSION_SECONDS || seconds > MAX_SESSION_SECONDS))
    doc.at(path, `session duration ${iso} is outside what Identity Center allows; use PT1H to PT12H`);
}
