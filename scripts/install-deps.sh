#!/usr/bin/env bash
# Installs every Debian bookworm package ocimirror needs to build, test and benchmark.
set -euo pipefail
packages=(
  cmake g++ ninja-build pkg-config git ca-certificates
  libboost1.81-all-dev libssl-dev zlib1g-dev libxxhash-dev librocksdb-dev libspdlog-dev
  prometheus-cpp-dev libyaml-cpp-dev libgtest-dev libgmock-dev libbenchmark-dev
  docker-registry skopeo apache2-utils openssl curl jq python3 python3-yaml python3-jsonschema time
  systemd procps clang-14 libclang-rt-14-dev umoci buildah
  # A real forward proxy for tests/integration/proxy_test.cpp (CONNECT tunnels, Basic proxy credentials).
  tinyproxy
  # promtool: the exposition format checked (`promtool check metrics`), the alert rules tested (`promtool test rules`).
  prometheus
  # Go and the YAML library helm uses: the oracle tests/integration/go_compat_test.cpp compares push's bytes with.
  golang-go golang-k8s-sigs-yaml-dev
  # helm's template engine without helm (not in Debian): sprig and the values-schema validator helm 3 uses, for
  # tests/helm_render_test.sh.
  golang-github-masterminds-sprig-dev golang-github-xeipuuv-gojsonschema-dev
  # Packaging: the man page (help2man), the .deb's dependencies (dpkg-shlibdeps), a clean root to install it in.
  help2man dpkg-dev mmdebstrap
)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi
