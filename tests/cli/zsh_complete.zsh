# Prints, one per line and sorted, the candidates zsh's completion system
# offers at the end of LINE, with the completion functions of DIR on fpath:
# an interactive zsh in a pseudo-terminal (zsh/zpty) is sent LINE and a tab,
# and a wrapper of compadd writes each candidate it is given. Called by
# tests/cli/completions.sh:
#   zsh -f zsh_complete.zsh DIR LINE
zmodload zsh/zpty || exit 1
out=

# waitfor PATTERN: reads the terminal into $out until PATTERN shows (at most
# 20 s). The patterns are computed values (READY-4 for READY-$((2+2))), so
# that the echo of what was typed does not match.
waitfor() {
  local chunk i
  for i in {1..200}; do
    while zpty -r -t z chunk; do out+=$chunk; done
    [[ $out == *$1* ]] && return 0
    sleep 0.1
  done
  print -u2 "zsh_complete: no $1 after: $LINE"
  return 1
}

LINE=$2
zpty z zsh -f -i
zpty -w z "PS1='> '; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'compadd() { local -a hits; builtin compadd -O hits "$@"; print -rl -- ${hits/#/CAND:}; builtin compadd "$@" }'
zpty -w z 'print READY-$((2+2))'
waitfor READY-4 || exit 1
out=
# The tab; the candidates come as one burst, so once the first shows, what
# follows within a second completes the list.
zpty -n -w z "$LINE"$'\t'
waitfor CAND: || exit 1
sleep 1
waitfor CAND:
zpty -d z
print -r -- "${out//$'\r'/}" | grep -a -o 'CAND:[^[:cntrl:]]*' | cut -c6- | sort -u
