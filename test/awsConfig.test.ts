import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { fromSSO } from "@aws-sdk/credential-provider-sso";
import { loadSharedConfigFiles, loadSsoSessionData } from "@smithy/core/config";
import fc from "fast-check";
import { AWS_CLI, claims, jsSdkReading } from "../cli/awsConfigReaders";
import { ConfigError, mergeConfig, renderBlock, sealed, type ConfigBlock } from "../cli/awsProfiles";
import { ROOT, capture } from "./cliRun";

const JANE = `# BEGIN sso-access session professional-af: generated from access.yaml; changes up to END are replaced
[sso-session professional-af]
sso_start_url = https://professional-af.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile management-Admin]
sso_session = professional-af
sso_account_id = 111111111111
sso_role_name = Admin
region = eu-west-1

[profile taylor-Admin]
sso_session = professional-af
sso_account_id = 222222222222
sso_role_name = Admin
region = eu-west-1
# END sso-access session professional-af`;

/** A config file as people keep them: comments, a default profile, keys, another organization's SSO session. */
const HAND_WRITTEN_HEAD = `# my AWS config; keep the personal profiles\r
[default]\r
region = us-east-2\r
output = json\r
\r
[profile personal]\r
credential_process = /usr/local/bin/get-creds personal\r
`;
const HAND_WRITTEN_TAIL = `\r
; other organization, configured by aws configure sso\r
[sso-session other-org]\r
sso_start_url = https://other-org.awsapps.com/start\r
sso_region = us-east-1\r
`;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-config-"));
}

