#!/usr/bin/env bash
# End-to-end mirror benchmark, ocimirror and skopeo sync side by side in one run on the same data:
#   cold         an empty destination
#   warm         again, nothing changed
#   incremental  after new tags were added at the source
#   daemon warm  a scheduled run inside `ocimirror daemon` (process and cache already open), beside skopeo's warm run
# Every registry keeps an access log: the requests each tool sent to the source and to its destination are counted
# per phase (the warm run's per-tag figures are the cache's proof: one HEAD per tag at the source, nothing at the
# destination). Plus the destination registry's raw ingest rate (the data set's distinct blobs pushed straight from memory with 8
# parallel uploads) and ocimirror's share of it. Every destination is checked tag by tag against the source.
# Data set (tests/support/bench_data.cpp): multi-arch images sharing base layers, Docker schema2 images, Helm charts,
# Flux artifacts; about SIZE_MIB (default 700) of distinct, incompressible blobs.
# skopeo sync runs with --all (every platform of an index) and --preserve-digests, from a YAML source listing every
# repository; without --scoped it names destination repositories by their last path component (unique here).
# Usage: benchmarks/mirror_vs_skopeo.sh [SIZE_MIB]        Needs build/ocimirror, build/ocimirror-testkit, skopeo.
set -euo pipefail; shopt -s inherit_errexit
cd "$(dirname "$0")/.."
size=${1:-700}
[ -x build/ocimirror ] && [ -x build/ocimirror-testkit ] || { echo "build first: scripts/test.sh or cmake --build build" >&2; exit 2; }
source scripts/registries.sh
work=$(mktemp -d /var/tmp/ocimirror-bench.XXXXXX); trap 'stop_registries; rm -rf "$work"' EXIT
src=$(start_registry "$work/src" accesslog); om_dst=$(start_registry "$work/om" accesslog); sk_dst=$(start_registry "$work/sk" accesslog)
echo "seeding $src: $(build/ocimirror-testkit seed-bench "$src" "$size" 0)"

