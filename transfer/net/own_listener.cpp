#include "transfer/net/own_listener.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

namespace ocimirror::transfer {
namespace {
using boost::asio::ip::tcp;

std::mutex guard;
std::vector<tcp::endpoint>& listeners() {
  static std::vector<tcp::endpoint> all;
  return all;
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is, so 127.0.0.1 and ::ffff:127.0.0.1 compare equal.
boost::asio::ip::address plain(const boost::asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  return a;
}
}  // namespace

void register_own_listener(const tcp::endpoint& listening) {
  std::lock_guard lock(guard);
  listeners().push_back(listening);
}

void forget_own_listener(const tcp::endpoint& listening) {
  std::lock_guard lock(guard);
  auto& all = listeners();
  if (auto it = std::find(all.begin(), all.end(), listening); it != all.end()) all.erase(it);
}

bool reaches_own_listener(const tcp::endpoint& remote, const tcp::endpoint& local) {
  std::lock_guard lock(guard);
  const auto to = plain(remote.address());
  const bool this_host = to.is_loopback() || to == plain(local.address());
  return std::any_of(listeners().begin(), listeners().end(), [&](const tcp::endpoint& l) {
    if (l.port() != remote.port()) return false;
    const auto at = plain(l.address());
    return at == to || (at.is_unspecified() && this_host);
  });
}

}  // namespace ocimirror::transfer
