import * as pulumi from "@pulumi/pulumi";
import { IDENTITY_STORE_ID, INSTANCE_ARN, benchMocks, report, settled } from "./mocks";

/** Measured in its own process: the whole program (index.ts) on one access matrix, under Pulumi mocks. */
async function main(): Promise<void> {
  const [file] = process.argv.slice(2);
  await pulumi.runtime.setMocks(benchMocks, "sso-access", "bench", false, "organization");
  // The instance from config, as a stack that names it: no lookup, so the floor and the program register the same.
  // Nor the inventory check: it reads AWS Organizations before declaring anything, which the floor does not.
  pulumi.runtime.setAllConfig({
    "sso-access:accessFile": file,
    "sso-access:instanceArn": INSTANCE_ARN,
    "sso-access:identityStoreId": IDENTITY_STORE_ID,
    "sso-access:verifyInventory": "false",
  });
  // As Pulumi's run script loads it: the project folder, whose package.json main is bin/program.js.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require("..") as typeof import("../index");
  await program();
  await settled();
  report();
}

void main();
