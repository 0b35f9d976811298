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
# start_daemon CONFIG ERRLOG: `ocimirror daemon` on a free loopback port, ready; sets daemon_pid and daemon_admin.
start_daemon() {
  daemon_admin=127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  build/ocimirror daemon --config "$1" --listen "$daemon_admin" 2>"$2" & daemon_pid=$!
  for _ in $(seq 100); do curl -sf "http://$daemon_admin/readyz" >/dev/null && break; sleep 0.1; done
}
# daemon_run POLICY ERRLOG: triggers a run of the daemon's POLICY (its first) and waits for it to end; prints the
# run's own seconds, or stops the script with the daemon's log when it failed.
daemon_run() {
  local st
  curl -sf -X POST "http://$daemon_admin/v1/policies/$1/run" >/dev/null
  for _ in $(seq 1200); do
    st=$(curl -sf "http://$daemon_admin/v1/status")
    [ "$(jq -r '.policies[0].running' <<<"$st")" = false ] && break; sleep 0.02
  done
  [ "$(jq -r '.policies[0].lastRun.result' <<<"$st")" = success ] || { echo "daemon run failed:" >&2; tail "$2" >&2; exit 1; }
  jq -r '.policies[0].lastRun.seconds' <<<"$st"
}
