// What an ASGI worker's selector (selector.hpp) needs of the worker: its epoll set, its timers, and the dispatch of
// its own events. Python.h stays out of this header: the worker's loop files include it.
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <span>

namespace deployctl::gateway::asgi {

// Marks a Python-registered fd in the shared epoll set (the fd is in the low bits).
inline constexpr std::uint64_t python_fd_tag = 1ull << 59;

// The worker, as the selector drives it. Called with the GIL held.
class LoopOwner {
 public:
  virtual ~LoopOwner() = default;
  virtual int epoll_fd() const = 0;
  // Work left over from the loop's callbacks (an exchange the app completed): done before waiting. True when it
  // may have scheduled Python callbacks, so that the wait must not block.
  virtual bool before_wait() = 0;
  // The longest the next wait may last for the worker's own timers, in milliseconds.
  virtual int wait_limit_ms() = 0;
  // One round of events: the owner's own are dispatched, those tagged python_fd_tag skipped.
  virtual void run_round(std::span<const epoll_event> events) = 0;
  // After a round: true when the worker is done (stopped, or drained), and the asyncio loop must stop.
  virtual bool loop_finished() const = 0;
};

}  // namespace deployctl::gateway::asgi
