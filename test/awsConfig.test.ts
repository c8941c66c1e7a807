import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fromSSO } from "@aws-sdk/credential-provider-sso";
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
      err: 'sso-access: profile name "sandbox" would stand for both Developer in sandbox and ReadOnly in sandbox; use a template that tells them apart, e.g. "{account}-{permissionSet}" or "{accountId}-{permissionSet}"',
    });
    assert.deepEqual(capture(["aws-config", "--user", "alex.kim", "--profile-template", "{acount}-{permissionSet}"]), {
      code: 64,
      out: "",
      err: "sso-access: unknown placeholder {acount} in the profile template \"{acount}-{permissionSet}\"; use {account}, {accountId}, {permissionSet}, {session}",
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
    assert.deepEqual(first, { code: 0, err: "", out: `${config}: wrote 2 profiles for jane.doe (session professional-af); the previous file is in ${config}.sso-access.bak.` });
    const merged = fs.readFileSync(config, "utf8");
    // Appended after a blank line, in the file's own line endings; nothing before it moved.
    assert.equal(merged, `${original}\r\n${JANE.replace(/\n/g, "\r\n")}\r\n`);
    assert.equal(fs.readFileSync(`${config}.sso-access.bak`, "utf8"), original);
    assert.equal(fs.statSync(config).mode & 0o777, 0o640);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["config", "config.sso-access.bak"], "no temporary file is left behind");

    assert.deepEqual(capture(["aws-config", "--user", "jane.doe", "--write", config]), { code: 0, err: "", out: `${config}: already up to date (2 profiles for jane.doe).` });
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
    const expectedBlock = block.replace("\r\n\r\n[profile taylor-Admin]\r\nsso_session = professional-af\r\nsso_account_id = 222222222222\r\nsso_role_name = Admin\r\nregion = eu-west-1", "");
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
    for (const user of ["jane.doe", "priya.patel", "sam.rivera"]) assert.equal(capture(["aws-config", "--user", user, "--write", config]).code, 0);
    // One block per session: the three runs above share the session, so the last user's profiles are the ones there.
    assert.equal(fs.readFileSync(config, "utf8").split("# BEGIN sso-access session professional-af").length, 2);

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
    const home0 = process.env.HOME;
    process.env.HOME = home;
    try {
      for (const profile of ["sandbox-ReadOnly", "taylor-ReadOnly"]) {
        const resolved = await fromSSO({ profile, configFilepath: config, filepath: credentials, ignoreCache: true, ssoClient: ssoClient as never })();
        assert.equal(resolved.accessKeyId, "AKID");
      }
      await assert.rejects(fromSSO({ profile: "management-Admin", configFilepath: config, filepath: credentials, ignoreCache: true, ssoClient: ssoClient as never })(), /Profile management-Admin was not found/);
    } finally {
      process.env.HOME = home0;
    }
    assert.deepEqual(calls, [
      { accountId: "333333333333", roleName: "ReadOnly", accessToken: token },
      { accountId: "222222222222", roleName: "ReadOnly", accessToken: token },
    ]);
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

  it("--write with no path uses AWS_CONFIG_FILE, creates the file, and follows a symbolic link", () => {
    const dir = tempDir();
    const real = path.join(dir, "dotfiles", "aws-config");
    fs.mkdirSync(path.dirname(real));
    fs.writeFileSync(real, "[default]\nregion = us-east-2\n");
    const link = path.join(dir, "config");
    fs.symlinkSync(real, link);
    const before = process.env.AWS_CONFIG_FILE;
    process.env.AWS_CONFIG_FILE = link;
    try {
      assert.equal(capture(["aws-config", "--user", "jane.doe", "--write"]).code, 0);
    } finally {
      if (before === undefined) delete process.env.AWS_CONFIG_FILE;
      else process.env.AWS_CONFIG_FILE = before;
    }
    assert.ok(fs.lstatSync(link).isSymbolicLink(), "the link is still a link");
    assert.equal(fs.readFileSync(real, "utf8"), `[default]\nregion = us-east-2\n\n${JANE}\n`);

    const fresh = path.join(dir, "new", ".aws", "config");
    assert.equal(capture(["aws-config", "--user", "jane.doe", "--write", fresh]).out, `${fresh}: wrote 2 profiles for jane.doe (session professional-af).`);
    assert.equal(fs.readFileSync(fresh, "utf8"), `${JANE}\n`);
    assert.equal(fs.statSync(fresh).mode & 0o777, 0o600);
  });

  it("--all writes one file per user who reaches an account, for onboarding mail", () => {
    const dir = path.join(tempDir(), "onboarding");
    assert.deepEqual(capture(["aws-config", "--all", dir]), {
      code: 0,
      err: "",
      out: `Wrote 4 files to ${dir}: alex.kim.config, jane.doe.config, priya.patel.config, sam.rivera.config.`,
    });
    assert.equal(fs.readFileSync(path.join(dir, "jane.doe.config"), "utf8"), `${JANE}\n`);
    assert.deepEqual(
      fs.readFileSync(path.join(dir, "sam.rivera.config"), "utf8").split("\n").filter((l) => l.startsWith("[")),
      ["[sso-session professional-af]", "[profile sandbox-ReadOnly]", "[profile taylor-ReadOnly]"],
    );
    const fixture = capture(["aws-config", "test/fixtures/valid/effective-access.yaml", "--all", dir]);
    assert.match(fixture.out, /: ana\.config, ben\.config\. No access, no file: cy\.$/);
  });

  it("needs exactly one of --user and --all", () => {
    assert.deepEqual(capture(["aws-config"]), { code: 64, out: "", err: "sso-access: name one user with --user NAME, or use --all DIR for every user" });
    assert.deepEqual(capture(["aws-config", "--user", "jane.doe", "--all", "x"]), { code: 64, out: "", err: "sso-access: name one user with --user NAME, or use --all DIR for every user" });
  });
});