/** The sample with jane.doe's access cut to the management account, as a separate access matrix. */
function sampleWithoutTaylorForJane(dir: string): string {
  const file = path.join(dir, "access.yaml");
  const text = fs.readFileSync(path.join(ROOT, "access.yaml"), "utf8");
  assert.ok(text.includes("    accounts: [management, taylor]"));
  fs.writeFileSync(file, text.replace("    accounts: [management, taylor]", "    accounts: [management]"));
  fs.cpSync(path.join(ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
  return file;
}

describe("sso-access aws-config", () => {
  it("prints the [sso-session] and one profile per account and permission set the user reaches", () => {
    assert.deepEqual(capture(["aws-config", "--user", "jane.doe"]), { code: 0, err: "", out: JANE });
  });

  it("names profiles from a template, sanitised; a template that cannot tell profiles apart is refused", () => {
    const { out } = capture(["aws-config", "--user", "alex.kim", "--profile-template", "{session} {accountId}/{permissionSet}", "--region", "us-east-1"]);
    assert.deepEqual(
      out.split("\n").filter((l) => l.startsWith("[profile") || l.startsWith("region")),
      ["[profile professional-af-333333333333-Developer]", "region = us-east-1", "[profile professional-af-333333333333-ReadOnly]", "region = us-east-1"],
    );
    assert.deepEqual(capture(["aws-config", "--user", "alex.kim", "--profile-template", "{account}"]), {
      code: 64,
      out: "",
      err: 'sso-access: profile name "sandbox" would stand for both Developer in sandbox and ReadOnly in sandbox; use a template that tells them apart, e.g. "{account}-{permissionSet}"',
    });
    assert.deepEqual(capture(["aws-config", "--user", "alex.kim", "--profile-template", "{acount}-{permissionSet}"]), {
      code: 64,
      out: "",
      err: 'sso-access: unknown placeholder {acount} in the profile template "{acount}-{permissionSet}"; use {account}, {accountId}, {permissionSet}, {session}',
    });
    assert.deepEqual(capture(["aws-config", "--user", "jane"]), { code: 64, out: "", err: 'sso-access: no user "jane" in access.yaml' });
    assert.deepEqual(capture(["aws-config", "--user", "jane.doe", "--session", "Acme Corp!"]).out.split("\n")[1], "[sso-session Acme-Corp]");
  });

  it("--write merges into a config with hand-written profiles: they survive byte for byte, a backup is kept, a rerun changes nothing", () => {
    const dir = tempDir();
    const config = path.join(dir, "config");
    const original = HAND_WRITTEN_HEAD + HAND_WRITTEN_TAIL;
    fs.writeFileSync(config, original, { mode: 0o640 });

    const first = capture(["aws-config", "--user", "jane.doe", "--write", config]);
    assert.deepEqual(first, {
      code: 0,
      err: "",
      out: `${config}: wrote 2 profiles for jane.doe (session professional-af); the previous file is in ${config}.sso-access.bak.`,
    });
    const merged = fs.readFileSync(config, "utf8");
    // Appended after a blank line, in the file's own line endings; nothing before it moved.
    assert.equal(merged, `${original}\r\n${JANE.replace(/\n/g, "\r\n")}\r\n`);
    assert.equal(fs.readFileSync(`${config}.sso-access.bak`, "utf8"), original);
    assert.equal(fs.statSync(config).mode & 0o777, 0o640);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["config", "config.sso-access.bak"], "no temporary file is left behind");

    assert.deepEqual(capture(["aws-config", "--user", "jane.doe", "--write", config]), {
      code: 0,
      err: "",
      out: `${config}: already up to date (2 profiles for jane.doe).`,
    });
    assert.equal(fs.readFileSync(config, "utf8"), merged);
  });

  it("--write replaces the generated block in place and prunes profiles of access that was removed", () => {
    const dir = tempDir();
    const config = path.join(dir, "config");
    const block = JANE.replace(/\n/g, "\r\n");
    fs.writeFileSync(config, `${HAND_WRITTEN_HEAD}\r\n${block}\r\n${HAND_WRITTEN_TAIL}`);
    const matrix = sampleWithoutTaylorForJane(dir);

    const { code } = capture(["aws-config", matrix, "--user", "jane.doe", "--write", config]);
    assert.equal(code, 0);
    const expectedBlock = block.replace(
      "\r\n\r\n[profile taylor-Admin]\r\nsso_session = professional-af\r\nsso_account_id = 222222222222\r\nsso_role_name = Admin\r\nregion = eu-west-1",
      "",
    );
    assert.ok(!expectedBlock.includes("taylor"));
    assert.equal(fs.readFileSync(config, "utf8"), `${HAND_WRITTEN_HEAD}\r\n${expectedBlock}\r\n${HAND_WRITTEN_TAIL}`);
  });

  it("every generated profile resolves, through the AWS SDK's own config loader, to its sso-session, account and role", async () => {
    const home = tempDir();
    const config = path.join(home, ".aws", "config");
    const credentials = path.join(home, ".aws", "credentials");
    fs.mkdirSync(path.dirname(config));
    fs.writeFileSync(config, HAND_WRITTEN_HEAD + HAND_WRITTEN_TAIL);
    fs.writeFileSync(credentials, "");
    // The token `aws sso login --sso-session professional-af` would have cached.
    const cache = path.join(home, ".aws", "sso", "cache");
    fs.mkdirSync(cache, { recursive: true });
    const token = "token-of-professional-af";
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    fs.writeFileSync(path.join(cache, `${createHash("sha1").update("professional-af").digest("hex")}.json`), JSON.stringify({ accessToken: token, expiresAt }));

    const calls: unknown[] = [];
    const ssoClient = {
      send: async (command: { input: unknown }) => {
        calls.push(command.input);
        return { roleCredentials: { accessKeyId: "AKID", secretAccessKey: "SECRET", sessionToken: "SESSION", expiration: Date.now() + 3_600_000 } };
      },
    };
    const resolve = (profile: string) =>
      fromSSO({ profile, configFilepath: config, filepath: credentials, ignoreCache: true, ssoClient: ssoClient as never })();
    const home0 = process.env.HOME;
    process.env.HOME = home;
    try {
      // Each user in turn, as on that user's machine: every profile generated resolves, and no other.
      for (const [user, expected] of [
        [
          "jane.doe",
          [
            ["management-Admin", "111111111111", "Admin"],
            ["taylor-Admin", "222222222222", "Admin"],
          ],
        ],
        [
          "priya.patel",
          [
            ["sandbox-Developer", "333333333333", "Developer"],
            ["sandbox-ReadOnly", "333333333333", "ReadOnly"],
          ],
        ],
        [
          "sam.rivera",
          [
            ["sandbox-ReadOnly", "333333333333", "ReadOnly"],
            ["taylor-ReadOnly", "222222222222", "ReadOnly"],
          ],
        ],
      ] as const) {
        assert.equal(capture(["aws-config", "--user", user, "--write", config]).code, 0);
        const profiles = [...fs.readFileSync(config, "utf8").matchAll(/^\[profile ([^\]]+)\]/gm)].map((m) => m[1]);
        assert.deepEqual(profiles, ["personal", ...expected.map(([p]) => p)], user);
        calls.length = 0;
        for (const [profile] of expected) assert.equal((await resolve(profile)).accessKeyId, "AKID");
        assert.deepEqual(
          calls,
          expected.map(([, accountId, roleName]) => ({ accountId, roleName, accessToken: token })),
          user,
        );
      }
      await assert.rejects(resolve("management-Admin"), /Profile management-Admin was not found/);
    } finally {
      process.env.HOME = home0;
    }
  });

  it("refuses, and writes nothing, when a hand-written section has a generated name or a block is broken", () => {
    const dir = tempDir();
    const config = path.join(dir, "config");
    const clash = "[profile taylor-Admin]\nregion = us-east-1\n";
    fs.writeFileSync(config, clash);
    assert.deepEqual(capture(["aws-config", "--user", "jane.doe", "--write", config]), {
      code: 1,
      out: "",
      err: `${config}:1:1  [profile taylor-Admin] is already defined outside the generated block; rename or delete it, or choose other names with --profile-template; nothing was written.`,
    });
    const broken = `[default]\nregion = us-east-2\n${JANE.split("\n").slice(0, 6).join("\n")}\n`;
    fs.writeFileSync(config, broken);
    assert.deepEqual(capture(["aws-config", "--user", "jane.doe", "--write", config]), {
      code: 1,
      out: "",
      err: `${config}:3:1  the generated block for session professional-af has no END line; restore it or delete the block, then run again; nothing was written.`,
    });
    assert.equal(fs.readFileSync(config, "utf8"), broken);
    assert.deepEqual(fs.readdirSync(dir), ["config"]);
  });

  it("refuses a config file that is not UTF-8, at the first bad byte, and keeps a byte order mark", () => {
    const dir = tempDir();
    const config = path.join(dir, "config");
    fs.writeFileSync(config, Buffer.concat([Buffer.from("[default]\n# caf"), Buffer.from([0xe9]), Buffer.from("\n")]));
    assert.deepEqual(capture(["aws-config", "--user", "jane.doe", "--write", config]), {
      code: 1,
      out: "",
      err: `${config}:2:6  the file is not UTF-8 text, as the AWS CLI expects; save it as UTF-8; nothing was written.`,
    });
    fs.writeFileSync(config, `\uFEFF${JANE}\n[default]\nregion = us-east-2\n`);
    const matrix = sampleWithoutTaylorForJane(dir);
    assert.equal(capture(["aws-config", matrix, "--user", "jane.doe", "--write", config]).code, 0);
    const text = fs.readFileSync(config, "utf8");
    assert.ok(text.startsWith(`\uFEFF# BEGIN sso-access session professional-af`));
    assert.ok(!text.includes("taylor-Admin"));
    assert.ok(text.endsWith("# END sso-access session professional-af\n[default]\nregion = us-east-2\n"));
  });

  it("a profile generated for another session is named as such", () => {
    const dir = tempDir();
    const config = path.join(dir, "config");
    fs.writeFileSync(config, `${JANE.replace(/professional-af/g, "old-name")}\n`);
    assert.deepEqual(capture(["aws-config", "--user", "jane.doe", "--write", config]), {
      code: 1,
      out: "",
      err: `${config}:7:1  [profile management-Admin] is generated for session old-name (lines 1-18); write with --session old-name to replace that block, or delete it; nothing was written.`,
    });
    assert.equal(capture(["aws-config", "--user", "jane.doe", "--session", "old-name", "--write", config]).code, 0);
  });

  it("checks option values: region, template braces", () => {
    assert.deepEqual(capture(["aws-config", "--user", "jane.doe", "--region", ""]), {
      code: 64,
      out: "",
      err: 'sso-access: --region "" is not an AWS region such as us-east-1',
    });
    assert.deepEqual(capture(["aws-config", "--user", "jane.doe", "--profile-template", "{account"]), {
      code: 64,
      out: "",
      err: 'sso-access: the profile template "{account" has a brace without its pair; write placeholders as {account}',
    });
  });

  it("a file system refusal is one plain sentence, exit 1", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "file"), "");
    assert.deepEqual(capture(["aws-config", "--user", "jane.doe", "--write", path.join(dir, "file", "config")]), {
      code: 1,
      out: "",
      err: `sso-access: cannot mkdir ${path.join(dir, "file")}: it already exists and is not a folder`,
    });
    assert.deepEqual(capture(["schema", "--write", path.join(dir, "missing", "schema.json")]), {
      code: 1,
      out: "",
      err: `sso-access: cannot open ${path.join(dir, "missing", "schema.json")}: no such file or folder`,
    });
  });

  it("--write follows a dangling symbolic link and creates its target", () => {
    const dir = tempDir();
    const link = path.join(dir, "config");
    fs.symlinkSync(path.join(dir, "dotfiles", "aws"), link);
    assert.equal(capture(["aws-config", "--user", "jane.doe", "--write", link]).code, 0);
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.equal(fs.readFileSync(path.join(dir, "dotfiles", "aws"), "utf8"), `${JANE}\n`);
  });

  it("--write needs its path, follows a symbolic link, and creates the file", () => {
    const dir = tempDir();
    const real = path.join(dir, "dotfiles", "aws-config");
    fs.mkdirSync(path.dirname(real));
    fs.writeFileSync(real, "[default]\nregion = us-east-2\n");
    const link = path.join(dir, "config");
    fs.symlinkSync(real, link);
    assert.deepEqual(capture(["aws-config", "--user", "jane.doe", "--write"]).code, 64);
    assert.equal(capture(["aws-config", "--user", "jane.doe", "--write", link]).code, 0);
    assert.ok(fs.lstatSync(link).isSymbolicLink(), "the link is still a link");
    assert.equal(fs.readFileSync(real, "utf8"), `[default]\nregion = us-east-2\n\n${JANE}\n`);

    const fresh = path.join(dir, "new", ".aws", "config");
    assert.equal(capture(["aws-config", "--user", "jane.doe", "--write", fresh]).out, `${fresh}: wrote 2 profiles for jane.doe (session professional-af).`);
    assert.equal(fs.readFileSync(fresh, "utf8"), `${JANE}\n`);
    assert.equal(fs.statSync(fresh).mode & 0o777, 0o600);
  });

  it("--write refuses the access matrix, and any YAML or JSON file, as its target", () => {
    const dir = tempDir();
    fs.copyFileSync(path.join(ROOT, "access.yaml"), path.join(dir, "access.yaml"));
    fs.cpSync(path.join(ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
    const before = fs.readFileSync(path.join(dir, "access.yaml"), "utf8");
    for (const target of ["access.yaml", "./access.yaml", "policies/developer-guardrails.json", "Pulumi.prod.yaml"]) {
      assert.deepEqual(capture(["aws-config", "--user", "jane.doe", "--write", target], { cwd: dir }), {
        code: 1,
        out: "",
        err: `${target}:1:1  this is not an AWS config file (it is the access matrix, or a YAML or JSON file); name the AWS config file, e.g. ~/.aws/config; nothing was written.`,
      });
    }
    assert.equal(fs.readFileSync(path.join(dir, "access.yaml"), "utf8"), before);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["access.yaml", "policies"]);
  });

  it("--all writes one file per user who reaches an account, for onboarding mail", () => {
    const dir = path.join(tempDir(), "onboarding");
    assert.deepEqual(capture(["aws-config", "--all", dir]), {
      code: 0,
      err: "",
      out: `Wrote 4 files to ${dir}: alex.kim.config, jane.doe.config, priya.patel.config, sam.rivera.config.`,
    });
    assert.equal(fs.readFileSync(path.join(dir, "jane.doe.config"), "utf8"), sealed(`${JANE}\n`, "professional-af"));
    assert.equal(
      fs.readFileSync(path.join(dir, "jane.doe.config"), "utf8").split("\n").at(-2),
      `# sso-access: generated for session professional-af; sha256 ${createHash("sha256").update(`${JANE}\n`).digest("hex")} of everything above. Edit it and sso-access leaves it alone.`,
    );
    assert.deepEqual(
      fs
        .readFileSync(path.join(dir, "sam.rivera.config"), "utf8")
        .split("\n")
        .filter((l) => l.startsWith("[")),
      ["[sso-session professional-af]", "[profile sandbox-ReadOnly]", "[profile taylor-ReadOnly]"],
    );
    // A later run for the same organization removes the files it generated for users who are gone, and nothing else.
    fs.writeFileSync(path.join(dir, "notes.config"), "[profile mine]\n");
    const later = path.join(tempDir(), "access.yaml");
    const auditors = "  - group: Auditors\n    permissionSets: [ReadOnly]\n    ous: [Workloads]\n";
    assert.ok(fs.readFileSync(path.join(ROOT, "access.yaml"), "utf8").includes(auditors));
    fs.writeFileSync(later, fs.readFileSync(path.join(ROOT, "access.yaml"), "utf8").replace(auditors, ""));
    fs.cpSync(path.join(ROOT, "policies"), path.join(path.dirname(later), "policies"), { recursive: true });
    assert.deepEqual(capture(["aws-config", later, "--all", dir]), {
      code: 0,
      err: "",
      out: `Wrote 3 files to ${dir}: alex.kim.config, jane.doe.config, priya.patel.config. No access, no file: sam.rivera. Removed a file of an earlier run: sam.rivera.config.`,
    });
    // Another organization's run (another session) into the same folder leaves this one's files alone.
    assert.deepEqual(capture(["aws-config", "test/fixtures/valid/effective-access.yaml", "--all", dir]), {
      code: 0,
      err: "",
      out: `Wrote 2 files to ${dir}: ana.config, ben.config. No access, no file: cy.`,
    });
    assert.deepEqual(fs.readdirSync(dir).sort(), ["alex.kim.config", "ana.config", "ben.config", "jane.doe.config", "notes.config", "priya.patel.config"]);
  });

  it("--all never replaces or removes a file it cannot prove it wrote, and then writes nothing at all", () => {
    const dir = path.join(tempDir(), "onboarding");
    assert.equal(capture(["aws-config", "--all", dir]).code, 0);
    // Someone's own file with a name --all would write; a copy of a generated block; a generated file, edited.
    fs.writeFileSync(path.join(dir, "ana.config"), "[profile mine]\n");
    fs.writeFileSync(path.join(dir, "copied.config"), `${JANE}\n`);
    fs.appendFileSync(path.join(dir, "sam.rivera.config"), "[profile extra]\n");
    const listing = () =>
      Object.fromEntries(
        fs
          .readdirSync(dir)
          .sort()
          .map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]),
      );
    const before = listing();
    assert.deepEqual(capture(["aws-config", "test/fixtures/valid/effective-access.yaml", "--all", dir]), {
      code: 1,
      out: "",
      err: `${path.join(dir, "ana.config")}:1:1  this file was not written by sso-access, or was edited since; move it away or write into another folder; nothing was written.`,
    });
    assert.deepEqual(listing(), before, "nothing changed, nothing staged");
    fs.rmSync(path.join(dir, "ana.config"));
    assert.equal(capture(["aws-config", "test/fixtures/valid/effective-access.yaml", "--all", dir]).code, 0);
    // Files sealed for another session, a copy and an edited file all stay.
    assert.deepEqual(Object.keys(listing()), [
      "alex.kim.config",
      "ana.config",
      "ben.config",
      "copied.config",
      "jane.doe.config",
      "priya.patel.config",
      "sam.rivera.config",
    ]);
    assert.ok(listing()["sam.rivera.config"].endsWith("[profile extra]\n"));
  });

  it("--all keeps distinct user names in distinct files", () => {
    const dir = tempDir();
    const file = path.join(dir, "access.yaml");
    const user = (name: string, n: number) =>
      `  ${name}:\n    displayName: X\n    givenName: X\n    familyName: X\n    email: x${n}@example.org\n    groups: [All]\n`;
    fs.writeFileSync(
      file,
      `version: 1\nidentityCenter:\n  startUrl: https://acme.awsapps.com/start\n  region: us-east-1\naccounts:\n  prod:\n    id: "100000000001"\npermissionSets:\n  Admin: {}\ngroups:\n  All: {}\nusers:\n${user('"a/b"', 1)}${user("a_b", 2)}${user('"é"', 3)}assignments:\n  - group: All\n    permissionSets: [Admin]\n    accounts: [prod]\n`,
    );
    const out = path.join(dir, "out");
    assert.equal(capture(["aws-config", file, "--all", out]).out, `Wrote 3 files to ${out}: a%2Fb.config, a_b.config, %C3%A9.config.`);
    assert.deepEqual(fs.readdirSync(out).sort(), ["%C3%A9.config", "a%2Fb.config", "a_b.config"]);
  });

  it("needs exactly one of --user and --all", () => {
    assert.deepEqual(capture(["aws-config"]), { code: 64, out: "", err: "sso-access: name one user with --user NAME, or use --all DIR for every user" });
    assert.deepEqual(capture(["aws-config", "--user", "jane.doe", "--all", "x"]), {
      code: 64,
      out: "",
      err: "sso-access: name one user with --user NAME, or use --all DIR for every user",
    });
  });
});

