import * as fs from "node:fs";
import type { Command } from "commander";
import { matrixJsonSchema } from "../../matrix/validate/schema";
import type { CommandContext } from "./context";

/** `schema`: the JSON Schema of the access matrix. */
export function registerSchema(program: Command, { io }: CommandContext): void {
  program
    .command("schema")
    .description("print the JSON Schema of the access matrix, for editors and other validators")
    .option("--write <file>", "write it to this file instead")
    .action((o: { write?: string }) => {
      const text = `${JSON.stringify(matrixJsonSchema(), null, 2)}\n`;
      if (o.write) fs.writeFileSync(o.write, text);
      else io.out(text);
    });
}
