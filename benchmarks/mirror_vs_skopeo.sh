#!/usr/bin/env bash
# End-to-end mirror benchmark, ocimirror and skopeo sync side by side in one run on the same data, over two links:
#   loopback     both tools talk to the registries directly
#   wide-area    every registry behind a delay link of RTT_MS round trips (ocimirror-testkit delay; this kernel
#                has no `tc netem`), the ghcr.io -> ECR case; both tools with their default settings
# and in each, three phases:
#   cold         an empty destination
#   warm         again, nothing changed
#   incremental  after new tags were added at the source
# For each phase and tool: wall time, peak RSS, the CPU seconds each registry spent, and the requests it received
# (from its access log), the cold run's beside the fewest a client could send (benchmarks/cold_floor.py). On
# loopback also a warm run inside `ocimirror daemon` and the destination's raw ingest. Every destination is checked
# tag by tag against the source.
# Data set (tests/support/bench_data.cpp): multi-arch images sharing base layers, Docker schema2 images, Helm charts,
# Flux artifacts; about SIZE_MIB (default 700) of distinct, incompressible blobs.
# skopeo sync runs with --all (every platform of an index) and --preserve-digests, from a YAML source listing every
# repository; without --scoped it names destination repositories by their last path component (unique here).
# Usage: benchmarks/mirror_vs_skopeo.sh [SIZE_MIB] [RTT_MS]   RTT_MS 0: loopback only (default 40)
# Needs build/ocimirror, build/ocimirror-testkit, skopeo.
set -euo pipefail; shopt -s inherit_errexit
cd "$(dirname "$0")/.."
size=${1:-700} rtt=${2:-40}
[ -x build/ocimirror ] && [ -x build/ocimirror-testkit ] || { echo "build first: scripts/test.sh or cmake --build build" >&2; exit 2; }
source scripts/registries.sh
work=$(mktemp -d /var/tmp/ocimirror-bench.XXXXXX)
links=()
trap 'for l in "${links[@]}"; do kill "$l" 2>/dev/null || true; done; stop_registries; rm -rf "$work"' EXIT
results=$work/results  # one line per profile and phase, printed as tables at the end

# link NAME HOST:PORT: the address clients use (a delay link in front of it on the wide-area profile).
link() {
  if [ "$rtt" = 0 ] || [ "$profile" = loopback ]; then echo "$2"; return; fi
  build/ocimirror-testkit delay "$2" "$rtt" > "$work/$profile/$1.link" 2>/dev/null & links+=($!)
  for _ in $(seq 100); do [ -s "$work/$profile/$1.link" ] && break; sleep 0.05; done
  cat "$work/$profile/$1.link"
}

# measure NAME DST_DIR CMD... -> "seconds peak_rss_kib cpu_seconds src_cpu dst_cpu"; NAME.src / NAME.dst: requests
measure() {
  local name=$1 dst=$2; shift 2
  local s0 d0 sc0 dc0; s0=$(log_lines "$dir/src/registry.log"); d0=$(log_lines "$dst/registry.log")
  sc0=$(cpu_seconds "$dir/src"); dc0=$(cpu_seconds "$dst")
  /usr/bin/time -o "$dir/$name.time" -f '%e %M %U %S' "$@" >"$dir/$name.out" 2>"$dir/$name.err" || {
    echo "$name failed:" >&2; tail -20 "$dir/$name.err" >&2; exit 1; }
  requests_in "$dir/src/registry.log" "$s0" > "$dir/$name.src"; requests_in "$dst/registry.log" "$d0" > "$dir/$name.dst"
  read -r e m u s < "$dir/$name.time"
  python3 -c 'import sys; e,m,u,s,a0,a1,b0,b1 = sys.argv[1:]; print(e, m, f"{float(u)+float(s):.2f}", f"{float(a1)-float(a0):.2f}", f"{float(b1)-float(b0):.2f}")' \
    "$e" "$m" "$u" "$s" "$sc0" "$(cpu_seconds "$dir/src")" "$dc0" "$(cpu_seconds "$dst")"
}
run_om() { measure "om-$1" "$dir/om" build/ocimirror sync --config "$dir/mirror.yaml" -q -o json; }
run_sk() {
  benchmarks/registry_digests.py --yaml "$src_link" bench > "$dir/skopeo-src.yaml"
  measure "sk-$1" "$dir/sk" skopeo sync --src yaml --dest docker --all --preserve-digests --dest-tls-verify=false \
    "$dir/skopeo-src.yaml" "$sk_link/bench"
}
verify() {  # both destinations hold exactly what the source holds, digest for digest
  benchmarks/registry_digests.py "$src" bench > "$dir/want"
  benchmarks/registry_digests.py "$om_dst" bench > "$dir/om-got"
  benchmarks/registry_digests.py --basename "$src" bench > "$dir/sk-want"
  benchmarks/registry_digests.py --basename "$sk_dst" bench > "$dir/sk-got"
  cmp -s "$dir/want" "$dir/om-got" || { echo "ocimirror's destination differs from the source ($1)" >&2; diff "$dir/want" "$dir/om-got" | head >&2; exit 1; }
  cmp -s "$dir/sk-want" "$dir/sk-got" || { echo "skopeo's destination differs from the source ($1)" >&2; diff "$dir/sk-want" "$dir/sk-got" | head >&2; exit 1; }
  echo "  $1: both destinations hold the source's $(wc -l < "$dir/want") tags, digest-identical"
}
# Warm again, as a scheduled run inside `ocimirror daemon`: process, connections and cache stay open between runs,
# so a run costs its requests. Five manual triggers; the fastest run's own duration from /v1/status.
daemon_warm_runs() {
  local runs=()
  start_daemon "$dir/mirror.yaml" "$dir/daemon.err"
  for _ in 1 2 3 4 5; do runs+=("$(daemon_run bench "$dir/daemon.err")"); done
  kill -TERM "$daemon_pid"; wait "$daemon_pid"
  tr ' ' '\n' <<<"${runs[*]}" | sort -g | head -1
}

