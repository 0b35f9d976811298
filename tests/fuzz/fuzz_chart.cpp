// A Chart.yaml as push --helm reads it, and a member name as push writes it into a Flux tar. The chart: parse,
// validate and marshal must never crash, and what is marshalled must be JSON. The name (the first line): Go's
// header encoding must come back through ocimirror's own reader as the same name, or be refused by it for a reason.
#include "transfer/artifact/go_tar.hpp"
#include "transfer/artifact/helm_chart.hpp"
#include "transfer/oci/tar.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void check_name(std::string_view name) {
  namespace t = ocimirror::transfer;
  const auto h = t::go_tar::header(name, t::go_tar::type::file, 0644, 3);
  if (h.size() % t::tar::block) std::abort();
  std::optional<std::string> path;
  std::size_t at = 0;
  std::array<char, t::tar::block> b{};
  std::copy_n(h.data(), b.size(), b.data());
  auto first = t::tar::parse_header(b);
  if (!first) return;  // e.g. a PAX name the reader refuses: no member to compare
  if (first->extension) {
    auto records = t::tar::parse_pax(h.substr(t::tar::block, first->e.size));
    if (!records) std::abort();  // what the writer made, the reader must parse
    path = records->path;
    at = h.size() - t::tar::block;
    std::copy_n(h.data() + at, b.size(), b.data());
  }
  auto main_header = t::tar::parse_header(b, path);
  if (!main_header || main_header->root) return;  // refused names ('..', absolute) or "."
  const auto safe = t::tar::safe_name(name);
  if (safe && main_header->e.name != *safe) std::abort();  // the name did not survive the round trip
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace t = ocimirror::transfer;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto nl = text.find('\n');
  const auto name = text.substr(0, std::min<std::size_t>(nl == std::string_view::npos ? text.size() : nl, 400));
  if (!name.empty() && name.find('\0') == std::string_view::npos) check_name(name);
  auto meta = t::helm::parse(text);
  if (!meta) return 0;
  if (!t::helm::validate(*meta).empty()) return 0;
  boost::system::error_code ec;
  boost::json::parse(t::helm::config_json(*meta), ec);
  if (ec) std::abort();  // the config blob must be JSON
  for (const auto& [k, v] : t::helm::annotations(*meta, "2026-01-01T00:00:00Z"))
    if (k.empty() && v.empty()) continue;
  return 0;
}
