#!/usr/bin/env bash
# The completion scripts of `completions --shell` through the real program,
# under both names it is installed as (cfn-guard, guardvm): each script
# parses (bash -n; zsh -n and fish -n where those shells are installed), and
# each completes what it should once loaded (zsh's through compinit in a
# pseudo-terminal, tests/cli/zsh_complete.zsh): subcommands, possible values,
# guardvm's own flags only under its name. The scripts' text
# is checked against cfn-guard's by the goldens c01-c03 and
# tests/completion_scripts_test.cpp. Called by ctest:
#   completions.sh GUARDVM
here=$(dirname "$(readlink -f "$0")")
. "$here/common.sh"

pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }

mkdir bin
for name in cfn-guard guardvm; do ln -s "$vm" "bin/$name"; done
PATH="$work/bin:$PATH"

for name in cfn-guard guardvm; do
  "$name" completions --shell bash > "$name.bash" && bash -n "$name.bash" &&
    pass "$name: bash script parses" || fail "$name: bash script"
  mkdir -p zfunc
  "$name" completions --shell zsh > "zfunc/_$name" || fail "$name: zsh script"
  if command -v zsh > /dev/null; then
    zsh -n "zfunc/_$name" && pass "$name: zsh script parses" || fail "$name: zsh -n"
  else
    echo "skip $name: zsh -n (no zsh)"
  fi
  "$name" completions -s fish > "$name.fish" || fail "$name: fish script"
  if command -v fish > /dev/null; then
    fish -n "$name.fish" && pass "$name: fish script parses" || fail "$name: fish -n"
  else
    echo "skip $name: fish -n (no fish)"
  fi
done

# bash_complete NAME WORD...: what the loaded bash script offers for the
# last WORD (the one being completed), one per line, sorted.
bash_complete() {
  local name=$1
  shift
  bash --noprofile --norc -c '
    . "$1.bash"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    "_$1" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$name" "$name" "$@"
}

# expect WHAT GOT WANT
expect() {
  [ "$2" = "$3" ] && pass "$1" || { fail "$1"; printf 'got:\n%s\nwant:\n%s\n' "$2" "$3"; }
}

expect "bash: subcommands" "$(bash_complete cfn-guard pa)" "parse-tree"
expect "bash: help's subcommands" "$(bash_complete cfn-guard help r)" "rulegen"
expect "bash: output formats" "$(bash_complete cfn-guard validate -o '')" \
  "$(printf '%s\n' json junit sarif single-line-summary yaml)"
expect "bash: summary values" "$(bash_complete cfn-guard validate --show-summary p)" "pass"
expect "bash: shells" "$(bash_complete cfn-guard completions --shell '')" "$(printf '%s\n' bash fish zsh)"
expect "bash: cfn-guard has no --no-cache" "$(bash_complete cfn-guard validate --no)" ""
expect "bash: guardvm's --no-cache" "$(bash_complete guardvm test --no)" "--no-cache"
expect "bash: guardvm's validate flags" "$(bash_complete guardvm validate --l)" \
  "$(printf '%s\n' --last-modified --lint)"
out=$(bash --noprofile --norc -c '. ./cfn-guard.bash && complete -p cfn-guard' 2>&1)
expect "bash: registered under cfn-guard" "$out" "complete -o bashdefault -o default -F _cfn-guard cfn-guard"

if command -v fish > /dev/null; then
  # fish_complete NAME LINE: the candidates fish offers at the end of LINE.
  fish_complete() {
    fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$1.fish" "$2" | cut -f1 | sort
  }
  expect "fish: subcommands" "$(fish_complete cfn-guard 'cfn-guard pa')" "parse-tree"
  expect "fish: output formats" "$(fish_complete cfn-guard 'cfn-guard test -o ')" \
    "$(printf '%s\n' json junit sarif single-line-summary yaml)"
  expect "fish: guardvm's --lint" "$(fish_complete guardvm 'guardvm validate --li')" "--lint"
  expect "fish: cfn-guard has no --lint" "$(fish_complete cfn-guard 'cfn-guard validate --li')" ""
fi

if command -v zsh > /dev/null; then
  # zsh_complete LINE: the candidates zsh offers at the end of LINE.
  zsh_complete() { timeout 60 zsh -f "$here/zsh_complete.zsh" "$work/zfunc" "$1"; }
  expect "zsh: registered under both names" \
    "$(zsh -f -c 'fpath=(zfunc $fpath); autoload -U compinit; compinit -u -D; print $_comps[cfn-guard] $_comps[guardvm]')" \
    "_cfn-guard _guardvm"
  expect "zsh: subcommands" "$(zsh_complete 'cfn-guard pa')" "parse-tree"
  expect "zsh: help's subcommands" "$(zsh_complete 'cfn-guard help r')" "rulegen"
  expect "zsh: output formats" "$(zsh_complete 'cfn-guard validate --output-format ')" \
    "$(printf '%s\n' json junit sarif single-line-summary yaml)"
  expect "zsh: cfn-guard's validate flags" "$(zsh_complete 'cfn-guard validate --l')" "--last-modified"
  expect "zsh: guardvm's validate flags" "$(zsh_complete 'guardvm validate --l')" \
    "$(printf '%s\n' --last-modified --lint)"
fi

# Only bash, zsh and fish: any other shell is clap's usage error.
for shell in powershell elvish; do
  cfn-guard completions --shell "$shell" > out 2> err
  rc=$?
  [ $rc = 2 ] && [ ! -s out ] && grep -q "invalid value '$shell' for '--shell <SHELL>'" err &&
    pass "completions --shell $shell: exit 2" || fail "completions --shell $shell: exit $rc"
done

echo "$fails failed"
[ "$fails" = 0 ]
