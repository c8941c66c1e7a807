import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import * as yaml from "js-yaml";
import { loadMatrixText } from "../matrix/checks/pipeline";
import { ACCESS_SERVICES, AUTOMATIC_PRIVILEGE_DESCRIPTION } from "../matrix/aws/privilege";
import type { z } from "zod";
import { GroupSchema, IdentityCenterSchema, PermissionSetSchema, UserSchema, matrixJsonSchema, titleOf } from "../matrix/validate/schema";
import { folderFiles } from "../matrix/read/source";
import { ROOT, capture } from "./cliRun";

/** Validates with ajv, as editors (yaml-language-server) and other tools do: every error, as a dotted path. */
function ajvPaths(doc: unknown): string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(matrixJsonSchema());
  if (validate(doc)) return [];
  const paths = validate.errors!.map((e) => {
    const segments = e.instancePath.split("/").slice(1);
    if (e.keyword === "additionalProperties") segments.push((e.params as { additionalProperty: string }).additionalProperty);
    return (
      segments
        .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`))
        .join("")
        .replace(/\.\[/g, "[") || "<root>"
    );
  });
  return [...new Set(paths)].sort();
}

function zodPaths(text: string): string[] {
  const result = loadMatrixText(text, "access.yaml", folderFiles(ROOT));
  return result.ok ? [] : [...new Set(result.problems.map((p) => p.path))].sort();
}

const VALID = ["access.yaml", ...fs.readdirSync(path.join(ROOT, "test/fixtures/valid")).map((f) => `test/fixtures/valid/${f}`)];

describe("the JSON Schema for editors", () => {
  it("sso-access schema prints the schema generated from the zod schema, and access.schema.json is that schema (run npm run schema when this fails)", () => {
    const printed = capture(["schema"]);
    assert.equal(printed.code, 0);
    assert.deepEqual(JSON.parse(printed.out), matrixJsonSchema());
    assert.equal(fs.readFileSync(path.join(ROOT, "access.schema.json"), "utf8"), `${printed.out}\n`);
  });

  it("describes what is privileged from the one definition that the guardrails and diff use", () => {
    type Node = { properties: Record<string, Node>; description?: string };
    const schema = matrixJsonSchema() as unknown as Node;
    const automatic = schema.properties.guardrails.properties.privileged.properties.automatic;
    assert.equal(automatic.description, AUTOMATIC_PRIVILEGE_DESCRIPTION);
    for (const name of [...ACCESS_SERVICES, "permissions management", "sts:AssumeRole*", "NotAction", "AWS managed policy, judged by its document"])
      assert.ok(automatic.description!.includes(name), name);
  });

  it("titles every field of permission sets, users, groups and the instance: the words diff labels their changes with", () => {
    type Node = { properties: Record<string, { title?: string }> };
    const json = matrixJsonSchema() as unknown as { properties: Record<string, { additionalProperties?: Node } & Node> };
    const sections: [Node, z.ZodObject][] = [
      [json.properties.permissionSets.additionalProperties!, PermissionSetSchema],
      [json.properties.users.additionalProperties!, UserSchema],
      [json.properties.groups.additionalProperties!, GroupSchema],
      [json.properties.identityCenter, IdentityCenterSchema],
    ];
    for (const [node, schema] of sections) {
      assert.deepEqual(Object.keys(node.properties), Object.keys(schema.shape));
      for (const [key, property] of Object.entries(node.properties)) {
        assert.ok(property.title, `${key} has a title`);
        assert.equal(property.title, titleOf(schema, key), key);
      }
    }
    assert.equal(json.properties.permissionSets.additionalProperties!.properties.sessionDuration.title, "session duration");
    assert.equal(json.properties.identityCenter.properties.startUrl.title, "start URL");
  });

  it("access.yaml points editors at it", () => {
    const first = fs.readFileSync(path.join(ROOT, "access.yaml"), "utf8").split("\n")[0];
    assert.equal(first, "# yaml-language-server: $schema=./access.schema.json");
  });

  it("requires the top-level sections and refuses unknown keys", () => {
    const schema = matrixJsonSchema() as { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> };
    assert.deepEqual(schema.required, ["version", "identityCenter", "accounts"]);
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(Object.keys(schema.properties), [
      "version",
      "identityCenter",
      "accounts",
      "permissionSets",
      "groups",
      "users",
      "assignments",
      "guardrails",
    ]);
  });

  it(`a real JSON Schema validator (ajv, draft 2020-12) accepts the sample and every valid fixture (${VALID.length} files)`, () => {
    for (const file of VALID) assert.deepEqual(ajvPaths(yaml.load(fs.readFileSync(path.join(ROOT, file), "utf8"))), [], file);
  });

  const broken: [string, string, string[]][] = [
    ["an unknown key", 'accounts:\n  prod:\n    id: "123456789012"\n    owner: team-a\n', ["accounts.prod.owner"]],
    ["an unquoted account id and a number for a string", "accounts:\n  prod:\n    id: 123456789012\n    ou: 7\n", ["accounts.prod.id", "accounts.prod.ou"]],
    [
      "a malformed session duration and an empty policy list item",
      'accounts: {}\npermissionSets:\n  Admin:\n    sessionDuration: 8h\n    managedPolicies: [""]\n',
      ["permissionSets.Admin.managedPolicies[0]", "permissionSets.Admin.sessionDuration"],
    ],
    ["a wrong version and a region that is not one", "accounts: {}\n", ["identityCenter.region", "version"]],
  ];
  for (const [what, body, paths] of broken) {
    it(`refuses ${what} in both the JSON Schema and zod, at the same paths`, () => {
      const header = what.includes("wrong version")
        ? "version: 2\nidentityCenter:\n  startUrl: https://acme.awsapps.com/start\n  region: Ireland\n"
        : "version: 1\nidentityCenter:\n  startUrl: https://acme.awsapps.com/start\n  region: eu-west-1\n";
      const text = header + body;
      assert.deepEqual(ajvPaths(yaml.load(text)), paths);
      assert.deepEqual(zodPaths(text), paths);
    });
  }

  it("checks shape only: a dangling reference passes the schema; check refuses it", () => {
    const text = fs.readFileSync(path.join(ROOT, "test/fixtures/invalid/dangling-references.yaml"), "utf8");
    assert.deepEqual(ajvPaths(yaml.load(text)), []);
    assert.equal(zodPaths(text).length, 3);
  });
});
