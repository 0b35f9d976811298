#!/usr/bin/env bash
# Copies one single-layer image of SIZE_MIB (default 1024) between two local registries with ocimirror and with
# skopeo, ROUNDS times each (default 3), alternating who goes first, each into a fresh destination registry.
# skopeo runs with --preserve-digests: without it skopeo gzips uncompressed layers, which changes the digests and
# is not a copy. Prints per-round times, peak RSS, and the median ratio. Usage: benchmarks/copy_vs_skopeo.sh [SIZE_MIB] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1024}; rounds=${2:-3}
[ -x build/ocimirror ] && [ -x build/ocimirror-testkit ] || { echo "build first: scripts/test.sh or cmake --build build" >&2; exit 2; }
source scripts/registries.sh
work=$(mktemp -d /var/tmp/ocimirror-bench.XXXXXX); trap 'stop_registries; rm -rf "$work"' EXIT
src=$(start_registry "$work/src")
echo "seeding $src/bench/big:v1 with one ${size} MiB layer..."
digest=$(build/ocimirror-testkit seed-blob "$src/bench/big:v1" "$size")

measure() {  # measure CMD... -> "seconds peak_rss_kib"; a failing command fails the benchmark
  local t="$work/time.out"
  /usr/bin/time -o "$t" -f '%e %M' "$@" >/dev/null 2>"$work/cmd.err" || { cat "$work/cmd.err" >&2; exit 1; }
  cat "$t"
}
declare -a om sk om_rss sk_rss
for r in $(seq "$rounds"); do
  d1=$(start_registry "$work/o$r"); d2=$(start_registry "$work/s$r")
  run_om() { measure build/ocimirror copy --plain-http -q "$src/bench/big:v1" "$d1/bench/big:v1"; }
  run_sk() { measure skopeo copy --preserve-digests --src-tls-verify=false --dest-tls-verify=false "docker://$src/bench/big:v1" "docker://$d2/bench/big:v1"; }
  if (( r % 2 )); then a=$(run_om); b=$(run_sk); else b=$(run_sk); a=$(run_om); fi
  for d in "$d1/bench/big:v1" "$d2/bench/big:v1"; do
    got=$(skopeo inspect --raw --tls-verify=false "docker://$d" | sha256sum | cut -d' ' -f1)
    [ "sha256:$got" = "$digest" ] || { echo "digest mismatch at $d" >&2; exit 1; }
  done
  om+=("${a% *}"); om_rss+=("${a#* }"); sk+=("${b% *}"); sk_rss+=("${b#* }")
  printf 'round %d: ocimirror %6.2fs (%d MiB RSS)   skopeo %6.2fs (%d MiB RSS)\n' "$r" "${a% *}" $(( ${a#* } / 1024 )) "${b% *}" $(( ${b#* } / 1024 ))
  rm -rf "$work/o$r/storage" "$work/s$r/storage"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
mo=$(median "${om[@]}"); ms=$(median "${sk[@]}")
python3 - "$size" "$mo" "$ms" "$(median "${om_rss[@]}")" "$(median "${sk_rss[@]}")" <<'PY'
import sys
size, mo, ms, ro, rs = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
print(f"\n| {size} MiB single-layer copy | median time | throughput | peak RSS |")
print("|---|---|---|---|")
print(f"| ocimirror copy | {mo:.2f} s | {size/mo:.0f} MiB/s | {ro//1024} MiB |")
print(f"| skopeo copy | {ms:.2f} s | {size/ms:.0f} MiB/s | {rs//1024} MiB |")
print(f"\nocimirror is {ms/mo:.2f}x skopeo's speed on this machine (median of the rounds).")
PY