/** jane.doe's block, as the tests above print it. */
const BLOCK: ConfigBlock = {
  session: "professional-af",
  startUrl: "https://professional-af.awsapps.com/start",
  ssoRegion: "eu-west-1",
  region: "eu-west-1",
  profiles: [
    { name: "management-Admin", accountId: "111111111111", accountName: "management", permissionSet: "Admin" },
    { name: "taylor-Admin", accountId: "222222222222", accountName: "taylor", permissionSet: "Admin" },
  ],
};

/** What the AWS SDK for JavaScript's own loader reads from a config file. */
const sdkFiles = tempDir();
let sdkRuns = 0;
async function sdkReading(text: string) {
  // A new path each time: the SDK caches what it read by path.
  const config = path.join(sdkFiles, `config-${sdkRuns++}`);
  fs.writeFileSync(config, text);
  const { configFile } = await loadSharedConfigFiles({ configFilepath: config, filepath: path.join(sdkFiles, "none"), ignoreCache: true });
  return { configFile, ssoSessions: await loadSsoSessionData({ configFilepath: config }) };
}

/** Config files with what breaks readers: section names written every way, keys, comments, indents, any line ending. */
const NAMES = ["taylor-Admin", "professional-af", "mine", "default", "t\\aylor-Admin", "taylor-Admin x"];
const header = fc
  .tuple(
    fc.constantFrom("", " ", "\t"),
    fc.constantFrom("profile", "sso-session", "profiles", "services", "default", "DEFAULT", ""),
    fc.constantFrom(" ", "  ", "\t", ".", ""),
    fc.constantFrom("", '"', "'"),
    fc.constantFrom(...NAMES),
    fc.constantFrom("", " ", "\t"),
    fc.constantFrom("", " # note", ";note", " ; note", "x"),
  )
  .map(([a, prefix, separator, quote, name, b, after]) => `${a}[${prefix}${separator}${quote}${name}${quote}${b}]${after}`);
