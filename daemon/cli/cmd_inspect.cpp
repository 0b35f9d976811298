// `ocimirror inspect REF`
#include "daemon/cli/commands.hpp"
#include "daemon/cli/console.hpp"
#include "daemon/cli/endpoint_args.hpp"
#include "daemon/cli/read_args.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/run/endpoints.hpp"
#include "daemon/run/session.hpp"
#include "transfer/oci/manifest.hpp"
#include "transfer/oci/outside.hpp"

#include <boost/json.hpp>

#include <iostream>

namespace ocimirror::daemon {
namespace json = boost::json;

namespace {

json::object annotations_json(const transfer::annotations& a) {
  json::object o;
  for (const auto& [k, v] : a) o[k] = v;
  return o;
}

json::object descriptor_json(const transfer::descriptor& d) {
  json::object o{{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
  if (!d.artifact_type.empty()) o["artifactType"] = d.artifact_type;
  if (d.platform) o["platform"] = d.platform->str();
  if (!d.annotations.empty()) o["annotations"] = annotations_json(d.annotations);
  return o;
}

/// The manifest REF names, from its registry or layout; a bare name means `latest`, a layout its only entry.
transfer::fetched_manifest fetch(session& s, endpoint_arg& arg) {
  auto& ref = arg.ref;
  transfer::fetched_manifest m;
  if (arg.layout) {
    auto layout = open_endpoint(s, endpoint_of(*arg.layout), role::source);
    if (ref.tag.empty() && ref.digest.empty()) select_only_entry(*layout, arg);
    s.run([&]() -> transfer::awaitable<void> { m = co_await layout->get_manifest(ref.repository, ref.target()); });
    return m;
  }
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  s.run([&]() -> transfer::awaitable<void> { m = co_await s.client(ref).get_manifest(ref.repository, ref.target()); });
  return m;
}

json::object summary_json(const std::string& name, const transfer::fetched_manifest& m,
                          const transfer::manifest& parsed) {
  json::object o{{"reference", name}, {"digest", m.digest}, {"mediaType", parsed.media_type}, {"size", m.bytes.size()}};
  if (!parsed.artifact_type.empty()) o["artifactType"] = parsed.artifact_type;
  if (parsed.config) o["config"] = descriptor_json(*parsed.config);
  json::array children;
  for (const auto& c : parsed.is_index() ? parsed.manifests : parsed.layers) children.push_back(descriptor_json(c));
  o[parsed.is_index() ? "manifests" : "layers"] = std::move(children);
  if (parsed.subject) o["subject"] = descriptor_json(*parsed.subject);
  o["annotations"] = annotations_json(parsed.annotations);
  return o;
}

/// What a registry wrote, as one line of a terminal's output: a newline or an escape in an annotation cannot forge
/// lines of the summary (-o json and --raw carry the bytes as they are).
std::string shown(std::string_view text) { return transfer::terminal_safe(text); }

void print_summary(const std::string& name, const transfer::fetched_manifest& m, const transfer::manifest& parsed) {
  std::cout << "Reference:     " << shown(name) << "\n"
            << "Digest:        " << m.digest << "\n"
            << "Media type:    " << shown(parsed.media_type) << "\n"
            << "Size:          " << m.bytes.size() << " bytes\n";
  if (!parsed.artifact_type.empty()) std::cout << "Artifact type: " << shown(parsed.artifact_type) << "\n";
  if (parsed.config)
    std::cout << "Config:        " << shown(parsed.config->media_type) << " (" << human_bytes(parsed.config->size)
              << ")\n";
  if (!parsed.is_index()) {
    std::uint64_t total = 0;
    for (const auto& l : parsed.layers) total += l.size;
    std::cout << "Layers:        " << parsed.layers.size() << " (" << human_bytes(total) << ")\n";
    for (const auto& l : parsed.layers)
      std::cout << "  " << l.digest << "  " << human_bytes(l.size) << "  " << shown(l.media_type) << "\n";
  } else {
    std::cout << "Manifests:     " << parsed.manifests.size() << "\n";
    for (const auto& c : parsed.manifests)
      std::cout << "  " << shown(c.platform ? c.platform->str() : std::string("(no platform)")) << "  " << c.digest
                << "  " << shown(c.media_type) << "\n";
  }
  if (parsed.subject) std::cout << "Subject:       " << parsed.subject->digest << "\n";
  if (!parsed.annotations.empty()) {
    std::cout << "Annotations:\n";
    for (const auto& [k, v] : parsed.annotations) std::cout << "  " << shown(k) << ": " << shown(v) << "\n";
  }
}

constexpr const char* inspect_help = R"(Usage: ocimirror inspect [OPTIONS] REF

Shows what REF (HOST[:PORT]/REPO[:TAG][@sha256:DIGEST], or a layout: oci:DIR[:REF][@DIGEST],
oci-archive:FILE.tar[:REF][@DIGEST], read as `copy` reads them) names: media type, digest, size, artifact type,
config, layers, the platforms of an index and annotations. --raw prints the manifest bytes unchanged.

Examples:
  ocimirror inspect ghcr.io/acme/app:v1.2.0
  ocimirror inspect oci:./layout            # the layout's only image
)";

}  // namespace

int cmd_inspect(const args& a) {
  read_args p;
  bool json_out = false;
  return guarded(json_out, [&]() -> int {
    if (int rc = parse_read_args(a, p, inspect_help, true); rc >= 0) return rc;
    json_out = p.output == "json";
    auto arg = endpoint_arg_of(p.positional[0]);
    if (!arg) return exit_usage;
    session s = session_for(p.net);
    const auto m = fetch(s, *arg);
    if (p.raw) {
      std::cout << m.bytes;
      return exit_ok;
    }
    auto parsed = transfer::parse_manifest(m.bytes, m.media_type);
    if (!parsed) throw transfer::error(transfer::errc::bad_manifest, "manifest " + arg->str() + ": " + parsed.error());
    const std::string name = arg->layout ? arg->layout->str() : arg->ref.str();
    if (json_out)
      std::cout << json::serialize(summary_json(name, m, *parsed)) << "\n";
    else
      print_summary(name, m, *parsed);
    return exit_ok;
  });
}

}  // namespace ocimirror::daemon
