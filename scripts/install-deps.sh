#!/usr/bin/env bash
# Installs the Debian bookworm packages ocimirror needs (apt-get, as root or through sudo; nothing that is there
# already is asked for again).
#   scripts/install-deps.sh            everything: build, test, fuzz, benchmark, package (scripts/test.sh and CI)
#   scripts/install-deps.sh --build    the compiler, CMake, Ninja and the libraries: the binary, its man pages and
#                                      completions (cmake -DOCIMIRROR_TESTS=OFF)
#   scripts/install-deps.sh --demo     --build, plus what scripts/demo.sh runs: GoogleTest (its seeder,
#                                      ocimirror-testkit, is built under tests/), docker-registry, skopeo, curl, jq
#   scripts/install-deps.sh --package  --build, plus what `cpack -G DEB` calls (dpkg-shlibdeps, file, objcopy)
#   scripts/install-deps.sh --image    --package, plus buildah (deploy/container/build-image.sh)
# The options combine (--package --image). Only the first form installs the test tools: clang and libFuzzer, Go
# and its YAML/template libraries, Prometheus (promtool), mmdebstrap, umoci, tinyproxy, the benchmark library.
set -euo pipefail
build=(
  cmake g++ ninja-build pkg-config git ca-certificates
  # Boost: the headers (Asio, Beast, JSON, URL and Process are header-only) and the two compiled libraries used.
  libboost1.81-dev libboost-program-options1.81-dev libboost-filesystem1.81-dev
  libssl-dev zlib1g-dev libxxhash-dev librocksdb-dev libspdlog-dev prometheus-cpp-dev libyaml-cpp-dev
)
demo=(libgtest-dev libgmock-dev docker-registry skopeo curl jq python3)
package=(dpkg-dev file binutils)
image=(buildah)
tests=(
  libboost1.81-all-dev libgtest-dev libgmock-dev libbenchmark-dev
  docker-registry skopeo apache2-utils openssl curl jq python3 python3-yaml python3-jsonschema time
  systemd procps clang-14 libclang-rt-14-dev clang-tidy-14 umoci buildah
  # A real forward proxy for tests/integration/proxy_test.cpp (CONNECT tunnels, Basic proxy credentials).
  tinyproxy
  # promtool: the exposition format checked (`promtool check metrics`), the alert rules tested (`promtool test rules`).
  prometheus
  # Go and the YAML library helm uses: the oracle tests/integration/go_compat_test.cpp compares push's bytes with.
  golang-go golang-k8s-sigs-yaml-dev
  # helm's template engine without helm (not in Debian): sprig and the values-schema validator helm 3 uses, for
  # tests/helm_render_test.sh.
  golang-github-masterminds-sprig-dev golang-github-xeipuuv-gojsonschema-dev
  # Packaging: the .deb's dependencies (dpkg-shlibdeps), a clean root to install it in, the man pages rendered and
  # read as whatis does (tests/deb_package_test.sh).
  dpkg-dev file mmdebstrap groff-base man-db
)
packages=()
if (($# == 0)); then
  packages=("${build[@]}" "${tests[@]}")
fi
for arg in "$@"; do
  case $arg in
    --build) packages+=("${build[@]}") ;;
    --demo) packages+=("${build[@]}" "${demo[@]}") ;;
    --package) packages+=("${build[@]}" "${package[@]}") ;;
    --image) packages+=("${build[@]}" "${package[@]}" "${image[@]}") ;;
    -h|--help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "install-deps.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done
missing=()
for p in $(printf '%s\n' "${packages[@]}" | sort -u); do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi
