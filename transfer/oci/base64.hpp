#pragma once
// Base64 (RFC 4648, standard alphabet, padded) as Basic credentials, docker config `auth` fields, cosign
// annotations and Sigstore bundles carry it. Pure.
#include <optional>
#include <string>
#include <string_view>

namespace ocimirror::transfer {

std::string base64_encode(std::string_view in);
/// nullopt for anything but padded base64 (line breaks anywhere and trailing spaces are allowed, as files have them).
std::optional<std::string> base64_decode(std::string_view in);

}  // namespace ocimirror::transfer
