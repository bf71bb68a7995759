// The eventfd behind Waker (waker.hpp): nonblocking, so that neither a write nor a read can stall a thread holding
// the GIL.
#include "gateway/asgi/waker.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace deployctl::gateway::asgi {

Waker::~Waker() { close(); }

bool Waker::open(int epoll_fd, std::uint64_t tag) {
  fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd_ < 0) return false;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = tag | static_cast<std::uint64_t>(fd_);
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd_, &event) < 0) {
    close();
    return false;
  }
  epoll_fd_ = epoll_fd;
  return true;
}

void Waker::wake() {
  if (fd_ < 0 || !waiting_.exchange(false, std::memory_order_seq_cst)) return;
  const std::uint64_t one = 1;
  // EAGAIN only at a counter near 2^64: the eventfd is readable then anyway.
  [[maybe_unused]] const ssize_t written = ::write(fd_, &one, sizeof one);
}

void Waker::drain() {
  std::uint64_t count = 0;
  [[maybe_unused]] const ssize_t read = ::read(fd_, &count, sizeof count);
}

void Waker::close() {
  if (fd_ < 0) return;
  // Removed first: a copy of the fd in a child the app forked would keep it in the set.
  if (epoll_fd_ >= 0) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd_, nullptr);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace deployctl::gateway::asgi
