# bash completion for guardc (the Guard rules compiler): options, and
# .guard/.ruleset files or directories as inputs, .gpack packs after --disasm.
# Installed by cmake/GuardInstall.cmake as share/bash-completion/completions/guardc;
# bash-completion loads it the first time guardc is completed.
_guardc() {
    local cur prev
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    case "$prev" in
        -o|--output) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
        --disasm) COMPREPLY=($(compgen -f -X '!*.gpack' -- "$cur") $(compgen -d -- "$cur")); return 0 ;;
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "-o --output --disasm -Werror -Wno-lint -h --help" -- "$cur"))
        return 0
    fi
    COMPREPLY=($(compgen -f -X '!*.@(guard|ruleset)' -- "$cur") $(compgen -d -- "$cur"))
}
complete -F _guardc -o filenames guardc
