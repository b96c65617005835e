#!/usr/bin/env bash
# Rebuild the vendored age implementation of the Log a session page from the npm registry:
#   src/rmcode/site/templates/assets/age.js          typage ("age-encryption") + its deps, one minified file
#   src/rmcode/site/templates/assets/age.LICENSE.txt the licence of every package inside that file
# Versions are pinned by scripts/vendor-age/package-lock.json (npm ci), so the output is the
# same on every machine; the site never fetches anything at view time.
# Usage: bash scripts/vendor-age.sh        (needs node and npm)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
assets="$here/../src/rmcode/site/templates/assets"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$here/vendor-age/package.json" "$here/vendor-age/package-lock.json" "$here/vendor-age/entry.js" "$work/"
cd "$work"
npm ci --no-audit --no-fund --loglevel=error
./node_modules/.bin/esbuild entry.js --bundle --format=iife --global-name=rmcodeAge --minify \
    --target=es2020 --legal-comments=none --charset=utf8 --metafile=meta.json --outfile=age.js

{
    echo "/* age-encryption (typage) $(node -p 'require("./node_modules/age-encryption/package.json").version')"
    echo "   bundled by scripts/vendor-age.sh; licences in age.LICENSE.txt */"
    cat age.js
} > "$assets/age.js"

# one licence section per npm package whose code is in the bundle
node -e '
const fs = require("fs"), path = require("path");
const meta = JSON.parse(fs.readFileSync("meta.json", "utf8"));
const dirs = new Set();  // the package folder of every bundled file, nested copies included
for (const input of Object.keys(meta.inputs)) {
  const at = input.lastIndexOf("node_modules/");
  const m = at < 0 ? null : input.slice(at).match(/^node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (m) dirs.add(input.slice(0, at) + "node_modules/" + m[1]);
}
const out = ["Third-party code in age.js (bundled by scripts/vendor-age.sh from the npm registry).", ""];
for (const dir of [...dirs].sort()) {
  const name = dir.slice(dir.lastIndexOf("node_modules/") + "node_modules/".length);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const file = fs.readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  if (!file) { throw new Error(name + " ships no licence file"); }
  out.push("=".repeat(78), `${name} ${pkg.version} (${pkg.license})`, "=".repeat(78), "");
  out.push(fs.readFileSync(path.join(dir, file), "utf8").trim(), "");
}
fs.writeFileSync(process.argv[1], out.join("\n"));
' "$assets/age.LICENSE.txt"
echo "wrote $assets/age.js ($(wc -c < "$assets/age.js") bytes) and age.LICENSE.txt"
