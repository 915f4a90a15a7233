#!/usr/bin/env bash
# Builds and packages the VS Code extension (editors/vscode): installs its own dependencies
# from its package-lock.json when they are missing or older than the lockfile (npm registry
# only), then `npm run package` (grammar copy, type check, esbuild bundle, vsce package).
# test/editors/vscode.test.ts runs it, so `npm test` fails when the extension does not build.
set -euo pipefail
cd "$(dirname "$0")/../editors/vscode"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run package --silent
