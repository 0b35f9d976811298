#pragma once
// Where a registry's certs.d directory is, as docker, podman and skopeo look for it. Pure (a few stat calls).
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer {

/// Where certs.d directories are looked for, in order: `$HOME/.config/containers/certs.d`,
/// `/etc/containers/certs.d`, `/etc/docker/certs.d`.
std::vector<std::string> default_cert_roots();

/// The certs.d directory for a registry ("host" or "host:port", as written in references): root/registry in the
/// first root that has one; empty when none does.
std::string cert_dir_for(const std::vector<std::string>& roots, std::string_view registry);

}  // namespace ocimirror::transfer
