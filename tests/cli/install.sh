#!/usr/bin/env bash
# `cmake --install` of a built tree into a scratch prefix (with a space in its
# path): every file cmake/GuardInstall.cmake promises is there, the programs
# carry no RPATH or build-tree path, and the installed guardvm (also as
# cfn-guard) validates the bundled examples with the bundled pack from another
# directory, with a bare environment, after the prefix has been moved. With
# libguardvm built, docs/embedding.md's two examples (docs/examples/embed.c,
# built through pkg-config, and embed.py) run against the moved prefix too.
# The completion scripts installed for cfn-guard are cfn-guard's own (the
# goldens c01-c03 of ../shared, when SOURCE_DIR has it beside it).
# Installs only (no build). Called by ctest (`install_tree`):
#   install.sh CMAKE BUILD_DIR CFN_GUARD_LINK(ON|OFF) zsh=GUARD_ZSH_COMPLETION_DIR [SOURCE_DIR]
set -u
cmake="$1" build="$(readlink -f "$2")" link="$3" zshdir="${4#zsh=}" source="${5:-}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
prefix="$scratch/guard prefix"
fails=0

fail() {
  echo "FAIL $*"
  fails=$((fails + 1))
}

# check NAME COMMAND...: the command succeeds.
check() {
  local name="$1"
  shift
  if "$@"; then echo "ok   $name"; else fail "$name"; fi
}

# install_into PREFIX: cmake --install into PREFIX, or the test ends.
install_into() {
  if ! "$cmake" --install "$build" --prefix "$1" >"$scratch/install.log" 2>&1; then
    cat "$scratch/install.log"
    echo "FAIL cmake --install --prefix $1"
    exit 1
  fi
}

# Unless configured, zsh completions go where Debian's zsh looks: vendor-completions
# for a prefix ending in /usr, site-functions elsewhere.
if [ -z "$zshdir" ]; then
  install_into "$scratch/root/usr"
  [ -s "$scratch/root/usr/share/zsh/vendor-completions/_guardvm" ] ||
    fail "prefix .../usr: no share/zsh/vendor-completions/_guardvm"
  zshdir=share/zsh/site-functions
fi
install_into "$prefix"

expected=(bin/guardvm bin/guardc share/guardvm/bundles/shipped.gpack
  share/guardvm/examples/seed/bad-task-defs.yml share/guardvm/examples/seed/safe-task-defs.yml
  share/man/man1/guardvm.1 share/man/man1/guardc.1
  share/bash-completion/completions/guardvm share/bash-completion/completions/guardc
  "$zshdir/_guardvm" "$zshdir/_guardc"
  share/fish/vendor_completions.d/guardvm.fish share/fish/vendor_completions.d/guardc.fish)
if [ "$link" = ON ]; then
  expected+=(share/bash-completion/completions/cfn-guard "$zshdir/_cfn-guard"
    share/fish/vendor_completions.d/cfn-guard.fish)
fi
library=OFF
if ls "$build"/libguardvm.so.0 >/dev/null 2>&1; then
  library=ON
  libdir=$(cd "$prefix" && ls -d lib*/libguardvm.so.0 lib/*/libguardvm.so.0 2>/dev/null | head -1)
  [ -n "$libdir" ] || fail "no libguardvm.so.0 under lib"
  libdir=$(dirname "$libdir")
  # Debian's layout: lib/python3.N/dist-packages outside /usr (the scratch prefix),
  # lib/python3/dist-packages under a prefix ending in /usr.
  pydir=$(cd "$prefix" && ls -d lib/python3.*/dist-packages 2>/dev/null | head -1)
  [ -n "$pydir" ] || { fail "no lib/python3.N/dist-packages"; pydir=lib/python3.N/dist-packages; }
  expected+=("$libdir/libguardvm.so.0" include/guardvm/guardvm.h "$libdir/pkgconfig/guardvm.pc"
    "$pydir/guardvm/__init__.py" "$pydir/guardvm/_native.py" "$pydir/guardvm/fleet.py" "$pydir/guardvm/_libpath.py")
  if [ -d "$scratch/root/usr" ]; then
    [ -s "$scratch/root/usr/lib/python3/dist-packages/guardvm/__init__.py" ] ||
      fail "prefix .../usr: no lib/python3/dist-packages/guardvm"
  fi
  [ -L "$prefix/$libdir/libguardvm.so" ] || fail "no development link $libdir/libguardvm.so"
fi
for f in "${expected[@]}"; do
  [ -s "$prefix/$f" ] || fail "missing or empty: $f"
done
for p in guardvm guardc; do
  [ -x "$prefix/bin/$p" ] || fail "bin/$p is not executable"
