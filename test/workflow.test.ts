import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { ROOT, capture } from "./cliRun";

/** The GitHub Actions workflow is not run here: it is parsed, and what it relies on is checked against the project. */

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if: string;
  permissions: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, { branches: string[] }>;
  jobs: Record<string, Job>;
}

const read = (file: string) => yaml.load(fs.readFileSync(path.join(ROOT, ".github/workflows", file), "utf8")) as Workflow;
const WORKFLOW = read("access.yml");
const REVIEW = read("access-review.yml");
const DRIFT = read("access-drift.yml");
const action = (job: Job, name: string) => job.steps.filter((s) => s.uses?.startsWith(`${name}@`));
const runs = (job: Job) => job.steps.filter((s) => s.run).map((s) => s.run!.trim());

describe(".github/workflows", () => {
  it("access.yml previews pull requests to main and deploys pushes to main; access-review.yml reviews pull requests from the target branch", () => {
    assert.deepEqual(WORKFLOW.on, { pull_request: { branches: ["main"] }, push: { branches: ["main"] } });
    assert.deepEqual(Object.keys(WORKFLOW.jobs), ["preview", "deploy"]);
    assert.equal(WORKFLOW.jobs.preview.if, "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository");
    assert.equal(WORKFLOW.jobs.deploy.if, "github.event_name == 'push' && github.ref == 'refs/heads/main'");
    // pull_request_target: the target branch's workflow runs, whatever the pull request changes in .github/.
    assert.deepEqual(REVIEW.on, { pull_request_target: { branches: ["main"] } });
    assert.deepEqual(Object.keys(REVIEW.jobs), ["review"]);
  });

  it("review: the target branch's sso-access checks the pull request's files and posts the diff; nothing of the pull request runs", () => {
    const review = REVIEW.jobs.review as Job & { "working-directory"?: string };
    assert.deepEqual((REVIEW as unknown as { permissions: unknown }).permissions, {});
    assert.deepEqual(review.permissions, { contents: "read", "pull-requests": "write" });
    // The target branch's code (the event's default ref), and the pull request merged into it, with history, apart.
    assert.deepEqual(
      action(review, "actions/checkout").map((s) => s.with),
      [
        { path: "base", "persist-credentials": false },
        {
          ref: "refs/pull/${{ github.event.pull_request.number }}/merge",
          path: "pr",
          "fetch-depth": 0,
          "persist-credentials": false,
          // A fork's files are data here, never run: actions/checkout refuses them in pull_request_target otherwise.
          "allow-unsafe-pr-checkout": true,
        },
      ],
    );
    // Every command: the target branch's install, then its sso-access run in the pull request's folder.
    assert.deepEqual(
      review.steps.filter((s) => s.run).map((s) => [(s as { "working-directory"?: string })["working-directory"], s.run!.trim()]),
      [
        [undefined, "npm ci --prefix base --omit=dev"],
        ["pr", 'node ../base/bin/sso-access.js check --stack "$STACK"'],
        [
          "pr",
          'node ../base/bin/sso-access.js diff --base "origin/$BASE_REF" --stack "$STACK" --format markdown > ../access-diff.md\ncat ../access-diff.md >> "$GITHUB_STEP_SUMMARY"',
        ],
      ],
    );
    // No expression is expanded into a shell line: the branch name reaches the shell as a variable.
    for (const line of runs(review)) assert.doesNotMatch(line, /\$\{\{/);
    assert.deepEqual(review.steps.find((s) => s.run?.includes(" diff "))!.env, { BASE_REF: "${{ github.base_ref }}" });
    assert.deepEqual(action(review, "marocchino/sticky-pull-request-comment")[0].with, { header: "sso-access-diff", path: "access-diff.md" });
    assert.deepEqual(
      review.steps.map((s) => s.uses?.split("@")[0] ?? "run"),
      // The target branch's code is installed before any file of the pull request is on the machine.
      ["actions/checkout", "actions/setup-node", "run", "actions/checkout", "run", "run", "marocchino/sticky-pull-request-comment"],
    );
  });

  it("preview: the pull request's code, type-checked, previewed with credentials that cannot change anything", () => {
    const preview = WORKFLOW.jobs.preview;
    assert.deepEqual(preview.permissions, { contents: "read", "id-token": "write" });
    assert.deepEqual(
      action(preview, "actions/checkout").map((s) => s.with),
      [{ "persist-credentials": false }],
    );
    assert.deepEqual(runs(preview), ["npm ci --ignore-scripts", "npx tsc --noEmit"]);
    const [aws] = action(preview, "aws-actions/configure-aws-credentials");
    assert.equal(aws.with!["role-to-assume"], "${{ secrets.AWS_PREVIEW_ROLE_ARN }}");
    const [pulumi] = action(preview, "pulumi/actions");
    assert.deepEqual(pulumi.with, { command: "preview", "stack-name": "${{ env.STACK }}", "comment-on-summary": true });
    assert.deepEqual(pulumi.env, { PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_PREVIEW_TOKEN }}" });
    const order = preview.steps.map((s) => s.uses?.split("@")[0] ?? s.run!.trim());
    assert.ok(order.indexOf("npx tsc --noEmit") < order.indexOf("pulumi/actions"), "the code is type-checked before preview");
  });

  it("every action is pinned to a commit, with its release in a comment", () => {
    const uses = ["access.yml", "access-review.yml", "access-drift.yml"].flatMap((file) =>
      [...fs.readFileSync(path.join(ROOT, ".github/workflows", file), "utf8").matchAll(/^\s*(?:- )?uses: (.*)$/gm)].map((m) => m[1]),
    );
    assert.equal(uses.length, 15);
    for (const use of uses) assert.match(use, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("drift: every day, a snapshot with a read-only role, compared with the access file; on drift an issue, and the job fails", () => {
    assert.deepEqual(DRIFT.on, { schedule: [{ cron: "17 6 * * *" }], workflow_dispatch: null } as unknown as Workflow["on"]);
    const drift = DRIFT.jobs.drift;
    assert.deepEqual(drift.permissions, { contents: "read", "id-token": "write", issues: "write" });
    assert.deepEqual(
      runs(drift).map((r) => r.split("\n")[0]),
      [
        "npm ci --omit=dev",
        'node bin/sso-access.js snapshot --stack "$STACK" --out snapshot.json',
        "set +e",
        "# An issue body holds 65,536 characters: a longer report is cut, and the whole of it is in the job summary.",
        'echo "AWS differs from the access file: see the job summary and the access-drift issue."',
      ],
    );
    const diffStep = drift.steps.find((s) => s.run?.includes(" drift "))!;
    assert.match(diffStep.run!, /node bin\/sso-access\.js drift --stack "\$STACK" --snapshot snapshot\.json --format markdown > drift\.md/);
    // Exit 2 is drift; anything else but 0 (bad input, a bug) fails this step itself.
    assert.match(diffStep.run!, /if \[ "\$code" -ne 0 \] && \[ "\$code" -ne 2 \]; then exit "\$code"; fi/);
    const conditional = drift.steps.filter((s) => (s as { if?: string }).if).map((s) => (s as { if?: string }).if);
    assert.deepEqual(conditional, ["steps.drift.outputs.code == '2'", "steps.drift.outputs.code == '2'"]);
  });

  it("deploy: check, then pulumi up, one at a time", () => {
    const deploy = WORKFLOW.jobs.deploy as Job & { concurrency: { group: string; "cancel-in-progress": boolean } };
    assert.deepEqual(deploy.concurrency, { group: "access-deploy", "cancel-in-progress": false });
    assert.deepEqual(
      deploy.steps.filter((s) => s.run).map((s) => s.run!.trim()),
      ["npm ci", 'npx sso-access check --stack "$STACK"'],
    );
    const [up] = action(deploy, "pulumi/actions");
    assert.equal(up.with!.command, "up");
    assert.equal(up.with!["stack-name"], "${{ env.STACK }}");
    assert.deepEqual(deploy.permissions, { contents: "read", "id-token": "write" });
    assert.equal((deploy as unknown as { environment: string }).environment, "production");
  });

  it("every sso-access command line it runs exists, with options the command documents", () => {
    const lines = [WORKFLOW, REVIEW, DRIFT].flatMap((w) => Object.values(w.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ?? "").split("\n"))));
    const commands = lines.filter((l) => /(npx sso-access|bin\/sso-access\.js) /.test(l));
    assert.equal(commands.length, 5);
    for (const line of commands) {
      const [command, ...args] = line
        .replace(/.*(npx sso-access|bin\/sso-access\.js) /, "")
        .replace(/\s*>.*$/, "")
        .split(/\s+/);
      const help = capture([command, "--help"]);
      assert.equal(help.code, 0, line);
      for (const option of args.filter((a) => a.startsWith("--"))) assert.match(help.out, new RegExp(`\\n  ${option}[ ,]`), `${line}: ${option}`);
      const format = args[args.indexOf("--format") + 1];
      if (args.includes("--format")) assert.match(help.out, new RegExp(`"${format}"`), line);
    }
  });

  it("the README documents every secret and variable it uses, each as what it is", () => {
    const secrets = ["AWS_DEPLOY_ROLE_ARN", "AWS_PREVIEW_ROLE_ARN", "AWS_SNAPSHOT_ROLE_ARN", "PULUMI_ACCESS_TOKEN", "PULUMI_PREVIEW_TOKEN"];
    const variables = ["AWS_REGION", "PULUMI_STACK"];
    // Every value (or key) of the workflow that reads a secret or a variable, where it sits; steps by name.
    const reads: [string, string][] = [];
    const mentions = (text: string) => /\b(secrets|vars)\b/.test(text);
    const visit = (value: unknown, at: string): void => {
      if (typeof value === "string") {
        if (mentions(value)) reads.push([at, value]);
      } else if (Array.isArray(value)) {
        value.forEach((item, i) => visit(item, `${at}[${(item as { name?: string } | null)?.name ?? i}]`));
      } else if (typeof value === "object" && value !== null) {
        for (const [key, item] of Object.entries(value)) {
          const place = at ? `${at}.${key}` : key;
          if (mentions(key)) reads.push([place, key]);
          visit(item, place);
        }
      }
    };
    visit({ access: WORKFLOW, "access-review": REVIEW, "access-drift": DRIFT }, "");
    assert.deepEqual(reads, [
      ["access.env.STACK", "${{ vars.PULUMI_STACK || 'prod' }}"],
      ["access.jobs.preview.steps[AWS credentials (read-only role, for preview)].with.role-to-assume", "${{ secrets.AWS_PREVIEW_ROLE_ARN }}"],
      ["access.jobs.preview.steps[AWS credentials (read-only role, for preview)].with.aws-region", "${{ vars.AWS_REGION || 'us-east-1' }}"],
      ["access.jobs.preview.steps[pulumi preview].env.PULUMI_ACCESS_TOKEN", "${{ secrets.PULUMI_PREVIEW_TOKEN }}"],
      ["access.jobs.deploy.steps[AWS credentials (deploy role)].with.role-to-assume", "${{ secrets.AWS_DEPLOY_ROLE_ARN }}"],
      ["access.jobs.deploy.steps[AWS credentials (deploy role)].with.aws-region", "${{ vars.AWS_REGION || 'us-east-1' }}"],
      ["access.jobs.deploy.steps[pulumi up].env.PULUMI_ACCESS_TOKEN", "${{ secrets.PULUMI_ACCESS_TOKEN }}"],
      ["access-review.env.STACK", "${{ vars.PULUMI_STACK || 'prod' }}"],
      ["access-drift.env.STACK", "${{ vars.PULUMI_STACK || 'prod' }}"],
      ["access-drift.jobs.drift.steps[AWS credentials (read-only role, for the snapshot)].with.role-to-assume", "${{ secrets.AWS_SNAPSHOT_ROLE_ARN }}"],
      ["access-drift.jobs.drift.steps[AWS credentials (read-only role, for the snapshot)].with.aws-region", "${{ vars.AWS_REGION || 'us-east-1' }}"],
    ]);
    for (const name of secrets)
      assert.ok(
        reads.some(([, text]) => text.includes(`secrets.${name} `)),
        `the workflow reads the secret ${name}`,
      );
    for (const name of variables)
      assert.ok(
        reads.some(([, text]) => text.includes(`vars.${name} `)),
        `the workflow reads the variable ${name}`,
      );

    // The README's table in "Continuous delivery": one row per secret and per variable, each as what it is.
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const start = readme.indexOf("\n## Continuous delivery\n");
    assert.ok(start >= 0, "README has a section Continuous delivery");
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
    const rows = [...section.matchAll(/^\| `([^`]+)` \| ([a-z]+) \| \S.*\|$/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(rows, [
      ["PULUMI_PREVIEW_TOKEN", "secret"],
      ["AWS_PREVIEW_ROLE_ARN", "secret"],
      ["PULUMI_ACCESS_TOKEN", "secret"],
      ["AWS_DEPLOY_ROLE_ARN", "secret"],
      ["AWS_SNAPSHOT_ROLE_ARN", "secret"],
      ["PULUMI_STACK", "variable"],
      ["AWS_REGION", "variable"],
    ]);
    for (const name of secrets)
      assert.ok(
        rows.some((row) => row[0] === name && row[1] === "secret"),
        `README documents the secret ${name}`,
      );
    for (const name of variables)
      assert.ok(
        rows.some((row) => row[0] === name && row[1] === "variable"),
        `README documents the variable ${name}`,
      );
  });
});
