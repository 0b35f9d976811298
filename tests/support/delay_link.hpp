#pragma once
// A wide-area link on loopback: a TCP relay in front of a server that holds every byte for half a round trip in
// each direction, and a new connection's first bytes for one more round trip (its handshake). The bytes pass
// unchanged and in order, pipelined (a round trip delays the stream, it does not stop it), with no bandwidth cap.
// This kernel has no `tc netem`; the benchmark's wide-area profile puts one of these in front of each registry.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace ocimirror::testing {

class delay_link {
 public:
  delay_link(std::string upstream_host, std::string upstream_port, std::chrono::milliseconds round_trip);
  ~delay_link();
  delay_link(const delay_link&) = delete;
  delay_link& operator=(const delay_link&) = delete;

  /// 127.0.0.1:PORT, where clients connect.
  std::string host() const;
  std::size_t connections() const { return connections_; }
  std::uint64_t bytes() const { return bytes_; }  ///< both directions

  struct impl;

 private:
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::uint64_t> bytes_{0};
  std::unique_ptr<impl> impl_;
  std::thread thread_;
};

}  // namespace ocimirror::testing
