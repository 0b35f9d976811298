// Manifests and indexes as registries and layouts serve them, under each media type; an index is filtered too, and
// index.json of a layout is parsed and rendered back.
#include "transfer/oci/errors.hpp"
#include "transfer/oci/layout_index.hpp"
#include "transfer/oci/manifest.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace t = ocimirror::transfer;
  if (size == 0) return 0;
  static constexpr std::string_view types[] = {
      t::media::oci_manifest, t::media::oci_index, t::media::docker_manifest, t::media::docker_list, "",
      "application/json"};
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto type = types[data[0] % std::size(types)];
  if (auto m = t::parse_manifest(bytes, type); m && m->is_index()) {
    std::vector<bool> keep(m->manifests.size());
    for (std::size_t i = 0; i < keep.size(); ++i) keep[i] = (data[0] >> (i % 8)) & 1;
    try {
      const auto out =
          t::filter_index(bytes, keep, "sha256:0000000000000000000000000000000000000000000000000000000000000000");
      if (!t::parse_manifest(out, m->media_type)) std::abort();  // what is pushed is a valid index again
    } catch (const t::error&) {  // a number that cannot be written back: refused, never written as `Infinity`
    }
  }
  if (auto idx = t::layout_index::parse(bytes)) {
    auto back = t::layout_index::parse(idx->render());
    if (!back || back->render() != idx->render()) std::abort();  // render is a fixed point
  }
  return 0;
}
