# fish completion for guardc (the Guard rules compiler). Installed by
# cmake/GuardInstall.cmake as share/fish/vendor_completions.d/guardc.fish.
complete -c guardc -s o -l output -r -F -d 'the pack to write'
complete -c guardc -l disasm -r -F -d 'print the bytecode listing of a pack'
complete -c guardc -o Werror -d 'warnings make the compilation fail (no pack)'
complete -c guardc -o Wno-lint -d 'no lint warnings'
complete -c guardc -s h -l help -d 'print help'
