#!/usr/bin/env bash
# Installs what building and running need (scripts/install-deps.sh --demo: no test tools), builds the binary and the
# demo's seeder, starts two local registries, seeds the first with a multi-arch image, a Helm chart and a Flux
# artifact, mirrors them into the second with `ocimirror sync` on an embedded config, and shows skopeo agreeing on
# every digest. SKIP_INSTALL=1 skips the packages; BUILD_DIR (default build) is the build directory.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_INSTALL:-}" = 1 ] || scripts/install-deps.sh --demo
b=${BUILD_DIR:-build}
# The seeder is a target of tests/ (so OCIMIRROR_TESTS=ON), but only the two programs the demo runs are compiled.
cmake -S . -B "$b" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOCIMIRROR_TESTS=ON >/dev/null
cmake --build "$b" --parallel "$(nproc)" --target ocimirror ocimirror-testkit
source scripts/registries.sh
work=$(mktemp -d); trap 'stop_registries; rm -rf "$work"' EXIT
src=$(start_registry "$work/src"); dst=$(start_registry "$work/dst")
echo "source registry $src, destination registry $dst"
"$b"/ocimirror-testkit seed-demo "$src" >/dev/null
# The main job on an embedded default: one policy mirroring everything under demo/ into mirror/.
cat > "$work/mirror.yaml" <<CFG
state_dir: $work/state
registries:
  $src: {tls: disabled}
  $dst: {tls: disabled}
policies:
  - name: demo
    from: $src/demo
    to: $dst/mirror
    prune: true
    schedule: {every: 15m}
CFG
echo "== ocimirror check"; "$b"/ocimirror check --config "$work/mirror.yaml"
echo; echo "== ocimirror sync --dry-run"; "$b"/ocimirror sync --config "$work/mirror.yaml" --dry-run
echo; echo "== ocimirror sync"; "$b"/ocimirror sync --config "$work/mirror.yaml"
echo; echo "== skopeo, the independent client, reads the destination"
for ref in app:v1.0.0 charts/web:1.2.3 deploy/manifests:main; do
  want=$(skopeo inspect --raw --tls-verify=false "docker://$src/demo/$ref" | sha256sum | cut -d' ' -f1)
  got=$(skopeo inspect --raw --tls-verify=false "docker://$dst/mirror/$ref" | sha256sum | cut -d' ' -f1)
  [ "$want" = "$got" ] && echo "mirrored demo/$ref  sha256:$got  (skopeo agrees)" || { echo "MISMATCH for $ref"; exit 1; }
done
echo; echo "== ocimirror sync again: nothing to copy, the destination not even asked (the cache)"; "$b"/ocimirror sync --config "$work/mirror.yaml"
echo; echo "== ocimirror cache stats"; "$b"/ocimirror cache stats --config "$work/mirror.yaml"
echo; "$b"/ocimirror inspect --plain-http "$dst/mirror/app:v1.0.0"
echo; echo "== ocimirror daemon: the same policy as a service (admin API on loopback)"
admin=127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$b"/ocimirror daemon --config "$work/mirror.yaml" --listen "$admin" 2>"$work/daemon.log" & daemon=$!
for _ in $(seq 100); do curl -sf "http://$admin/readyz" >/dev/null && break; sleep 0.1; done
echo "POST /v1/policies/demo/run -> $(curl -s -X POST "http://$admin/v1/policies/demo/run")"
for _ in $(seq 100); do [ "$(curl -s "http://$admin/v1/status" | jq -r '.policies[0].running')" = false ] && break; sleep 0.1; done
echo "GET /v1/status:"; curl -s "http://$admin/v1/status" | jq -c '.policies[] | {name, schedule, nextRun, lastRun: (.lastRun | {trigger, result, tags})}'
echo "GET /metrics (some):"; curl -s "http://$admin/metrics" | grep -E '^ocimirror_(policy_runs_total|cache_hits_total|registry_requests_total)'
kill -TERM "$daemon"; wait "$daemon"
echo "daemon log:"; cat "$work/daemon.log"
