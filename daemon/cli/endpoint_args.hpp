#pragma once
// What the command line names: registry references as users write them (skopeo's docker://, helm's oci://) and
// layouts (oci:DIR, oci-archive:FILE), each parsed or reported on stderr as "ocimirror: error: ..." with the text
// at fault. The run below takes the parsed values; nothing there prints.
#include "config/mirror_config.hpp"
#include "transfer/endpoint/endpoint.hpp"
#include "transfer/oci/layout_index.hpp"
#include "transfer/oci/reference.hpp"

#include <optional>
#include <string>

namespace ocimirror::daemon {

/// Parses a reference or prints "ocimirror: error: ..." and returns nullopt.
std::optional<transfer::reference> reference_arg(const std::string& text, bool repository_only = false);

/// Prints "ocimirror: error: <what>" on stderr.
void print_error(const std::string& what);

/// A command-line reference: HOST/REPO[:TAG][@DIGEST], oci:DIR[:REPO:TAG] or oci-archive:FILE[:REPO:TAG].
struct endpoint_arg {
  std::optional<transfer::layout_ref> layout;
  transfer::reference ref;  ///< for a layout: repository and tag within it, registry = "oci:DIR"
  std::string str() const { return layout ? layout->str() : ref.str(); }
};
/// Parses text or prints "ocimirror: error: ..." and returns nullopt.
std::optional<endpoint_arg> endpoint_arg_of(const std::string& text);
/// A layout source named without REF or DIGEST means its only entry (transfer::only_entry): a named one by its
/// repository and tag, an unnamed one by digest. Sets arg.ref; throws transfer::error(not_found) for an empty
/// layout and po::error (a usage error) listing the entries when there are several.
void select_only_entry(transfer::endpoint& layout, endpoint_arg& arg);

/// The config::endpoint for a layout argument.
config::endpoint endpoint_of(const transfer::layout_ref& l);

}  // namespace ocimirror::daemon
