// The allowed direction of imports: the stages of the pure part, in the order data flows through them, then the
// two consumers of the plan (the Pulumi components and the offline command). `npm test` runs this check; any cycle
// or import against the flow fails it. README.md, "Layout", describes the same stages.
const STAGES = ["common", "aws", "read", "validate", "model", "checks", "expand", "review", "live"];

const againstTheFlow = STAGES.slice(0, -1).map((stage, i) => ({
  name: `${stage}-imports-no-later-stage`,
  comment: `matrix/${stage}/ comes before ${STAGES.slice(i + 1).join(", ")}: it may import only from stages before it`,
  severity: "error",
  from: { path: `^matrix/${stage}/` },
  to: { path: `^matrix/(${STAGES.slice(i + 1).join("|")})/` },
}));

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "A cycle, even of types only, means two modules own one concept: move the shared part to the earlier stage.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    ...againstTheFlow,
    {
      name: "matrix-is-pure",
      comment: "The pure part never imports Pulumi, the components, the command or the tests.",
      severity: "error",
      from: { path: "^matrix/" },
      to: { path: "(^node_modules/@pulumi/)|(^(components|cli|bench|test)/)|(^index\\.ts$)" },
    },
    {
      name: "matrix-only-in-stages",
      comment: "Every module of the pure part sits in a stage folder.",
      severity: "error",
      from: {},
      to: { path: "^matrix/[^/]+$" },
    },
    {
      name: "command-without-pulumi",
      comment: "The offline command works without Pulumi: it never imports the components or the Pulumi SDK.",
      severity: "error",
      from: { path: "^cli/" },
      to: { path: "(^components/)|(^node_modules/@pulumi/)|(^index\\.ts$)" },
    },
    {
      name: "components-carry-out-the-plan",
      comment: "Components declare the plan: they read the plan and the removal guard's types, never the file or the checks.",
      severity: "error",
      from: { path: "^components/" },
      to: { path: "(^cli/)|(^matrix/(read|validate|checks)/)" },
    },
    {
      name: "no-test-code-in-the-product",
      severity: "error",
      from: { path: "^(matrix|components|cli|index\\.ts)" },
      to: { path: "^(test|bench)/" },
    },
    {
      name: "resolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Type-only imports count: a cycle of types is still two modules that each need the other.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^node_modules" },
  },
};
