#pragma once
// Tar headers as Go's archive/tar Writer writes them for what fluxcd/pkg/tar hands it (uid, gid, owner names and
// times zeroed): USTAR when the name is ASCII and fits (100 bytes, or split at a slash into 155 + 100), else a PAX
// 'x' header "DIR/PaxHeaders.0/FILE" with a path record followed by the main header, as writePAXHeader does. Pure.
#include <cstdint>
#include <string>
#include <string_view>

namespace ocimirror::transfer::go_tar {

enum class type : char { file = '0', directory = '5' };

/// The header block(s) for one member; the caller writes the body and its padding after them.
std::string header(std::string_view name, type t, std::uint32_t mode, std::uint64_t size);

/// formatPAXRecord: "LEN key=value\n" where LEN counts the whole record.
std::string pax_record(std::string_view key, std::string_view value);

/// The end of an archive: two zero blocks (Writer.Close).
std::string trailer();

}  // namespace ocimirror::transfer::go_tar
