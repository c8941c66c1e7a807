import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Snapshot } from "../matrix/live/snapshot";
import { ROOT, captureAsync } from "./cliRun";

/** The sample project in a folder of its own, with a snapshot of its organization changed by `change`. */
function project(change: (s: Snapshot) => void, edit: (text: string) => string = (t) => t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-inventory-"));
  fs.writeFileSync(path.join(dir, "access.yaml"), edit(fs.readFileSync(path.join(ROOT, "access.yaml"), "utf8")));
  fs.cpSync(path.join(ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
  const snapshot = JSON.parse(fs.readFileSync(path.join(ROOT, "test/fixtures/snapshots/professional-af.json"), "utf8")) as Snapshot;
  change(snapshot);
  fs.writeFileSync(path.join(dir, "snap.json"), JSON.stringify(snapshot, null, 2));
  return dir;
}

describe("sso-access inventory: accounts from AWS Organizations", () => {
  it("two new accounts, one moved and one suspended: only those lines change, every comment stays; --check exits 2 before and 0 after", async () => {
    const dir = project((s) => {
      s.accounts.push({ Id: "555555555555", Name: "data lake", Status: "ACTIVE", Path: ["Workloads", "Dev"], Tags: [{ Key: "env", Value: "dev" }] });
      s.accounts.push({ Id: "666666666666", Name: "Sandbox 2", Status: "ACTIVE", Path: [], Tags: [] });
      s.accounts.find((a) => a.Id === "222222222222")!.Path = ["Workloads", "Staging"];
      s.accounts.find((a) => a.Id === "444444444444")!.Status = "SUSPENDED";
      // Neither closed accounts (listed for a while after they leave) nor ones being created are described.
      s.accounts.push({ Id: "777777777777", Name: "closed", Status: "CLOSED", Path: [], Tags: [] });
      s.accounts.push({ Id: "888888888888", Name: "coming", Status: "PENDING_ACTIVATION", Path: [], Tags: [] });
    });
    const before = fs.readFileSync(path.join(dir, "access.yaml"), "utf8");
    const report = [
      "  ~ account taylor (222222222222): OU Workloads/Prod -> Workloads/Staging",
      "  ~ account log-archive (444444444444): status ACTIVE -> SUSPENDED",
      "  + account Sandbox-2 (666666666666): directly under the root",
      "  + account data-lake (555555555555): OU Workloads/Dev; tags env=dev",
    ];
    assert.deepEqual(await captureAsync(["inventory", "--snapshot", "snap.json", "--check"], { cwd: dir }), {
      code: 2,
      out: ["access.yaml: 4 accounts differ from AWS Organizations:", ...report].join("\n"),
      err: "",
    });
    assert.equal(fs.readFileSync(path.join(dir, "access.yaml"), "utf8"), before, "--check changes nothing");
    assert.deepEqual(await captureAsync(["inventory", "--snapshot", "snap.json"], { cwd: dir }), {
      code: 0,
      out: ["access.yaml: 4 accounts updated from AWS Organizations:", ...report].join("\n"),
      err: "",
    });
    const lines = before.split("\n");
    const taylorOu = lines.indexOf("    ou: Workloads/Prod");
    const logArchiveEnd = lines.indexOf("permissionSets:") - 1;
    assert.equal(lines[logArchiveEnd], "");
    const expected = [
      ...lines.slice(0, taylorOu),
      "    ou: Workloads/Staging",
      ...lines.slice(taylorOu + 1, logArchiveEnd),
      "    status: SUSPENDED",
      "  Sandbox-2:",
      '    id: "666666666666"',
      "  data-lake:",
      '    id: "555555555555"',
      "    ou: Workloads/Dev",
      "    tags:",
      "      env: dev",
      ...lines.slice(logArchiveEnd),
    ];
    assert.deepEqual(fs.readFileSync(path.join(dir, "access.yaml"), "utf8").split("\n"), expected);
    assert.deepEqual(await captureAsync(["inventory", "--snapshot", "snap.json", "--check"], { cwd: dir }), {
      code: 0,
      out: "access.yaml: the accounts match AWS Organizations.",
      err: "",
    });
  });

  it("an account that left the organization is removed, unless an assignment names it: then it is kept and reported", async () => {
    const dir = project((s) => {
      s.accounts = s.accounts.filter((a) => a.Id !== "222222222222" && a.Id !== "444444444444");
    });
    const { code, out } = await captureAsync(["inventory", "--snapshot", "snap.json"], { cwd: dir });
    assert.equal(code, 0);
    assert.equal(
      out,
      [
        "access.yaml: 1 account updated from AWS Organizations, 1 kept:",
        "  ! account taylor (222222222222): it is no longer in the organization, but assignments[0].accounts name it: remove those references, then run inventory again",
        "  - account log-archive (444444444444): no longer in the organization",
      ].join("\n"),
    );
    const text = fs.readFileSync(path.join(dir, "access.yaml"), "utf8");
    assert.ok(text.includes("  taylor:\n") && !text.includes("log-archive"));
  });

  it("reads Organizations from a snapshot or live, never neither nor both", async () => {
    const usage = { code: 64, out: "", err: "sso-access: read Organizations from a snapshot: give --snapshot FILE, or --live to take one now" };
    assert.deepEqual(await captureAsync(["inventory"]), usage);
    assert.deepEqual(await captureAsync(["inventory", "--snapshot", "x.json", "--live"]), usage);
  });

  it("keeps the file's line ends, its mode, and a link to it a link", async () => {
    const dir = project(
      (s) => {
        s.accounts.find((a) => a.Id === "222222222222")!.Path = ["Workloads", "Staging"];
      },
      (text) => text.replace(/\n/g, "\r\n"),
    );
    const real = path.join(dir, "access.yaml");
    fs.chmodSync(real, 0o640);
    fs.mkdirSync(path.join(dir, "repo"));
    fs.symlinkSync(real, path.join(dir, "repo", "access.yaml"));
    fs.cpSync(path.join(dir, "policies"), path.join(dir, "repo", "policies"), { recursive: true });
    fs.copyFileSync(path.join(dir, "snap.json"), path.join(dir, "repo", "snap.json"));
    const { code } = await captureAsync(["inventory", "--snapshot", "snap.json"], { cwd: path.join(dir, "repo") });
    assert.equal(code, 0);
    assert.ok(fs.lstatSync(path.join(dir, "repo", "access.yaml")).isSymbolicLink());
    const text = fs.readFileSync(real, "utf8");
    assert.ok(text.includes("    ou: Workloads/Staging\r\n"));
    assert.equal(text.split("\r\n").length - 1, text.split("\n").length - 1, "every line end is CRLF");
    assert.equal(fs.statSync(real).mode & 0o777, 0o640);
  });
});
