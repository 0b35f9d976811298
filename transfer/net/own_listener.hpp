#pragma once
// The process's own listening sockets (the daemon's admin API). No request ocimirror makes may reach one, whatever
// URL an outside party hands it — a token realm, a Location, a Link naming http://127.0.0.1:ADMIN/v1/... would
// otherwise have the daemon POST to itself. The admin server registers its socket; http_client asks after each
// connect, where the peer's address is known (a name resolving to it, or a local interface, is caught too).
#include <boost/asio/ip/tcp.hpp>

namespace ocimirror::transfer {

/// Registers (or, with forget, removes) a socket this process listens on.
void register_own_listener(const boost::asio::ip::tcp::endpoint& listening);
void forget_own_listener(const boost::asio::ip::tcp::endpoint& listening);

/// Whether a connection from `local` to `remote` reaches a registered listener: the same address and port, or the
/// same port on a listener bound to every address when `remote` is loopback or this host's own (local == remote).
bool reaches_own_listener(const boost::asio::ip::tcp::endpoint& remote, const boost::asio::ip::tcp::endpoint& local);

}  // namespace ocimirror::transfer