mirror_config "$work/state" bench "$src/bench" "$om_dst/bench" > "$work/mirror.yaml"
measure() {  # measure NAME DST_DIR CMD... -> "seconds peak_rss_kib"; NAME.src / NAME.dst: the requests it sent
  local name=$1 dst_log=$2/registry.log; shift 2
  local s0 d0; s0=$(log_lines "$work/src/registry.log"); d0=$(log_lines "$dst_log")
  /usr/bin/time -o "$work/$name.time" -f '%e %M' "$@" >"$work/$name.out" 2>"$work/$name.err" || {
    echo "$name failed:" >&2; tail -20 "$work/$name.err" >&2; exit 1; }
  requests_in "$work/src/registry.log" "$s0" > "$work/$name.src"; requests_in "$dst_log" "$d0" > "$work/$name.dst"
  cat "$work/$name.time"
}
run_om() { measure "om-$1" "$work/om" build/ocimirror sync --config "$work/mirror.yaml" -q -o json; }
run_sk() {
  benchmarks/registry_digests.py --yaml "$src" bench > "$work/skopeo-src.yaml"
  measure "sk-$1" "$work/sk" skopeo sync --src yaml --dest docker --all --preserve-digests --dest-tls-verify=false \
    "$work/skopeo-src.yaml" "$sk_dst/bench"
}
verify() {  # both destinations hold exactly what the source holds, digest for digest
  benchmarks/registry_digests.py "$src" bench > "$work/want"
  benchmarks/registry_digests.py "$om_dst" bench > "$work/om-got"
  benchmarks/registry_digests.py --basename "$src" bench > "$work/sk-want"
  benchmarks/registry_digests.py --basename "$sk_dst" bench > "$work/sk-got"
  cmp -s "$work/want" "$work/om-got" || { echo "ocimirror's destination differs from the source ($1)" >&2; diff "$work/want" "$work/om-got" | head >&2; exit 1; }
  cmp -s "$work/sk-want" "$work/sk-got" || { echo "skopeo's destination differs from the source ($1)" >&2; diff "$work/sk-want" "$work/sk-got" | head >&2; exit 1; }
  echo "  $1: both destinations hold the source's $(wc -l < "$work/want") tags, digest-identical"
}
# Warm again, as a scheduled run inside `ocimirror daemon`: process, connections and cache stay open between runs,
# so a run costs its requests. Five manual triggers; the fastest run's own duration from /v1/status.
daemon_warm_runs() {
  local admin st daemon_pid runs=()
  admin=127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  build/ocimirror daemon --config "$work/mirror.yaml" --listen "$admin" 2>"$work/daemon.err" & daemon_pid=$!
  for _ in $(seq 100); do curl -sf "http://$admin/readyz" >/dev/null && break; sleep 0.1; done
  for _ in 1 2 3 4 5; do
    curl -sf -X POST "http://$admin/v1/policies/bench/run" >/dev/null
    for _ in $(seq 600); do
      st=$(curl -sf "http://$admin/v1/status")
      [ "$(jq -r '.policies[0].running' <<<"$st")" = false ] && break; sleep 0.05
    done
    [ "$(jq -r '.policies[0].lastRun.result' <<<"$st")" = success ] || { echo "daemon run failed:" >&2; tail "$work/daemon.err" >&2; exit 1; }
    runs+=("$(jq -r '.policies[0].lastRun.seconds' <<<"$st")")
  done
  kill -TERM "$daemon_pid"; wait "$daemon_pid"
  echo "${runs[*]}"
}
declare -A t r
for phase in cold warm incremental; do
  if [ "$phase" = incremental ]; then echo "adding new tags: $(build/ocimirror-testkit seed-bench "$src" "$size" 1)"; fi
  # Alternate who goes first, so neither always meets a cold page cache.
  if [ "$phase" = warm ]; then b=$(run_sk "$phase"); a=$(run_om "$phase"); else a=$(run_om "$phase"); b=$(run_sk "$phase"); fi
  t[om-$phase]=${a% *}; r[om-$phase]=${a#* }; t[sk-$phase]=${b% *}; r[sk-$phase]=${b#* }
  printf '%-12s ocimirror %7.2fs %4d MiB   skopeo sync %7.2fs %4d MiB\n' "$phase" "${a% *}" $(( ${a#* } / 1024 )) "${b% *}" $(( ${b#* } / 1024 ))
  verify "$phase"
  if [ "$phase" = warm ]; then
    warm_tags=$(wc -l < "$work/want")
    read -r floor_s floor_n < <(benchmarks/request_floor.py "$src" bench)
    daemon_runs=$(daemon_warm_runs)
    daemon_warm=$(tr ' ' '\n' <<<"$daemon_runs" | sort -g | head -1)
    echo "  warm inside the daemon: runs of $daemon_runs s (fastest $daemon_warm s)"
  fi
  printf '%-12s requests: ocimirror %5d to the source, %5d to the destination; skopeo %5d / %5d\n' "" \
    "$(wc -l < "$work/om-$phase.src")" "$(wc -l < "$work/om-$phase.dst")" "$(wc -l < "$work/sk-$phase.src")" "$(wc -l < "$work/sk-$phase.dst")"
done
per_tag() { python3 -c 'import sys; print(f"{int(sys.argv[1])/int(sys.argv[2]):.2f}")' "$(wc -l < "$1")" "$warm_tags"; }
echo "warm run, requests per unchanged tag ($warm_tags tags; listing the catalog and each repository's tags included):"
echo "  ocimirror: $(per_tag "$work/om-warm.src") to the source ($(grep -c '/manifests/' "$work/om-warm.src" || true) manifest requests, all $(grep -o '^[A-Z]*' "$work/om-warm.src" | sort | uniq -c | tr -s ' ' | tr '\n' ',')), $(per_tag "$work/om-warm.dst") to the destination"
echo "  skopeo:    $(per_tag "$work/sk-warm.src") to the source, $(per_tag "$work/sk-warm.dst") to the destination"
echo "  the same $floor_n requests from the thinnest client (python, 8 at a time, kept-alive): ${floor_s}s; ocimirror's warm run: ${t[om-warm]}s"
python3 - "$work/om-incremental.out" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["policies"][0]
print(f"incremental: {p['tags']['copied']} new tags, {p['tags']['cacheHits']} unchanged by cache; blobs {p['blobs']['copied']} copied "
      f"({p['bytes']/1048576:.0f} MiB), {p['blobs']['mounted']} mounted, {p['blobs']['skipped']} already there")
PY
ing=$(start_registry "$work/ingest")
ingest_s=$(build/ocimirror-testkit ingest "$ing" "$size" 8)
cold_bytes=$(python3 -c 'import json,sys; print(sum(p["bytes"] for p in json.load(open(sys.argv[1]))["policies"]))' "$work/om-cold.out")
python3 - "$cold_bytes" "$ingest_s" "${t[om-cold]}" "${t[sk-cold]}" "${t[om-warm]}" "${t[sk-warm]}" \
  "${t[om-incremental]}" "${t[sk-incremental]}" "${r[om-cold]}" "${r[sk-cold]}" "$daemon_warm" <<'PY'
import sys
b, ing, oc, sc, ow, sw, oi, si, roc, rsc, dw = (float(x) for x in sys.argv[1:])
mib = b / 1048576
print(f"\n| {mib:.0f} MiB data set | ocimirror sync | skopeo sync | ratio |")
print("|---|---|---|---|")
print(f"| cold | {oc:.2f} s ({mib/oc:.0f} MiB/s) | {sc:.2f} s ({mib/sc:.0f} MiB/s) | **{sc/oc:.1f}x** |")
print(f"| warm (nothing changed) | {ow:.2f} s | {sw:.2f} s | **{sw/ow:.1f}x** |")
print(f"| warm, a scheduled run in `ocimirror daemon` vs a `skopeo sync` cron job | {dw:.3f} s | {sw:.2f} s | **{sw/dw:.0f}x** |")
print(f"| incremental (new tags) | {oi:.2f} s | {si:.2f} s | **{si/oi:.1f}x** |")
print(f"| peak RSS, cold | {roc/1024:.0f} MiB | {rsc/1024:.0f} MiB | |")
print(f"\nraw ingest of the same bytes (8 parallel uploads): {mib/ing:.0f} MiB/s; ocimirror cold reaches {100*ing/oc:.0f} % of it.")
PY
