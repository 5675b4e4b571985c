#!/usr/bin/env bash
# Shows that every stage of `npm test` can fail: for each stage, inject one fault into a scratch
# copy of the committed tree and require that stage to exit non-zero. Nothing in this checkout
# is touched. Usage: bash scripts/prove-gates.sh
set -uo pipefail
root=$(git rev-parse --show-toplevel)
scratch=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$scratch/tree" >/dev/null 2>&1; rm -rf "$scratch"' EXIT
git -C "$root" worktree add --detach "$scratch/tree" HEAD >/dev/null 2>&1
cd "$scratch/tree"
ln -s "$root/node_modules" node_modules

failures=0
gate() {
  local name=$1 stage=$2 file=$3 fault=$4
  cp "$file" "$scratch/orig"
  eval "$fault"
  if npm run --silent "$stage" >"$scratch/$name.log" 2>&1; then
    echo "NOT CAUGHT  $name: npm run $stage passed with the fault in $file"
    failures=$((failures + 1))
  else
    echo "caught      $name: npm run $stage failed "
    grep -Eim1 'error|failed|✘|×' "$scratch/$name.log" | cut -c1-150 | sed 's/^/            /'
  fi
  cp "$scratch/orig" "$file"
}

gate type-error check src/lib/paths.ts \
  'echo "export const broken: number = \"not a number\";" >> src/lib/paths.ts'
gate lint-error lint src/lib/paths.ts \
  'echo "export function f(a: any) { debugger; return a == 1; }" >> src/lib/paths.ts'
gate failing-unit-test test:unit src/lib/paths.test.ts \
  'sed -i "s#toBe(\"/talks/\")#toBe(\"/talk/\")#" src/lib/paths.test.ts'
gate broken-build build content/talks/akka-persistence-basics.mdx \
  'echo "<Notes>never closed" >> content/talks/akka-persistence-basics.mdx'
npm run --silent build >/dev/null 2>&1
gate failing-browser-test test:e2e src/pages/index.astro \
  'sed -i "s#Browse the talks#Browse talks#" src/pages/index.astro && npm run --silent build >/dev/null 2>&1'

if [ "$failures" -gt 0 ]; then
  echo "$failures stage(s) did not catch their fault"
  exit 1
fi
echo "every stage caught its fault"
