#!/usr/bin/env bash
# Header hygiene: every header compiles on its own (it includes what it uses), and the headers that promise pure
# logic do not pull in Asio, even through what they include. Usage: header_check.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
cd "$src"
# Pure: OCI types and formats, parsers, state machines and every policy header. Adding Asio to one of these (or to
# anything it includes) fails here: move the I/O out instead.
pure=(transfer/oci/*.hpp transfer/net/adaptive_limit.hpp transfer/net/headers.hpp transfer/net/proxy.hpp transfer/net/retry.hpp transfer/net/trace.hpp
      transfer/registry/credentials.hpp transfer/registry/listing.hpp transfer/registry/referrers.hpp
      transfer/registry/auth_state.hpp transfer/registry/response_step.hpp transfer/registry/upload_state.hpp
      transfer/registry/profile.hpp transfer/registry/rate_limit.hpp transfer/identity/sigv4.hpp
      transfer/identity/aws_chain.hpp transfer/identity/azure_source.hpp transfer/identity/google_source.hpp
      transfer/identity/jwt.hpp transfer/identity/token_answer.hpp transfer/identity/environment.hpp
      transfer/copy/blob_plan.hpp transfer/artifact/artifact.hpp transfer/artifact/flux_tar.hpp
      transfer/artifact/go_json.hpp transfer/artifact/go_tar.hpp transfer/artifact/go_yaml.hpp
      transfer/artifact/helm_chart.hpp transfer/artifact/helm_text.hpp transfer/artifact/ignore.hpp policy/*.hpp
      transfer/sigstore/*.hpp)
cxx=${CXX:-g++}
flags=(-std=c++20 -I"$src" -I"$build/generated" -I/usr/include/rocksdb)
export cxx flags_str="${flags[*]}"
failed=0
# Each header alone in a translation unit, twice (its include guard too), in parallel.
out=$(ls transfer/*/*.hpp policy/*.hpp config/*.hpp cache/*.hpp daemon/*/*.hpp |
      xargs -P "$(nproc)" -I{} bash -c 'printf "#include \"%s\"\n#include \"%s\"\n" "$1" "$1" | $cxx $flags_str -fsyntax-only -x c++ - 2>&1 | head -5 | sed "s|^|$1: |"' _ {})
if [ -n "$out" ]; then echo "headers that do not compile on their own:"; echo "$out"; failed=1; fi
for h in "${pure[@]}"; do
  if "$cxx" "${flags[@]}" -M -x c++ "$h" | grep -q 'boost/asio'; then
    echo "$h promises pure logic but includes Asio (through: $("$cxx" "${flags[@]}" -H -fsyntax-only -x c++ "$h" 2>&1 | grep -m1 -B0 'asio' | sed 's/^\.* //'))"
    failed=1
  fi
done
total=$(ls transfer/*/*.hpp policy/*.hpp config/*.hpp cache/*.hpp daemon/*/*.hpp | wc -l)
[ "$failed" = 0 ] && echo "header check: $total headers compile alone; ${#pure[@]} pure headers free of Asio"
exit "$failed"
