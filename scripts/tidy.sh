#!/usr/bin/env bash
# Runs clang-tidy-14 (.clang-tidy) over the pure sources, or the files given. Needs a configured build/ (CMake
# writes compile_commands.json). Reports only; fixes are a contributor's call.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-tidy-14 >/dev/null || { echo "clang-tidy-14 is not installed (apt-get install clang-tidy-14)"; exit 2; }
cmake -S . -B build -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
files=("$@")
((${#files[@]})) || files=(policy/*.cpp transfer/{digest,errors,go_json,go_tar,go_yaml,headers,helm_chart,helm_chart_out,helm_text,ignore,layout_index,listing,manifest,reference,retry,tar,upload_state,utf8}.cpp)
exec clang-tidy-14 -p build --quiet "${files[@]}"
