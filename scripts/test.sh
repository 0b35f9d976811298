#!/usr/bin/env bash
# Installs what is needed, builds, and runs the whole test suite (unit + integration against real registries).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
werror=OFF; [ -n "${CI:-}" ] && werror=ON
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOCIMIRROR_WERROR="$werror"
cmake --build build --parallel "$(nproc)"
ctest --test-dir build --output-on-failure
# A smoke run of every fuzz target (clang, ASan + UBSan) from its committed seeds; scripts/fuzz.sh 600 fuzzes longer.
scripts/fuzz.sh "${FUZZ_SECONDS:-15}"
