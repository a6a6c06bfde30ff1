# Sourced by the tests/cli/*.sh scripts with the program under test as $1:
# sets $vm to its absolute path, moves into a scratch directory that is
# removed on exit ($work, readable by other users for the setpriv checks),
# and starts the failure count $fails.
set -u
vm="$(readlink -f "$1")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cd "$work" || exit 1
fails=0
