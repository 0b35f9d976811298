#!/usr/bin/env bash
# Runs clang-tidy-14 (.clang-tidy) over the pure sources, or the files given, and fails on any finding. The pure
# sources are read from the tree itself (policy/*.cpp and each transfer library's PURE list in its CMakeLists.txt),
# so the list cannot fall behind the code. Needs a configured build/ (CMake writes compile_commands.json).
# Usage: tidy.sh [--build DIR] [FILE...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
if [[ ${1:-} == --build ]]; then build=$2; shift 2; fi
command -v clang-tidy-14 >/dev/null || { echo "clang-tidy-14 is not installed (apt-get install clang-tidy-14)"; exit 2; }
[[ -f $build/compile_commands.json ]] || cmake -S . -B "$build" -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
files=("$@")
if ((${#files[@]} == 0)); then
  files=(policy/*.cpp)
  for lists in transfer/*/CMakeLists.txt; do
    dir=${lists%/CMakeLists.txt}
    # The words after PURE up to the next keyword (IO, LINKS, PRIVATE_LINKS) or the closing parenthesis.
    for f in $(tr '\n' ' ' < "$lists" | sed -n 's/.*PURE \([^)]*\).*/\1/p' | sed 's/ \(IO\|LINKS\|PRIVATE_LINKS\) .*//'); do
      [[ $f == boost_src.cpp ]] || files+=("$dir/$f")  # Boost.JSON and URL compiled in: not ours to tidy
    done
  done
fi
missing=0
for f in "${files[@]}"; do [[ -f $f ]] || { echo "tidy.sh: $f does not exist"; missing=1; }; done
((missing == 0)) || exit 2
# Two at a time (the machines here have two cores); findings are printed file by file.
out=$(printf '%s\0' "${files[@]}" | xargs -0 -n 4 -P "$(nproc)" clang-tidy-14 -p "$build" --quiet 2>/dev/null || true)
findings=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' <<<"$out" || true)
if [[ -n $findings ]]; then
  echo "$out"
  echo "tidy.sh: $(wc -l <<<"$findings") findings in ${#files[@]} files"
  exit 1
fi
echo "tidy.sh: ${#files[@]} files, no findings"
