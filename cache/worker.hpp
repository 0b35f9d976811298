#pragma once
// Runs blocking cache calls on a thread of their own and resumes the awaiting coroutine on its own executor, so
// RocksDB never stalls an I/O thread. One thread: the calls are short, and their order is the order of writes.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <type_traits>
#include <utility>

namespace ocimirror::cache {

class worker {
 public:
  worker() : pool_(1) {}
  ~worker() { pool_.join(); }
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  /// f() on the worker thread; its result (or exception) back in the caller's coroutine, on the caller's executor.
  /// Plain handlers rather than a coroutine on the pool: GCC 12 mishandles lambdas carried in coroutine frames.
  template <class F>
  auto run(F f) -> boost::asio::awaitable<std::invoke_result_t<F&>> {
    using R = std::invoke_result_t<F&>;
    if constexpr (std::is_void_v<R>) {
      return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(std::exception_ptr)>(
          [this](auto handler, F fn) {
            auto ex = boost::asio::get_associated_executor(handler);
            boost::asio::post(pool_, [handler = std::move(handler), fn = std::move(fn), ex]() mutable {
              std::exception_ptr e;
              try {
                fn();
              } catch (...) {
                e = std::current_exception();
              }
              boost::asio::post(ex, [handler = std::move(handler), e]() mutable { std::move(handler)(e); });
            });
          },
          boost::asio::use_awaitable, std::move(f));
    } else {
      return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(std::exception_ptr, R)>(
          [this](auto handler, F fn) {
            auto ex = boost::asio::get_associated_executor(handler);
            boost::asio::post(pool_, [handler = std::move(handler), fn = std::move(fn), ex]() mutable {
              std::exception_ptr e;
              R r{};
              try {
                r = fn();
              } catch (...) {
                e = std::current_exception();
              }
              boost::asio::post(ex, [handler = std::move(handler), e, r = std::move(r)]() mutable {
                std::move(handler)(e, std::move(r));
              });
            });
          },
          boost::asio::use_awaitable, std::move(f));
    }
  }

 private:
  boost::asio::thread_pool pool_;
};

}  // namespace ocimirror::cache
