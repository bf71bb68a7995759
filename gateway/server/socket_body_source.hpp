// The streamed request body of a connection: what the parser holds after the head, then reads from the socket,
// each no larger than what the body still lacks, so a pipelined request behind it stays for the parser. The
// first read sends "100 Continue" when the client waits for it (an app that answers without reading never asks
// the client for the body). Reads wait at most the stall timeout, and fail when the body arrives slower than
// --min-body-rate after the --header-timeout grace. Each read that brings bytes calls `on_progress`: the worker's
// --timeout watches for a stuck request, and a long upload arriving at a steady rate is not one.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "gateway/app/request_body.hpp"
#include "gateway/http/request_parser.hpp"

namespace deployctl::gateway::server {

struct BodyPace {
  double stall_seconds = 30;  // the longest wait for any byte
  double grace_seconds = 10;  // --header-timeout: the minimum rate applies after this
  double min_rate = 1024;     // --min-body-rate, bytes per second (0: none)
};

class SocketBodySource final : public app::RequestBody {
 public:
  // `before_first_read` runs once, before anything is read (sends 100 Continue when the client expects it);
  // `on_progress` after every read from the socket that brought bytes. `skip_when_arrived`: a body left unread that
  // had all arrived is dropped after the response instead of ending the connection (ASGI; WSGI ends it).
  SocketBodySource(int fd, http::RequestParser& parser, BodyPace pace, std::function<void()> before_first_read,
                   std::function<void()> on_progress, bool skip_when_arrived = false);

  Result<std::string_view> peek() override;
  Result<std::optional<std::string_view>> try_peek() override;
  void consume(std::size_t count) override;
  std::uint64_t left() const noexcept override;
  int refused_with() const noexcept override { return refused_; }
  bool arrived() const override { return parser_.body_left() == 0 || (skip_when_arrived_ && parser_.body_arrived()); }
  bool skip_arrived() override;

 private:
  Result<bool> receive(bool wait);  // false: nothing yet (only when not waiting)
  Result<void> wait_readable();

  int fd_;
  http::RequestParser& parser_;
  BodyPace pace_;
  std::function<void()> before_first_read_;
  std::function<void()> on_progress_;
  std::string buffer_;  // received, not read by the app, from buffer_at_
  std::size_t buffer_at_ = 0;
  std::uint64_t received_ = 0;  // bytes of the body taken from the parser or the socket
  std::int64_t started_ms_ = 0;
  int refused_ = 0;
  bool skip_when_arrived_;
};

}  // namespace deployctl::gateway::server
