# Sourced by the demo and benchmark scripts: start_registry DIR [accesslog] prints HOST:PORT of a plain-HTTP
# docker-registry storing in DIR (with `accesslog`, every request is logged to DIR/registry.log; its pid goes to
# DIR/pid); stop_registries
# ends every one started. Callers run start_registry as $(...), a subshell, so the pids go to a file, not a variable.
registry_pidfile=$(mktemp /tmp/ocimirror-registries.XXXXXX)
start_registry() {
  local dir=$1 port access=true
  [ "${2:-}" = accesslog ] && access=false
  mkdir -p "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat > "$dir/config.yml" <<CFG
version: 0.1
log: {level: error, accesslog: {disabled: $access}}
storage:
  filesystem: {rootdirectory: $dir/storage}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$port
  secret: ocimirror-local
CFG
  docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  echo $! >> "$registry_pidfile"; echo $! > "$dir/pid"
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { echo "127.0.0.1:$port"; return 0; }
    sleep 0.05
  done
  echo "docker-registry did not start: $(cat "$dir/registry.log")" >&2; return 1
}
# requests_in LOG FROM_LINE: requests logged after line FROM_LINE, as "METHOD PATH" lines.
requests_in() { tail -n +"$(( $2 + 1 ))" "$1" | sed -n 's/.*"\([A-Z]*\) \([^ ]*\) HTTP\/1.1".*/\1 \2/p'; }
log_lines() { wc -l < "$1"; }
# cpu_seconds DIR: CPU seconds (user + system) the registry started in DIR has used so far.
cpu_seconds() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / t }' "/proc/$(cat "$1/pid")/stat"; }
stop_registries() {
  local p
  while read -r p; do kill "$p" 2>/dev/null || true; done < "$registry_pidfile"
  rm -f "$registry_pidfile"
}
# mirror_config STATE_DIR NAME SRC_HOST/REPO DST_HOST/REPO: a mirror configuration with one policy between two
# plain-HTTP registries, on stdout.
mirror_config() {
  printf 'state_dir: %s\nregistries:\n  %s: {tls: disabled}\n  %s: {tls: disabled}\npolicies:\n  - name: %s\n    from: %s\n    to: %s\n' \
    "$1" "${3%%/*}" "${4%%/*}" "$2" "$3" "$4"
}