done
ls "$prefix"/share/guardvm/rules/*.guard >/dev/null 2>&1 || fail "no rules in share/guardvm/rules"
if [ "$link" = ON ]; then
  [ "$(readlink "$prefix/bin/cfn-guard")" = guardvm ] || fail "bin/cfn-guard is not a symlink to guardvm"
  [ "$(readlink "$prefix/share/man/man1/cfn-guard.1")" = guardvm.1 ] || fail "cfn-guard.1 is not a link to guardvm.1"
else
  [ ! -e "$prefix/bin/cfn-guard" ] || fail "bin/cfn-guard installed with GUARD_INSTALL_CFN_GUARD_LINK=OFF"
fi
echo "ok   installed files"

# Nothing points back into the build tree. Debug information (RelWithDebInfo) names the
# build folder, and so does AddressSanitizer's data about globals (the asan preset), so
# the text search skips debug sections and sanitizer builds.
binaries=(bin/guardvm bin/guardc)
[ "$library" = ON ] && binaries+=("$libdir/libguardvm.so.0")
for p in "${binaries[@]}"; do
  bin="$prefix/$p"
  if command -v readelf >/dev/null && readelf -d "$bin" | grep -qE 'RPATH|RUNPATH'; then
    fail "$p has an RPATH: $(readelf -d "$bin" | grep -E 'RPATH|RUNPATH')"
  fi
  if command -v readelf >/dev/null && readelf -d "$bin" | grep -q 'NEEDED.*libasan'; then
    echo "     $p: a sanitizer build, build-tree text not searched"
    continue
  fi
  objcopy --strip-debug "$bin" "$scratch/stripped" 2>/dev/null || cp "$bin" "$scratch/stripped"
  if grep -qaF "$build" "$scratch/stripped"; then fail "$p contains the build directory $build"; fi
done
echo "ok   no RPATH, no build-tree path"

# Move the installation, then run it from elsewhere with a bare environment.
moved="$scratch/moved prefix"
mv "$prefix" "$moved"
elsewhere="$scratch/elsewhere"
mkdir "$elsewhere"
cp "$moved/share/guardvm/examples/seed/bad-task-defs.yml" "$elsewhere/bad.yml"
cp "$moved/share/guardvm/examples/seed/safe-task-defs.yml" "$elsewhere/safe.yml"

# run EXPECTED-EXIT PROGRAM ARGS...: in $elsewhere, stdout+stderr in $scratch/out.txt.
run() {
  local want="$1"
  shift
  (cd "$elsewhere" && env -i PATH=/usr/bin:/bin "$@") >"$scratch/out.txt" 2>&1 </dev/null
  local rc=$?
  if [ "$rc" != "$want" ]; then
    echo "     exit $rc (want $want): $*"
    cat "$scratch/out.txt"
    return 1
  fi
}
pack="$moved/share/guardvm/bundles/shipped.gpack"
check "validate a non-compliant example (19)" run 19 "$moved/bin/guardvm" validate -r "$pack" -d bad.yml
grep -q "FAIL" "$scratch/out.txt" || fail "the non-compliant report does not say FAIL"
check "validate a compliant example (0)" run 0 "$moved/bin/guardvm" validate -r "$pack" -d safe.yml
check "validate the examples folder by absolute path" \
  run 19 "$moved/bin/guardvm" validate -r "$pack" -d "$moved/share/guardvm/examples"
check "guardc compiles the installed rules" run 0 "$moved/bin/guardc" -o "$elsewhere/mine.gpack" "$moved/share/guardvm/rules"
check "validate with that pack (19)" run 19 "$moved/bin/guardvm" validate -r mine.gpack -d bad.yml
check "guardc --disasm the installed pack" run 0 "$moved/bin/guardc" --disasm "$pack"
# Installed bundles by name, found relative to the moved programs (no environment).
check "validate -r @shipped (19)" run 19 "$moved/bin/guardvm" validate -r @shipped -d bad.yml
check "validate -r @shipped (0)" run 0 "$moved/bin/guardvm" validate -r @shipped -d safe.yml
check "guardc --list names the installed bundles" run 0 "$moved/bin/guardc" --list
grep -q "@shipped" "$scratch/out.txt" || fail "guardc --list does not list @shipped"
check "guardc --list shipped" run 0 "$moved/bin/guardc" --list shipped
grep -q "; bundle shipped" "$scratch/out.txt" || fail "guardc --list shipped does not describe it"
check "validate -r @absent is an error (255)" run 255 "$moved/bin/guardvm" validate -r @absent -d bad.yml
grep -q "no installed rule bundle is named 'absent'" "$scratch/out.txt" || fail "no clear error for @absent"
if [ "$link" = ON ]; then
  check "cfn-guard --version" run 0 "$moved/bin/cfn-guard" --version
  grep -qx "cfn-guard 3.1.1" "$scratch/out.txt" || fail "cfn-guard --version: $(cat "$scratch/out.txt")"
  check "cfn-guard --help names cfn-guard" run 0 "$moved/bin/cfn-guard" --help
  grep -q "Usage: cfn-guard " "$scratch/out.txt" || fail "cfn-guard --help does not say 'Usage: cfn-guard'"
  check "cfn-guard validate (19)" run 19 "$moved/bin/cfn-guard" validate -r "$pack" -d bad.yml
fi

# libguardvm from the moved prefix: the C example through pkg-config, the
# Python example and the fleet's command line through the installed package.
sanitized=OFF
if [ "$library" = ON ] && command -v readelf >/dev/null &&
    readelf -d "$moved/$libdir/libguardvm.so.0" | grep -qE 'NEEDED.*lib(a|t)san'; then
  # An instrumented library loads only into a program that starts the sanitizer's
  # runtime first: the release build runs the examples (the C API tests run here).
  echo "     libguardvm: a sanitizer build, the embedding examples not run"
  sanitized=ON
fi
if [ "$library" = ON ] && [ -n "$source" ] && [ "$sanitized" = OFF ]; then
  cp "$source/docs/examples/embed.c" "$source/docs/examples/embed.py" "$elsewhere/"
  pc="$moved/$libdir/pkgconfig"
  if PKG_CONFIG_PATH="$pc" pkg-config --exists guardvm; then
    # pkg-config escapes the space in the prefix's path with a backslash: eval reads it.
    flags=$(PKG_CONFIG_PATH="$pc" pkg-config --cflags --libs guardvm)
    if eval cc -Wall -Werror -o '"$elsewhere/embed"' '"$elsewhere/embed.c"' "$flags" \
        '-Wl,-rpath,"$moved/$libdir"' 2>"$scratch/cc.txt"; then
      check "the C example (docs/examples/embed.c) runs (19)" run 19 "$elsewhere/embed"
      grep -qx "bad.json: FAIL" "$scratch/out.txt" && grep -q '"custom_message": "turn versioning on"' "$scratch/out.txt" ||
        fail "the C example's output: $(cat "$scratch/out.txt")"
    else
      fail "the C example does not build: $(cat "$scratch/cc.txt")"
    fi
  else
    fail "pkg-config does not find guardvm.pc in $pc"
  fi
  py="$moved/$pydir"
  check "the Python example (docs/examples/embed.py) runs (19)" run 19 env PYTHONPATH="$py" /usr/bin/python3 embed.py
  grep -qx "  message: turn versioning on" "$scratch/out.txt" || fail "the Python example's output: $(cat "$scratch/out.txt")"
  check "python3 -m guardvm.fleet --help" run 0 env PYTHONPATH="$py" /usr/bin/python3 -m guardvm.fleet --help
fi

# The bash completions register the names they are installed under.
names=(guardvm guardc)
[ "$link" = ON ] && names+=(cfn-guard)
for n in "${names[@]}"; do
  out=$(bash -c '. "$1" && complete -p "$2"' _ "$moved/share/bash-completion/completions/$n" "$n" 2>&1)
  case "$out" in *" $n") echo "ok   bash completion of $n" ;; *) fail "bash completion of $n: $out" ;; esac
done

# cfn-guard's installed scripts are cfn-guard 3.1.1's own (the goldens c01-c03).
golden="$source/../shared/spec/golden"
if [ "$link" = ON ] && [ -n "$source" ] && [ -d "$golden" ]; then
  scripts=(share/bash-completion/completions/cfn-guard "$zshdir/_cfn-guard"
    share/fish/vendor_completions.d/cfn-guard.fish)
  goldens=(c01-completions-bash c02-completions-zsh c03-completions-fish)
  for i in 0 1 2; do
    cmp -s "$moved/${scripts[i]}" "$golden/${goldens[i]}/stdout" && echo "ok   ${scripts[i]} is cfn-guard's" ||
      fail "${scripts[i]} differs from golden ${goldens[i]}"
  done
fi

# The man pages format without warnings.
if command -v man >/dev/null; then
  for m in guardvm guardc; do
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$moved/share/man/man1/$m.1" 2>&1 >/dev/null)
    [ -z "$warnings" ] || fail "man page $m.1: $warnings"
  done
  echo "ok   man pages"
fi

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all passed"
