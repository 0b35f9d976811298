#include "transfer/oci/base64.hpp"

#include <openssl/evp.h>

namespace ocimirror::transfer {

std::string base64_encode(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  // Line breaks are skipped anywhere, as Go's decoder (and so protojson, cosign and the base64 tool) writes them.
  std::string joined;
  if (text.find_first_of("\r\n") != std::string_view::npos) {
    for (char c : text)
      if (c != '\r' && c != '\n') joined += c;
    text = joined;
  }
  std::string_view in = text;
  while (!in.empty() && in.back() == ' ') in.remove_suffix(1);
  if (in.size() % 4 != 0) return std::nullopt;
  // EVP_DecodeBlock skips leading blanks and accepts '=' in the middle: only the last two characters may be '='.
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    const bool alpha =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!alpha && !(c == '=' && i + 2 >= in.size() && (i + 1 == in.size() || in.back() == '='))) return std::nullopt;
  }
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  std::size_t len = static_cast<std::size_t>(n);
  if (!in.empty() && in[in.size() - 1] == '=') --len;  // EVP_DecodeBlock counts padding as zero bytes
  if (in.size() >= 2 && in[in.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

}  // namespace ocimirror::transfer
