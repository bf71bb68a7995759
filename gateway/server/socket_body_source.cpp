// Pulls a streamed body: the parser's buffered bytes, then recv() after poll(), bounded by the body's length (a
// chunked one is de-chunked by the parser as it arrives).
#include "gateway/server/socket_body_source.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "gateway/server/shared_state.hpp"

namespace deployctl::gateway::server {

namespace {

constexpr std::size_t read_size = 64 * 1024;

}  // namespace

SocketBodySource::SocketBodySource(int fd, http::RequestParser& parser, BodyPace pace,
                                   std::function<void()> before_first_read, std::function<void()> on_progress,
                                   bool skip_when_arrived)
    : fd_(fd),
      parser_(parser),
      pace_(pace),
      before_first_read_(std::move(before_first_read)),
      on_progress_(std::move(on_progress)),
      skip_when_arrived_(skip_when_arrived) {}

std::uint64_t SocketBodySource::left() const noexcept { return parser_.body_left() + (buffer_.size() - buffer_at_); }

void SocketBodySource::consume(std::size_t count) {
  buffer_at_ += std::min(count, buffer_.size() - buffer_at_);
  if (buffer_at_ == buffer_.size()) {
    buffer_.clear();
    buffer_at_ = 0;
  }
}

bool SocketBodySource::skip_arrived() {
  if (!skip_when_arrived_) return false;
  buffer_.clear();
  buffer_at_ = 0;
  return parser_.body_left() == 0 || parser_.skip_body();
}

Result<std::string_view> SocketBodySource::peek() {
  if (buffer_at_ == buffer_.size() && parser_.body_left() > 0) {
    if (auto got = receive(true); !got) return std::unexpected(got.error());
  }
  return std::string_view(buffer_).substr(buffer_at_);
}

Result<std::optional<std::string_view>> SocketBodySource::try_peek() {
  if (buffer_at_ == buffer_.size() && parser_.body_left() > 0) {
    auto got = receive(false);
    if (!got) return std::unexpected(got.error());
    if (!*got) return std::nullopt;
  }
  return std::string_view(buffer_).substr(buffer_at_);
}

Result<bool> SocketBodySource::receive(bool wait) {
  if (started_ms_ == 0) {
    started_ms_ = monotonic_ms();
    if (before_first_read_) before_first_read_();
  }
  // A chunked body's end is found by decoding it: a read may bring its last chunk and the next request, which the
  // parser keeps. Reading only when the app asks bounds what is buffered to one read.
  const bool chunked = parser_.request().chunked;
  const std::size_t want =
      chunked ? read_size : static_cast<std::size_t>(std::min<std::uint64_t>(read_size, parser_.body_left()));
  buffer_.resize(want);
  std::size_t got = parser_.take_body(buffer_.data(), want);
  while (got == 0 && parser_.body_left() > 0 && parser_.status() != http::ParseStatus::rejected) {
    if (wait) {
      if (auto ready = wait_readable(); !ready) {
        buffer_.clear();
        return std::unexpected(ready.error());
      }
    }
    const ssize_t read = ::recv(fd_, buffer_.data(), want, MSG_DONTWAIT);
    if (read < 0 && (errno == EINTR || (wait && (errno == EAGAIN || errno == EWOULDBLOCK)))) continue;
    if (read < 0 && !wait && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      buffer_.clear();
      return false;
    }
    if (read <= 0) {
      buffer_.clear();
      return fail(read == 0 ? "the client closed the connection before the end of the request body"
                            : std::string("reading the request body: ") + std::strerror(errno));
    }
    got = parser_.body_received(buffer_.data(), static_cast<std::size_t>(read));
    if (on_progress_) on_progress_();
  }
  if (parser_.status() == http::ParseStatus::rejected) {
    buffer_.clear();
    refused_ = parser_.rejection().status;
    return fail("the request body was refused: " + std::string(parser_.rejection().reason));
  }
  buffer_.resize(got);
  buffer_at_ = 0;
  received_ += got;
  return true;
}

// Waits for the next byte: at most the stall timeout, and what the minimum rate allows for the bytes so far.
Result<void> SocketBodySource::wait_readable() {
  for (;;) {
    const std::int64_t now = monotonic_ms();
    std::int64_t deadline = now + static_cast<std::int64_t>(pace_.stall_seconds * 1000);
    if (pace_.min_rate > 0) {
      const auto rate_deadline =
          started_ms_ + static_cast<std::int64_t>(
                            1000 * std::max(pace_.grace_seconds, static_cast<double>(received_ + 1) / pace_.min_rate));
      deadline = std::min(deadline, rate_deadline);
    }
    pollfd entry{fd_, POLLIN, 0};
    const int ready = deadline > now ? ::poll(&entry, 1, static_cast<int>(deadline - now)) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return fail("the request body arrived too slowly (--min-body-rate, --timeout)");
    return {};
  }
}

}  // namespace deployctl::gateway::server