run_profile() {
  profile=$1 dir=$work/$1; mkdir -p "$dir"
  src=$(start_registry "$dir/src" accesslog); om_dst=$(start_registry "$dir/om" accesslog); sk_dst=$(start_registry "$dir/sk" accesslog)
  echo "== $profile: seeding $src: $(build/ocimirror-testkit seed-bench "$src" "$size" 0)"
  src_link=$(link src "$src"); om_link=$(link om "$om_dst"); sk_link=$(link sk "$sk_dst")
  mirror_config "$dir/state" bench "$src_link/bench" "$om_link/bench" > "$dir/mirror.yaml"
  read -r floor_src floor_dst < <(benchmarks/cold_floor.py "$src" bench)
  for phase in cold warm incremental; do
    if [ "$phase" = incremental ]; then echo "  adding new tags: $(build/ocimirror-testkit seed-bench "$src" "$size" 1)"; fi
    # Alternate who goes first, so neither always meets a cold page cache.
    if [ "$phase" = warm ]; then b=$(run_sk "$phase"); a=$(run_om "$phase"); else a=$(run_om "$phase"); b=$(run_sk "$phase"); fi
    local n_om_s n_om_d n_sk_s n_sk_d
    n_om_s=$(wc -l < "$dir/om-$phase.src"); n_om_d=$(wc -l < "$dir/om-$phase.dst")
    n_sk_s=$(wc -l < "$dir/sk-$phase.src"); n_sk_d=$(wc -l < "$dir/sk-$phase.dst")
    echo "$profile $phase $a $b $n_om_s $n_om_d $n_sk_s $n_sk_d" >> "$results"
    printf '  %-12s ocimirror %7.2fs   skopeo sync %7.2fs   requests ocimirror %d/%d, skopeo %d/%d (source/destination)\n' \
      "$phase" "${a%% *}" "${b%% *}" "$n_om_s" "$n_om_d" "$n_sk_s" "$n_sk_d"
    verify "$phase"
    if [ "$phase" = cold ]; then echo "$profile floor $floor_src $floor_dst" >> "$results"; fi
    if [ "$phase" = warm ]; then
      warm_tags=$(wc -l < "$dir/want")
      echo "$profile warm-tags $warm_tags $(grep -c '/manifests/' "$dir/om-warm.src" || true)" >> "$results"
      if [ "$profile" = loopback ]; then
        read -r floor_s floor_n < <(benchmarks/request_floor.py "$src" bench)
        echo "$profile warm-floor $floor_s $floor_n" >> "$results"
        echo "$profile daemon $(daemon_warm_runs)" >> "$results"
      fi
    fi
  done
  python3 - "$dir/om-incremental.out" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["policies"][0]
print(f"  incremental: {p['tags']['copied']} new tags, {p['tags']['cacheHits']} unchanged by cache; blobs {p['blobs']['copied']} copied "
      f"({p['bytes']/1048576:.0f} MiB), {p['blobs']['mounted']} mounted, {p['blobs']['skipped']} already there")
PY
  if [ "$profile" = loopback ]; then
    ing=$(start_registry "$dir/ingest")
    echo "loopback ingest $(build/ocimirror-testkit ingest "$ing" "$size" 8) $(python3 -c 'import json,sys; print(sum(p["bytes"] for p in json.load(open(sys.argv[1]))["policies"]))' "$dir/om-cold.out")" >> "$results"
  fi
  stop_registries; registry_pidfile=$(mktemp /tmp/ocimirror-registries.XXXXXX)
  for l in "${links[@]}"; do kill "$l" 2>/dev/null || true; done; links=()
}

run_profile loopback
[ "$rtt" = 0 ] || run_profile wide-area
benchmarks/bench_tables.py "$results" "$rtt"
