#!/usr/bin/env bash
# The package as a user gets it: `npm pack` (which builds dist/ through `prepare`), install the
# tarball into an empty folder with npm's settings as they are (no lock file: what a user
# resolves), then run the installed `finetune` there — --help, `validate` on the bundled sample,
# and `sandbox --json` end to end. Nothing of the checkout (src/, tsx, dev dependencies) is
# reachable from that folder. Prints each step's time and the total wall time.
#
#   npm run test:pack            KEEP=1 keeps the temp folder for a look around
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
t0=$(now)
step_start=$t0
step() {
  local t
  t=$(now)
  [ "${current:-}" ] && printf '    %s: %s s\n' "$current" "$(secs "$step_start" "$t")"
  current=$1
  step_start=$t
  printf '\n--- pack smoke: %s\n' "$1"
}
fail() {
  printf 'pack smoke FAILED: %s\n' "$1" >&2
  exit 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/finetune-pack-XXXXXX")
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi
app="$work/app"
mkdir -p "$app"

# The sandbox needs a Temporal CLI. The installed package would install the pinned one into its
# own folder; reuse the checkout's (or PATH's) instead, as CI installed it a step earlier.
if [ -z "${TEMPORAL_CLI_PATH:-}" ] && ! command -v temporal >/dev/null 2>&1 &&
  [ -x "$root/.tools/temporal-cli/bin/temporal" ]; then
  export TEMPORAL_CLI_PATH="$root/.tools/temporal-cli/bin/temporal"
fi

step "npm pack"
npm pack --pack-destination "$work" --loglevel warn >"$work/pack.log" 2>&1 ||
  { cat "$work/pack.log" >&2; fail "npm pack"; }
tgz=$(find "$work" -maxdepth 1 -name 'temporal-finetune-*.tgz' | head -n1)
[ -n "$tgz" ] || fail "npm pack made no tarball"
tar -tzf "$tgz" >"$work/files.txt"
echo "$(basename "$tgz"): $(wc -l <"$work/files.txt") files, $(du -k "$tgz" | cut -f1) KiB"
for needed in package/bin/finetune.js package/dist/cli/main.js package/dist/index.js \
  package/dist/workflows/index.js package/data/sample/train.jsonl \
  package/tools/temporal-cli-requirements.txt; do
  grep -qx "$needed" "$work/files.txt" || fail "the tarball lacks ${needed#package/}"
done
if grep -q '^package/src/' "$work/files.txt"; then fail "the tarball ships src/"; fi

step "npm install <tarball> into an empty folder"
# The project's own npm settings, if it has any, apply as they would in the checkout.
[ -f "$root/.npmrc" ] && cp "$root/.npmrc" "$app/.npmrc"
printf '{ "name": "finetune-pack-smoke", "version": "0.0.0", "private": true }\n' >"$app/package.json"
(cd "$app" && npm install --no-audit --no-fund "$tgz" 2>&1 | tee "$work/install.log") ||
  fail "npm install of the tarball"
# Installing raises no warning on the Node versions the package promises (engines: >=20.19): an
# engine warning (a dependency that wants a newer Node) or any other npm warning fails here. The
# one exception is npm's own install-scripts advisory (npm 11.16 and later, not the npm 10 that
# Node 20 and 22 ship): it lists every dependency with an install script (@swc/core and protobufjs
# come with @temporalio/*) for the installing project to approve in its own package.json, which no
# dependency can do for it.
if grep -qi 'EBADENGINE' "$work/install.log"; then
  fail "npm install warned about engines on node $(node -v) (above)"
fi
if grep -i '^npm warn' "$work/install.log" | grep -vqi '^npm warn install-scripts'; then
  fail "npm install warned (above) on node $(node -v), npm $(npm -v)"
fi
if grep -qi '^npm warn install-scripts' "$work/install.log"; then
  echo "note: npm $(npm -v) listed the install scripts it asks the installing project to approve (not a warning of this package's)"
fi
echo "no engine or other npm warnings (node $(node -v), npm $(npm -v))"

cd "$app"
step "npx finetune --help"
npx --no-install finetune --help >"$work/help.txt" || fail "finetune --help"
grep -q 'validate' "$work/help.txt" || fail "--help does not list validate"
grep -q 'sandbox' "$work/help.txt" || fail "--help does not list sandbox"
echo "ok ($(wc -l <"$work/help.txt") lines)"

step "npx finetune validate <bundled sample>"
sample="$app/node_modules/temporal-finetune/data/sample"
npx --no-install finetune validate "$sample/train.jsonl" --validation "$sample/valid.jsonl" ||
  fail "finetune validate on the bundled sample"
if npx --no-install finetune validate "$sample/does-not-exist.jsonl" >/dev/null 2>&1; then
  fail "finetune validate accepted a missing file"
fi

step "npx finetune sandbox --json"
result=$(npx --no-install finetune sandbox --json --no-persist --no-ui) || {
  echo "$result"
  fail "finetune sandbox --json"
}
echo "$result"
node -e '
  const r = JSON.parse(process.argv[1]);
  if (r.status !== "succeeded" || !r.fineTunedModel) {
    console.error("the installed sandbox did not succeed");
    process.exit(1);
  }
' "$result" || fail "sandbox result"

step "done"
printf '\npack smoke passed in %s s (wall time)\n' "$(secs "$t0" "$(now)")"
