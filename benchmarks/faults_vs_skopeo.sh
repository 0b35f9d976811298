#!/usr/bin/env bash
# Reliability side by side: ocimirror sync and `skopeo sync --retry-times 3 --keep-going` each mirror the fleet data
# set (REPOS repositories, two tags each: OCI and Docker images, multi-arch indexes, Helm charts, Flux artifacts)
# through seeded chaos proxies (tests/support/fault_proxy.hpp) in front of the source and of its own destination,
# RATE of all requests faulted: 429 + Retry-After, 500/502/503, connection resets, truncated bodies, flipped bytes in
# blob bodies, slow drips. ONE run per tool per seed. Counted afterwards, around the proxies: tags digest-identical
# at the destination, and blobs stored whose bytes do not hash to their name (flipped bytes that landed).
# Usage: benchmarks/faults_vs_skopeo.sh [RATE] [REPOS] [SEEDS]      defaults 0.1 50 "1 2 3"
set -euo pipefail; shopt -s inherit_errexit
cd "$(dirname "$0")/.."
rate=${1:-0.1} repos=${2:-50} seeds=${3:-"1 2 3"}
[ -x build/ocimirror ] && [ -x build/ocimirror-testkit ] || { echo "build first: scripts/test.sh or cmake --build build" >&2; exit 2; }
source scripts/registries.sh
work=$(mktemp -d /var/tmp/ocimirror-faults.XXXXXX)
proxies=()
cleanup() { for p in "${proxies[@]}"; do kill "$p" 2>/dev/null || true; done; stop_registries; [ -n "${KEEP:-}" ] || rm -rf "$work"; }
trap cleanup EXIT
src=$(start_registry "$work/src")
echo "seeding $src: $(build/ocimirror-testkit seed-fleet "$src" "$repos")"
benchmarks/registry_digests.py "$src" fleet > "$work/want"
benchmarks/registry_digests.py --basename "$src" fleet > "$work/want-base"
total=$(wc -l < "$work/want")

proxy() {  # proxy NAME UPSTREAM SEED: its HOST:PORT in NAME.host; what it injected in NAME.faults once stopped
  build/ocimirror-testkit fault-proxy "$2" "$rate" "$3" > "$work/$1.host" 2> "$work/$1.faults" & proxies+=($!)
  for _ in $(seq 50); do [ -s "$work/$1.host" ] && break; sleep 0.1; done
}
corrupt_blobs() {  # blobs in a registry's storage whose bytes do not hash to their name
  python3 - "$1/docker/registry/v2/blobs/sha256" <<'PY'
import hashlib, os, sys
bad = 0
for root, _, files in os.walk(sys.argv[1]):
    if "data" in files:
        with open(os.path.join(root, "data"), "rb") as f:
            bad += hashlib.sha256(f.read()).hexdigest() != os.path.basename(root)
print(bad)
PY
}
same() { comm -12 "$1" "$2" | wc -l; }
printf '%-5s %-10s %6s %8s %10s %8s %s\n' seed tool exit seconds identical corrupt "faults injected (source; destination)"
for seed in $seeds; do
  om_dst=$(start_registry "$work/om-$seed"); sk_dst=$(start_registry "$work/sk-$seed")
  proxy "src-om-$seed" "$src" "$seed"; proxy "dst-om-$seed" "$om_dst" "$((seed + 100))"
  proxy "src-sk-$seed" "$src" "$seed"; proxy "dst-sk-$seed" "$sk_dst" "$((seed + 100))"
  psrc_om=$(cat "$work/src-om-$seed.host") pdst_om=$(cat "$work/dst-om-$seed.host")
  psrc_sk=$(cat "$work/src-sk-$seed.host") pdst_sk=$(cat "$work/dst-sk-$seed.host")
  mirror_config "$work/state-$seed" fleet "$psrc_om/fleet" "$pdst_om/fleet" > "$work/mirror-$seed.yaml"
  # skopeo lists the source through its proxy too; its source file names the same repositories.
  benchmarks/registry_digests.py --yaml "$src" fleet | sed "s/^$src:/$psrc_sk:/" > "$work/skopeo-$seed.yaml"
  start=$(date +%s.%N)
  set +e; build/ocimirror sync --config "$work/mirror-$seed.yaml" -q -o json > "$work/om-$seed.json" 2> "$work/om-$seed.err"; om_rc=$?
  mid=$(date +%s.%N)
  skopeo sync --src yaml --dest docker --all --preserve-digests --retry-times 3 --keep-going --dest-tls-verify=false \
    "$work/skopeo-$seed.yaml" "$pdst_sk/fleet" > "$work/sk-$seed.out" 2>&1; sk_rc=$?
  end=$(date +%s.%N); set -e
  for p in "${proxies[@]}"; do kill "$p" 2>/dev/null || true; done; wait "${proxies[@]}" 2>/dev/null || true; proxies=()
  benchmarks/registry_digests.py "$om_dst" fleet > "$work/om-got-$seed" 2>/dev/null || true
  benchmarks/registry_digests.py --basename "$sk_dst" fleet > "$work/sk-got-$seed" 2>/dev/null || true
  faults() { echo "$(cut -d: -f1 < "$work/src-$1-$seed.faults"); $(cut -d: -f1 < "$work/dst-$1-$seed.faults")"; }
  printf '%-5s %-10s %6s %8.2f %10s %8s %s\n' "$seed" ocimirror "$om_rc" "$(awk "BEGIN{print $mid - $start}")" \
    "$(same "$work/want" "$work/om-got-$seed")/$total" "$(corrupt_blobs "$work/om-$seed")" "$(faults om)"
  printf '%-5s %-10s %6s %8.2f %10s %8s %s\n' "$seed" skopeo "$sk_rc" "$(awk "BEGIN{print $end - $mid}")" \
    "$(same "$work/want-base" "$work/sk-got-$seed")/$total" "$(corrupt_blobs "$work/sk-$seed")" "$(faults sk)"
done
echo "(kinds injected, last seed: ocimirror's source proxy: $(cut -d: -f2 < "$work/src-om-${seeds##* }.faults"))"
