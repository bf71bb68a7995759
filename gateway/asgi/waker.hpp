// Waking the ASGI worker's loop from another thread (an executor thread ending a sync_to_async hop): one eventfd in
// the worker's epoll set, written only while the loop thread is blocked in epoll_wait, so that a hop that ends while
// the loop is busy costs no syscall on either side. Replaces asyncio's self-pipe for call_soon_threadsafe.
#pragma once

#include <atomic>
#include <cstdint>

namespace deployctl::gateway::asgi {

// Why no wake-up is lost (every call below runs with the GIL held, and the GIL is what orders them):
// the loop thread calls arm(), then looks at asyncio's queue of callbacks, and blocks only if it is empty, without
// giving up the GIL in between (no Python code runs there); a waking thread appends its callback to that queue,
// then calls wake(), within one holding of the GIL. So either the append came first, and the loop sees the callback
// and does not block; or the loop armed first and released the GIL to block, the waking thread took it after that
// (the GIL's release/acquire orders the flag's store before its load), sees the flag and writes, and epoll_wait
// returns, whether it was entered before the write or after (the eventfd stays readable until read). wake() clears
// the flag as it writes: later wakers before the loop runs again skip the write, since the loop, once awake, runs
// or re-checks the whole queue before it blocks again.
class Waker {
 public:
  ~Waker();
  // The eventfd, added to `epoll_fd` with `tag | fd` as its event data; false with errno set on failure.
  bool open(int epoll_fd, std::uint64_t tag);
  int fd() const { return fd_; }
  // The loop thread, about to block (then looks at its queue once more) and back from the wait.
  void arm() { waiting_.store(true, std::memory_order_seq_cst); }
  void disarm() { waiting_.store(false, std::memory_order_relaxed); }
  // Any thread, after queuing a callback: one write when the loop thread is blocked, else nothing.
  void wake();
  // The loop thread, when epoll reported the eventfd: resets it (the write was seen).
  void drain();
  void close();

 private:
  int fd_ = -1;
  int epoll_fd_ = -1;
  std::atomic<bool> waiting_{false};
};

}  // namespace deployctl::gateway::asgi
