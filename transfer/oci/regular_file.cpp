#include "transfer/oci/regular_file.hpp"

#include "transfer/oci/errors.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ocimirror::transfer {

int open_regular(const std::string& path, links how) {
  const int f = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | (how == links::refuse ? O_NOFOLLOW : 0));
  if (f < 0) {
    if (errno == ELOOP && how == links::refuse)
      throw error(errc::bad_archive, path + " is a symbolic link; refused (a layout's files are read as they are)");
    throw error(errc::io, "cannot open " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
    const bool dir = S_ISDIR(st.st_mode);
    ::close(f);
    throw error(errc::bad_archive,
                path + (dir ? " is a directory" : " is not a regular file (a FIFO, device or socket)") + "; refused");
  }
  ::fcntl(f, F_SETFL, ::fcntl(f, F_GETFL) & ~O_NONBLOCK);
  return f;
}

}  // namespace ocimirror::transfer
