# Sourced by the demo and benchmark scripts: start_registry DIR prints HOST:PORT of a plain-HTTP
# docker-registry storing in DIR; stop_registries ends every one started.
registry_pids=()
start_registry() {
  local dir=$1 port
  mkdir -p "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat > "$dir/config.yml" <<CFG
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $dir/storage}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$port
  secret: ocimirror-local
CFG
  docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  registry_pids+=($!)
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { echo "127.0.0.1:$port"; return 0; }
    sleep 0.05
  done
  echo "docker-registry did not start: $(cat "$dir/registry.log")" >&2; return 1
}
stop_registries() { for p in "${registry_pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
