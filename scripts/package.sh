#!/usr/bin/env bash
# The release artifacts in one command, without the test suite: installs what building and packaging need
# (scripts/install-deps.sh --package, or --image), configures a build directory of its own with
# -DOCIMIRROR_TESTS=OFF (Release), builds the binary, the man pages and everything the package holds, and makes
#   OUT/ocimirror_VERSION_ARCH.deb           (cpack -G DEB: stripped binary, unit, man pages, completions, examples)
#   OUT/ocimirror-dbgsym_VERSION_ARCH.ddeb   (its debug symbols)
#   OUT/ocimirror-VERSION.oci.tar            (with --image: the container image, deploy/container/build-image.sh)
# Usage: scripts/package.sh [--image] [--out DIR]   (default OUT: the build directory)
# Environment: BUILD_DIR (default build-package), SKIP_INSTALL=1 (no apt-get), JOBS (default: the number of cores).
set -euo pipefail
cd "$(dirname "$0")/.."
image=0 out=""
while (($#)); do
  case $1 in
    --image) image=1 ;;
    --out) out=${2:?--out needs a directory}; shift ;;
    -h|--help) sed -n '2,9s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "${SKIP_INSTALL:-}" != 1 ]; then
  if ((image)); then scripts/install-deps.sh --image; else scripts/install-deps.sh --package; fi
fi
b=${BUILD_DIR:-build-package}
cmake -S . -B "$b" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOCIMIRROR_TESTS=OFF -DOCIMIRROR_BENCHMARKS=OFF >/dev/null
cmake --build "$b" --parallel "${JOBS:-$(nproc)}"
[ -n "$out" ] || out=$b
mkdir -p "$out"
out=$(cd "$out" && pwd)
(cd "$b" && cpack -G DEB -B "$out/.cpack" >"$out/.cpack.log" 2>&1) || { cat "$out/.cpack.log"; exit 1; }
mv -f "$out"/.cpack/*.deb "$out"/.cpack/*.ddeb "$out"/
rm -rf "$out/.cpack" "$out/.cpack.log"
version=$("$b/ocimirror" --version | awk 'NR == 1 {print $2}')
if ((image)); then
  bash deploy/container/build-image.sh "$b" "$out/ocimirror-$version.oci.tar" >/dev/null
fi
made=("$out"/ocimirror_"$version"_*.deb "$out"/ocimirror-dbgsym_"$version"_*.ddeb)
((image)) && made+=("$out/ocimirror-$version.oci.tar")
echo "package.sh: made"
du -h "${made[@]}" | sed 's/^/  /'
