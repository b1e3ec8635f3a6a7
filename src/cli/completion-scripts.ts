// The scripts `ferry completion bash|zsh|fish` prints. Each is a thin shim: on every Tab it runs
// `ferry __complete -- <words so far>` and offers what that prints, one candidate a line (`:files` = let
// the shell complete a file name). The ferry it calls is the one typed on the command line.

const BASH = `# ferry completion for bash. Install one of:
#   ferry completion bash > ~/.local/share/bash-completion/completions/ferry
#   echo 'source <(ferry completion bash)' >> ~/.bashrc
_ferry_complete() {
  local cur=\${COMP_WORDS[COMP_CWORD]} out IFS=$'\\n'
  out=$("\${COMP_WORDS[0]}" __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return 0
  if [[ $out == ":files" ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$out" -- "$cur"))
  fi
}
complete -o bashdefault -F _ferry_complete ferry
`;

const ZSH = `#compdef ferry
# ferry completion for zsh. Install one of:
#   ferry completion zsh > "\${fpath[1]}/_ferry"      (then start a new shell)
#   echo 'source <(ferry completion zsh)' >> ~/.zshrc   (after compinit)
_ferry() {
  local out
  out=$("\${words[1]}" __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  if [[ $out == ":files" ]]; then
    _files
  else
    local -a candidates
    candidates=("\${(@f)out}")
    compadd -- "\${candidates[@]}"
  fi
}
if [[ "\${funcstack[1]}" == "_ferry" ]]; then _ferry "$@"; else compdef _ferry ferry; fi
`;

const FISH = `# ferry completion for fish. Install:
#   ferry completion fish > ~/.config/fish/completions/ferry.fish
function __ferry_complete
    set -l words (commandline -opc) (commandline -ct)
    set -l ferry $words[1]
    set -e words[1]
    set -l out ($ferry __complete -- $words 2>/dev/null)
    if test "$out" = ":files"
        __fish_complete_path (commandline -ct)
    else
        printf '%s\\n' $out
    end
end
complete -c ferry -f -a '(__ferry_complete)'
`;

export const COMPLETION_SCRIPTS: Readonly<Record<string, string>> = { bash: BASH, zsh: ZSH, fish: FISH };