const key = fc
  .tuple(
    fc.constantFrom("", "  ", "\t"),
    fc.constantFrom("sso_account_id", "credential_process", "region", "s3", "a b"),
    fc.constantFrom("=", " = ", ":", " ="),
    fc.constantFrom("", "999999999999", "x = y", "v # note", "v#note"),
  )
  .map(([indent, name, equals, value]) => `${indent}${name}${equals}${value}`);
const otherLine = fc.constantFrom("", " ", "# note", "; note", "junk");
const generatedBlock = fc.constantFrom(JANE, JANE.replace(/professional-af/g, "old-name"));
const configText = fc
  .array(fc.tuple(fc.oneof({ weight: 4, arbitrary: header }, { weight: 4, arbitrary: key }, otherLine, generatedBlock), fc.constantFrom("\n", "\r\n", "\r")), {
    maxLength: 10,
  })
  .map((lines) => lines.map(([line, eol]) => line + eol).join(""));

describe("aws-config --write reads the file as the AWS CLI and the AWS SDKs do", () => {
  const refused = (text: string) => {
    const dir = tempDir();
    const config = path.join(dir, "config");
    fs.writeFileSync(config, text);
    const result = capture(["aws-config", "--user", "jane.doe", "--write", config]);
    assert.equal(fs.readFileSync(config, "utf8"), text, "nothing was written");
    assert.deepEqual(fs.readdirSync(dir), ["config"]);
    return { ...result, err: result.err.replace(config, "config") };
  };
  const refusal = (where: string, message: string) => ({ code: 1, out: "", err: `config:${where}:1  ${message}; nothing was written.` });
  const TAYLOR = "[profile taylor-Admin] is already defined outside the generated block";
  const RENAME = "rename or delete it, or choose other names with --profile-template";

  it("refuses a section that a reader takes for a generated one, however it is written, naming the readers", () => {
    const head = "[default]\nregion = us-east-2\n\n";
    const cases: [string, ReturnType<typeof refusal>][] = [
      [`[profile "taylor-Admin"]`, refusal("4", `${TAYLOR}: the AWS CLI and the AWS SDK for JavaScript read [profile "taylor-Admin"] as that name; ${RENAME}`)],
      [
        `[sso-session 'professional-af']`,
        refusal(
          "4",
          `[sso-session professional-af] is already defined outside the generated block: the AWS CLI and the AWS SDK for JavaScript read [sso-session 'professional-af'] as that name; rename or delete it, or choose another name with --session`,
        ),
      ],
      [`[profile.taylor-Admin]`, refusal("4", `${TAYLOR}: the AWS SDK for JavaScript reads [profile.taylor-Admin] as that name; ${RENAME}`)],
      [`[profiles taylor-Admin]`, refusal("4", `${TAYLOR}: the AWS CLI reads [profiles taylor-Admin] as that name; ${RENAME}`)],
      [`[profile tay\\lor-Admin]`, refusal("4", `${TAYLOR}: the AWS CLI reads [profile tay\\lor-Admin] as that name; ${RENAME}`)],
      [
        `[profile  taylor-Admin]`,
        refusal("4", `${TAYLOR}: the AWS CLI and the AWS SDKs for Java and Rust read [profile  taylor-Admin] as that name; ${RENAME}`),
      ],
      [`[ profile taylor-Admin ]`, refusal("4", `${TAYLOR}: the AWS SDKs for Java and Rust read [ profile taylor-Admin ] as that name; ${RENAME}`)],
      [
        `[DEFAULT]`,
        refusal(
          "4",
          "[DEFAULT] lends its keys to every section when the AWS CLI reads the file (Python's configparser), the generated ones too; move its keys into the sections that need them",
        ),
      ],
    ];
    for (const [section, expected] of cases) assert.deepEqual(refused(`${head}${section}\nsso_account_id = 999999999999\n`), expected, section);
  });

  it("refuses a section that a lone CR hides from the AWS SDK for JavaScript, and a clash in a file with CR-only line endings", () => {
    assert.deepEqual(refused("[default]\nregion = us-east-2\r[profile taylor-Admin]\nsso_account_id = 999999999999\n"), refusal("3", `${TAYLOR}; ${RENAME}`));
    assert.deepEqual(refused("[default]\rregion = us-east-2\r\r[profile taylor-Admin]\rregion = us-east-1\r"), refusal("4", `${TAYLOR}; ${RENAME}`));
  });

  it("refuses a line after the generated block that readers would add to its last profile", () => {
    assert.deepEqual(
      refused(`${JANE}\ncredential_process = /usr/local/bin/other\n[profile mine]\nregion = us-east-1\n`),
      refusal(
        "19",
        "this line follows the generated block with no section header before it, so the AWS CLI, the AWS SDK for JavaScript and the AWS SDKs for Java and Rust would read it into [profile taylor-Admin]; move it under a section header or delete it",
      ),
    );
    // An indented line continues the value above it, for the AWS CLI: region would read "eu-west-1\nus-east-1".
    assert.deepEqual(
      refused(`[default]\nregion = us-east-2\n${JANE}\n  us-east-1\n`),
      refusal(
        "21",
        "this line follows the generated block with no section header before it, so the AWS CLI and the AWS SDKs for Java and Rust would read it into [profile taylor-Admin]; move it under a section header or delete it",
      ),
    );
  });

  it("keeps the file's line endings, LF, CRLF or CR only, and says that the AWS SDK for JavaScript cannot read CR-only lines", () => {
    for (const eol of ["\n", "\r\n", "\r"]) {
      const dir = tempDir();
      const config = path.join(dir, "config");
      const original = `[default]${eol}region = us-east-2${eol}`;
      fs.writeFileSync(config, original);
      const note =
        eol === "\r"
          ? `${config}: its lines end with CR only; the AWS CLI reads them, the AWS SDK for JavaScript does not (save the file with LF line endings)`
          : "";
      assert.deepEqual(capture(["aws-config", "--user", "jane.doe", "--write", config]), {
        code: 0,
        err: note,
        out: `${config}: wrote 2 profiles for jane.doe (session professional-af); the previous file is in ${config}.sso-access.bak.`,
      });
      const merged = `${original}${eol}${JANE.replace(/\n/g, eol)}${eol}`;
      assert.equal(fs.readFileSync(config, "utf8"), merged, JSON.stringify(eol));
      // In place, with the rest of the file after the block.
      fs.writeFileSync(config, `${merged}[profile mine]${eol}region = us-east-1${eol}`);
      assert.equal(capture(["aws-config", sampleWithoutTaylorForJane(dir), "--user", "jane.doe", "--write", config]).code, 0);
      const withoutTaylor = JANE.replace(
        "\n\n[profile taylor-Admin]\nsso_session = professional-af\nsso_account_id = 222222222222\nsso_role_name = Admin\nregion = eu-west-1",
        "",
      );
      assert.equal(
        fs.readFileSync(config, "utf8"),
        `${original}${eol}${withoutTaylor.replace(/\n/g, eol)}${eol}[profile mine]${eol}region = us-east-1${eol}`,
        JSON.stringify(eol),
      );
    }
  });

  it("reads a config file exactly as the AWS SDK for JavaScript's own loader does (generated files)", async () => {
    await fc.assert(
      fc.asyncProperty(configText, async (text) => {
        assert.deepEqual(jsSdkReading(text), await sdkReading(text));
      }),
      { numRuns: 300 },
    );
  });

  it("whatever the file holds, --write refuses at a line, or writes what the AWS SDK for JavaScript reads exactly as generated", async () => {
    const expected = await sdkReading(`${renderBlock(BLOCK)}\n`);
    const strip = (text: string) => text.replace(/# BEGIN sso-access session professional-af:[^]*?# END sso-access session professional-af(\r\n|\r|\n)?/, "");
    await fc.assert(
      fc.asyncProperty(configText, async (text) => {
        let merged: string;
        try {
          merged = mergeConfig(text, BLOCK, "config");
        } catch (error) {
          assert.ok(error instanceof ConfigError, String(error));
          const line = Number(/^config:(\d+):1 {2}/.exec(error.message)?.[1]);
          assert.ok(line >= 1 && line <= text.split(/\r\n|\r|\n/).length, error.message);
          return;
        }
        // Every byte outside the block is kept.
        if (strip(text) === text) assert.ok(merged.startsWith(text));
        else assert.equal(strip(merged), strip(text));
        const read = await sdkReading(merged);
        // A file without line feeds is one line for this SDK: it finds no profile at all, rather than another one.
        const visible = merged.includes("\n");
        for (const { name } of BLOCK.profiles) assert.deepEqual(read.configFile[name], visible ? expected.configFile[name] : undefined, name);
        assert.deepEqual(read.ssoSessions[BLOCK.session], visible ? expected.ssoSessions[BLOCK.session] : undefined);
      }),
      { numRuns: 300 },
    );
  });

  /** Section headers and what the AWS CLI reads them as, verified with botocore 1.43.11's configloader. */
  const AWS_CLI_SECTIONS: [string, string | undefined][] = [
    ["[profile x]", "profile x"],
    ['[profile "x"]', "profile x"],
    ["[profile  x]", "profile x"],
    ["[profile\tx]", "profile x"],
    ["[profile x ]", "profile x"],
    ["[ profile x ]", undefined],
    ["[profile.x]", undefined],
    ["[profiles x]", "profile x"],
    ["[profile x] # note", "profile x"],
    ["[profile t\\aylor]", "profile taylor"],
    ["[profile 'x'y]", "profile xy"],
    ['[profile x"]', undefined],
    ["[profile a b]", undefined],
    ["[default]", "profile default"],
    ["[DEFAULT]", "*"],
    ['[sso-session "s"]', "sso-session s"],
    ["[sso-sessions s]", "sso-session s"],
    ["[services s]", undefined],
  ];

  it("reads section names as the AWS CLI does (botocore's configloader checks the table when it is installed)", function () {
    const read = (header: string) => claims(`${header}\nregion = x\n`).find((c) => c.reader === AWS_CLI && c.header)?.section;
    assert.deepEqual(
      AWS_CLI_SECTIONS.map(([h]) => [h, read(h)]),
      AWS_CLI_SECTIONS,
    );
    const script = [
      "import json, sys, tempfile",
      "from botocore.configloader import raw_config_parse, build_profile_map",
      "out = []",
      "for header in json.load(sys.stdin):",
      "    f = tempfile.NamedTemporaryFile('w', suffix='.ini', delete=False)",
      "    f.write(header + '\\nregion = x\\n'); f.close()",
      "    m = build_profile_map(raw_config_parse(f.name))",
      "    names = ['profile ' + p for p in m['profiles']] + ['sso-session ' + s for s in m['sso_sessions']]",
      "    out.append(names[0] if names else ('*' if header == '[DEFAULT]' else None))",
      "print(json.dumps(out))",
    ].join("\n");
    const python = spawnSync("python3", ["-c", script], { input: JSON.stringify(AWS_CLI_SECTIONS.map(([h]) => h)), encoding: "utf8" });
    if (python.status !== 0) return this.skip();
    assert.deepEqual(
      JSON.parse(python.stdout),
      AWS_CLI_SECTIONS.map(([, section]) => section ?? null),
    );
  });
});

describe("check --warnings and aws-config's profile names", () => {
  /** Two accounts whose names sanitize alike, both reached by jane and li; with `sets`, two sets that do too, for li. */
  function matrix(sets: boolean): string {
    const file = path.join(tempDir(), "access.yaml");
    const person = (name: string) => `  ${name}: {displayName: ${name}, givenName: ${name}, familyName: X, email: ${name}@example.org}\n`;
    fs.writeFileSync(
      file,
      `version: 1
identityCenter:
  startUrl: https://acme.awsapps.com/start
  region: us-east-1
accounts:
  prod-eu:
    id: "100000000001"
  prod+eu:
    id: "100000000002"
  dev:
    id: "100000000003"
permissionSets:
  Admin: {}
  Data-Ops: {}
${sets ? "  Data+Ops: {}\n" : ""}groups:
  Ops:
    members: [jane, li]
users:
${person("jane")}${person("li")}assignments:
  - group: Ops
    permissionSets: [Admin]
    accounts: [prod-eu, prod+eu]
  - user: li
    permissionSets: [${sets ? "Data-Ops, Data+Ops" : "Data-Ops"}]
    accounts: [dev]
`,
    );
    return file;
  }

  it("reports two profiles of a user that the default template names alike, located, with a template checked against every user", () => {
    const file = matrix(false);
    assert.deepEqual(capture(["check", "--warnings", file]), {
      code: 0,
      out: `${file}: valid (3 accounts, 2 permission sets, 1 groups, 2 users, 3 assignments)`,
      err: `${file}:8:3  accounts["prod+eu"]  warning: aws-config's default profile name "prod-eu-Admin" stands for both Admin in prod+eu and Admin in prod-eu, both held by jane (and 1 more user), so aws-config refuses it; use --profile-template "{account}-{accountId}-{permissionSet}", which gives every user of this file distinct names, or rename an account`,
    });
    assert.deepEqual(capture(["check", file]).err, "");
    // aws-config refuses the default names, and suggests the same template, which works for every user.
    assert.deepEqual(capture(["aws-config", file, "--user", "jane"]), {
      code: 64,
      out: "",
      err: 'sso-access: profile name "prod-eu-Admin" would stand for both Admin in prod+eu and Admin in prod-eu; use a template that tells them apart, e.g. "{account}-{accountId}-{permissionSet}"',
    });
    const profiles = (user: string) =>
      capture(["aws-config", file, "--user", user, "--profile-template", "{account}-{accountId}-{permissionSet}"])
        .out.split("\n")
        .filter((l) => l.startsWith("[profile"));
    assert.deepEqual(profiles("jane"), ["[profile prod-eu-100000000001-Admin]", "[profile prod-eu-100000000002-Admin]"]);
    assert.deepEqual(profiles("li"), ["[profile dev-100000000003-Data-Ops]", "[profile prod-eu-100000000001-Admin]", "[profile prod-eu-100000000002-Admin]"]);
  });

  it("says when no template tells two profiles apart: permission sets whose names sanitize alike", () => {
    const file = matrix(true);
    assert.deepEqual(capture(["check", "--warnings", file]), {
      code: 0,
      out: `${file}: valid (3 accounts, 3 permission sets, 1 groups, 2 users, 4 assignments)`,
      err: [
        `${file}:8:3  accounts["prod+eu"]  warning: aws-config's default profile name "prod-eu-Admin" stands for both Admin in prod+eu and Admin in prod-eu, both held by jane (and 1 more user), so aws-config refuses it; use --profile-template "{account}-{accountId}-{permissionSet}", which tells these two apart, or rename an account`,
        `${file}:15:3  permissionSets["Data+Ops"]  warning: aws-config's default profile name "dev-Data-Ops" stands for both Data+Ops in dev and Data-Ops in dev, both held by li, so aws-config refuses it; no template tells them apart: rename a permission set`,
      ].join("\n"),
    });
    assert.deepEqual(capture(["aws-config", file, "--user", "li"]), {
      code: 64,
      out: "",
      err: 'sso-access: profile name "dev-Data-Ops" would stand for both Data+Ops in dev and Data-Ops in dev; no template tells them apart: rename one of them in the access matrix',
    });
  });
});
