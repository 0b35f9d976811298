#pragma once
// Blocking work (a credential helper, a docker config read) done on a thread of its own while the event loop goes
// on; the awaiting coroutine resumes on its own executor with the result or the exception. The loop's io_context
// is kept from running out of work until the thread is done, so the result never lands in a destroyed context.
// Work given here must be bounded (child_process's deadline): a stop waits for it. Taken by reference and copied,
// so a caller passes a named local, never a temporary built inside its co_await (CONTRIBUTING.md, GCC 12).
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <functional>
#include <thread>
#include <utility>

namespace ocimirror::transfer {

template <class T>
boost::asio::awaitable<T> off_loop(const std::function<T()>& work) {
  namespace asio = boost::asio;
  return asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr, T)>(
      [](auto handler, std::function<T()> job) {
        auto ex = asio::get_associated_executor(handler);
        auto guard = asio::make_work_guard(ex);
        std::thread([job = std::move(job), handler = std::move(handler), guard = std::move(guard)]() mutable {
          std::exception_ptr failed;
          T value{};
          try {
            value = job();
          } catch (...) {
            failed = std::current_exception();
          }
          auto back = guard.get_executor();
          asio::post(back, [handler = std::move(handler), failed, value = std::move(value)]() mutable {
            std::move(handler)(failed, std::move(value));
          });
          guard.reset();
        }).detach();
      },
      asio::use_awaitable, work);
}

}  // namespace ocimirror::transfer
