#pragma once
// Opening a file ocimirror reads from a layout, an archive or a configuration: never blocking in open() (a FIFO
// planted as index.json would otherwise stop the daemon's one event loop), and refused unless it is a regular file
// (a FIFO, a device such as /dev/zero, a directory or a socket is not content). Links inside a layout are not
// followed where the caller says so.
#include <string>

namespace ocimirror::transfer {

enum class links { follow, refuse };

/// A descriptor (O_RDONLY, O_CLOEXEC, blocking again once open) to the regular file at path. Throws
/// transfer::error: io when it cannot be opened, bad_archive when it is no regular file or (links::refuse) a link.
int open_regular(const std::string& path, links how = links::follow);

}  // namespace ocimirror::transfer
