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

const TEXT = fs.readFileSync(path.join(ROOT, ".github/workflows/access.yml"), "utf8");
const WORKFLOW = yaml.load(TEXT) as Workflow;
const action = (job: Job, name: string) => job.steps.filter((s) => s.uses?.startsWith(`${name}@`));

describe(".github/workflows/access.yml", () => {
  it("runs on pull requests to main (review) and on pushes to main (deploy)", () => {
    assert.deepEqual(WORKFLOW.on, { pull_request: { branches: ["main"] }, push: { branches: ["main"] } });
    assert.deepEqual(Object.keys(WORKFLOW.jobs), ["review", "deploy"]);
    assert.equal(WORKFLOW.jobs.review.if, "github.event_name == 'pull_request'");
    assert.equal(WORKFLOW.jobs.deploy.if, "github.event_name == 'push' && github.ref == 'refs/heads/main'");
  });

  it("review: full history for diff --base, check, a type-check, the diff as a sticky comment, then pulumi preview with a comment", () => {
    const review = WORKFLOW.jobs.review;
    // The pull request with its history, and the target branch's code apart: that code writes the review.
    assert.deepEqual(
      action(review, "actions/checkout").map((s) => s.with),
      [{ "fetch-depth": 0 }, { ref: "${{ github.base_ref }}", path: ".sso-access-base" }],
    );
    assert.deepEqual(
      review.steps.filter((s) => s.run).map((s) => s.run!.trim()),
      [
        "npm ci --prefix .sso-access-base",
        'node .sso-access-base/bin/sso-access.js check --stack "$STACK"',
        'node .sso-access-base/bin/sso-access.js diff --base "origin/${{ github.base_ref }}" --stack "$STACK" --format markdown > access-diff.md\ncat access-diff.md >> "$GITHUB_STEP_SUMMARY"',
        "npm ci --ignore-scripts",
        "npx tsc --noEmit",
      ],
    );
    // No code of the pull request runs (an install script, a tool of its lockfile) before its review is posted.
    const steps = review.steps.map((s) => s.uses?.split("@")[0] ?? s.run!.trim());
    assert.ok(steps.indexOf("marocchino/sticky-pull-request-comment") < steps.indexOf("npm ci --ignore-scripts"));
    // A fork's pull request has a read-only token and no secrets: only the steps that need neither run.
    const sameRepository = "github.event.pull_request.head.repo.full_name == github.repository";
    assert.deepEqual(
      review.steps.filter((s) => (s as { if?: string }).if === sameRepository).map((s) => s.uses!.split("@")[0]),
      ["marocchino/sticky-pull-request-comment", "aws-actions/configure-aws-credentials", "pulumi/actions"],
    );
    assert.deepEqual(action(review, "marocchino/sticky-pull-request-comment")[0].with, { header: "sso-access-diff", path: "access-diff.md" });
    const [preview] = action(review, "pulumi/actions");
    assert.equal(preview.with!.command, "preview");
    assert.equal(preview.with!["comment-on-pr"], true);
    assert.deepEqual(preview.env, { PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
    assert.deepEqual(review.permissions, { contents: "read", "pull-requests": "write", "id-token": "write" });
    const order = review.steps.map((s) => s.uses?.split("@")[0] ?? s.run!.trim());
    assert.ok(order.indexOf('node .sso-access-base/bin/sso-access.js check --stack "$STACK"') < order.indexOf("pulumi/actions"), "check runs before preview");
    assert.ok(
      order.includes("npx tsc --noEmit") && order.indexOf("npx tsc --noEmit") < order.indexOf("pulumi/actions"),
      "the code is type-checked before preview",
    );
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
  });

  it("every sso-access command line it runs exists, with options the command documents", () => {
    const lines = Object.values(WORKFLOW.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ?? "").split("\n")));
    const commands = lines.filter((l) => /(npx sso-access|bin\/sso-access\.js) /.test(l));
    assert.equal(commands.length, 3);
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
    const secrets = ["AWS_DEPLOY_ROLE_ARN", "AWS_PREVIEW_ROLE_ARN", "PULUMI_ACCESS_TOKEN"];
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
    visit(WORKFLOW, "");
    assert.deepEqual(reads, [
      ["env.STACK", "${{ vars.PULUMI_STACK || 'prod' }}"],
      ["jobs.review.steps[AWS credentials (read-only role, for preview)].with.role-to-assume", "${{ secrets.AWS_PREVIEW_ROLE_ARN }}"],
      ["jobs.review.steps[AWS credentials (read-only role, for preview)].with.aws-region", "${{ vars.AWS_REGION || 'us-east-1' }}"],
      // Provided by GitHub to every workflow run: nothing to set up, so not in the README's table.
      ["jobs.review.steps[pulumi preview].with.github-token", "${{ secrets.GITHUB_TOKEN }}"],
      ["jobs.review.steps[pulumi preview].env.PULUMI_ACCESS_TOKEN", "${{ secrets.PULUMI_ACCESS_TOKEN }}"],
      ["jobs.deploy.steps[AWS credentials (deploy role)].with.role-to-assume", "${{ secrets.AWS_DEPLOY_ROLE_ARN }}"],
      ["jobs.deploy.steps[AWS credentials (deploy role)].with.aws-region", "${{ vars.AWS_REGION || 'us-east-1' }}"],
      ["jobs.deploy.steps[pulumi up].env.PULUMI_ACCESS_TOKEN", "${{ secrets.PULUMI_ACCESS_TOKEN }}"],
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
      ["PULUMI_ACCESS_TOKEN", "secret"],
      ["AWS_PREVIEW_ROLE_ARN", "secret"],
      ["AWS_DEPLOY_ROLE_ARN", "secret"],
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
