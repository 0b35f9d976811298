# bash completion for ocimirror. Commands and options are read from `ocimirror --help` and `ocimirror COMMAND
# --help` (cached per shell), so they are always the installed binary's own.
_ocimirror_commands() {
  ocimirror --help 2>/dev/null | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}'
}
_ocimirror_options() {
  ocimirror "$1" --help 2>/dev/null | grep -oE '^  (-[a-zA-Z] \[ )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*'
}
_ocimirror() {
  local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]:-}
  if ((COMP_CWORD == 1)); then
    [[ -n ${_ocimirror_cmds:-} ]] || _ocimirror_cmds=$(_ocimirror_commands)
    COMPREPLY=($(compgen -W "$_ocimirror_cmds --help --version" -- "$cur"))
    return
  fi
  case $cmd in cache) if ((COMP_CWORD == 2)); then COMPREPLY=($(compgen -W "stats verify clear" -- "$cur")); return; fi ;; esac
  if [[ $cur == -* ]]; then
    local var="_ocimirror_opts_${cmd//[^a-z]/_}"
    [[ -n ${!var:-} ]] || printf -v "$var" '%s' "$(_ocimirror_options "$cmd")"
    COMPREPLY=($(compgen -W "${!var}" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -f -- "$cur"))  # files: configs, layouts, charts
}
complete -o filenames -F _ocimirror ocimirror
