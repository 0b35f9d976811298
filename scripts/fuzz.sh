#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and fuzzes each for SECONDS (default 60).
#   scripts/fuzz.sh [SECONDS] [TARGET...]      targets: reference manifest headers config layout listing chart outside sigstore identity
# Each target starts from its committed seeds and regressions (tests/fuzz/corpus/TARGET) plus what earlier runs
# found (build-fuzz/corpus/TARGET). A crash fails the run (exit 1; the other targets still run) and leaves its
# input in build-fuzz/crashes/; once fixed, copy that input into tests/fuzz/corpus/TARGET/ so every later run (and
# ctest, through the replay binaries) tries it again.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(reference manifest headers config layout listing chart outside sigstore identity)
scripts/install-deps.sh  # clang-14 and libclang-rt-14-dev (libFuzzer) among them
CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOCIMIRROR_FUZZ=ON >/dev/null
cmake --build build-fuzz --parallel "$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}")
mkdir -p build-fuzz/crashes
# Seeds that are whole files elsewhere in the tree: the example configurations, a small OCI archive.
mkdir -p build-fuzz/corpus/config build-fuzz/corpus/layout
cp examples/*.yaml build-fuzz/corpus/config/
python3 - build-fuzz/corpus/layout/seed.tar <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.USTAR_FORMAT) as t:
    for name, data in [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'),
                       ("index.json", b'{"schemaVersion":2,"manifests":[]}'), ("blobs/sha256/", None)]:
        info = tarfile.TarInfo(name.rstrip("/"))
        if data is None:
            info.type = tarfile.DIRTYPE
            t.addfile(info)
        else:
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
PY
status=0
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t"
  echo "== fuzz_$t: ${seconds}s"
  if ! "build-fuzz/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="build-fuzz/crashes/$t-" \
       "build-fuzz/corpus/$t" "tests/fuzz/corpus/$t" 2>"build-fuzz/fuzz_$t.log"; then
    tail -40 "build-fuzz/fuzz_$t.log"
    echo "fuzz_$t found a crash: build-fuzz/crashes/$t-*" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "build-fuzz/fuzz_$t.log" | tail -2
  fi
done
exit $status
