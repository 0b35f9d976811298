#!/usr/bin/env bash
# The whole test suite (unit, integration against real registries, packaging, fuzz corpora) built with
# AddressSanitizer and UndefinedBehaviorSanitizer (-DSANITIZER=address,undefined) in build-asan/. Any report fails
# the run: UBSan is fatal here, and ASan's leak check is on.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSANITIZER=address,undefined -DOCIMIRROR_BENCHMARKS=OFF
cmake --build build-asan --parallel "$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
ctest --test-dir build-asan --output-on-failure
