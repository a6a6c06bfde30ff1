#!/usr/bin/env bash
# The guardvm-validate pre-commit hook (.pre-commit-hooks.yaml,
# tools/pre-commit/guardvm-validate) through Debian's `pre-commit` and real
# `git commit`s in a throw-away repository: a compliant template commits, a
# non-compliant one is refused (guardvm's exit 19). The hook repository is a
# commit of this checkout's working-tree manifest and script (what
# `pre-commit try-repo` does, which cannot pass the hook's `args`). guardvm
# comes from the build, put on PATH. Skipped (77) without pre-commit or git.
# Called by ctest (`cli_pre_commit_hook`):
#   pre_commit.sh GUARDVM SOURCE_DIR
src="$(readlink -f "$2")"
. "$(dirname "$(readlink -f "$0")")/common.sh"
command -v pre-commit >/dev/null && command -v git >/dev/null || { echo "pre-commit or git not installed"; exit 77; }

# No network, no user configuration: pre-commit's cache and git's settings stay in $work.
export HOME="$work" PRE_COMMIT_HOME="$work/pre-commit-cache" GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL="$work/gitconfig"
git config --global user.name "guardvm test"
git config --global user.email "test@example.invalid"
git config --global init.defaultBranch main
mkdir bin
ln -s "$vm" bin/guardvm
export PATH="$work/bin:$PATH"

# The hook repository: the manifest and the script, as they are in the working tree.
mkdir -p hooks/tools/pre-commit
cp "$src/.pre-commit-hooks.yaml" hooks/
cp -p "$src/tools/pre-commit/guardvm-validate" hooks/tools/pre-commit/
(cd hooks && git init -q && git add -A && git commit -qm hooks) || { echo "FAIL hook repository"; exit 1; }
rev=$(git -C hooks rev-parse HEAD)

# The project: its rules, the config naming the hook, then pre-commit's git hook.
mkdir -p project/rules project/templates
cp "$src/rules/no-root-for-tasks.guard" project/rules/
cat > project/.pre-commit-config.yaml <<YAML
repos:
  - repo: $work/hooks
    rev: $rev
    hooks:
      - id: guardvm-validate
        args: [--rules, rules/no-root-for-tasks.guard]
        files: ^templates/
YAML
cd project
git init -q && git add -A && git commit -qm config || { echo "FAIL project repository"; exit 1; }
pre-commit install >"$work/install.log" 2>&1 || { echo "FAIL pre-commit install"; cat "$work/install.log"; exit 1; }

# commit NAME FILE: stages FILE as templates/NAME and commits it; $rc, $work/commit.log.
commit() {
  mkdir -p templates
  cp "$2" "templates/$1"
  git add "templates/$1"
  git commit -m "add $1" >"$work/commit.log" 2>&1
  rc=$?
}

head0=$(git rev-parse HEAD)
commit safe.yml "$src/rules/examples/seed/safe-task-defs.yml"
if [ "$rc" != 0 ] || [ "$(git rev-parse HEAD)" = "$head0" ] || ! grep -q "guardvm validate.*Passed" "$work/commit.log"; then
  echo "FAIL compliant template: commit exit $rc"; cat "$work/commit.log"; fails=$((fails + 1))
else
  echo "ok   a compliant template commits"
fi

head1=$(git rev-parse HEAD)
commit bad.yml "$src/rules/examples/seed/bad-task-defs.yml"
if [ "$rc" = 0 ] || [ "$(git rev-parse HEAD)" != "$head1" ] || ! grep -q "exit code: 19" "$work/commit.log" ||
   ! grep -q "bad.yml" "$work/commit.log"; then
  echo "FAIL non-compliant template: commit exit $rc"; cat "$work/commit.log"; fails=$((fails + 1))
else
  echo "ok   a non-compliant template is refused (exit 19)"
fi
head -n 8 "$work/commit.log" | sed 's/^/     | /'
git reset -q --hard "$head1"

# The same hook through `pre-commit run` on two files at once: one bad file fails the run.
mkdir -p templates
cp "$src/rules/examples/seed/safe-task-defs.yml" templates/a.yml
cp "$src/rules/examples/seed/bad-task-defs.yml" templates/b.yml
git add templates
pre-commit run guardvm-validate --files templates/a.yml templates/b.yml >"$work/run.log" 2>&1
rc=$?
if [ "$rc" = 0 ] || ! grep -q "exit code: 19" "$work/run.log"; then
  echo "FAIL pre-commit run on two files: exit $rc"; cat "$work/run.log"; fails=$((fails + 1))
else
  echo "ok   pre-commit run on a good and a bad file fails"
fi

# The wrapper's own refusals: no rules, a --data of its own, guardvm missing.
hook="$work/hooks/tools/pre-commit/guardvm-validate"
# refuse NAME TEXT COMMAND...: exit 2 and TEXT on stderr.
refuse() {
  local name="$1" text="$2"
  shift 2
  "$@" >"$work/out.txt" 2>&1 </dev/null
  local rc=$?
  if [ "$rc" != 2 ] || ! grep -qF -- "$text" "$work/out.txt"; then
    echo "FAIL $name: exit $rc"; cat "$work/out.txt"; fails=$((fails + 1))
  else
    echo "ok   $name"
  fi
}
refuse no-rules "no rules given" "$hook" templates/a.yml
refuse own-data "the files to check are the ones pre-commit passes" "$hook" -r rules/no-root-for-tasks.guard -d x.yml
refuse no-guardvm "not found" env GUARDVM="$work/none/guardvm" "$hook" -r rules/no-root-for-tasks.guard templates/a.yml
"$hook" -r rules/no-root-for-tasks.guard </dev/null >/dev/null 2>&1 && echo "ok   no file: nothing to do" ||
  { echo "FAIL no file: exit $?"; fails=$((fails + 1)); }

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all passed"
