// The access log: gunicorn's format atoms (--access-logformat) or JSON lines (--access-log-json), one write(2)
// per request line.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/http/request.hpp"

namespace deployctl::gateway::server {

// gunicorn's default --access-logformat.
inline constexpr std::string_view default_access_log_format =
    R"(%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s")";

// What one finished request contributes to its line.
struct AccessRecord {
  std::string_view remote_addr;
  std::string_view method;
  std::string_view target;  // raw request-target
  std::string_view path;    // decoded
  std::string_view query;
  int http_minor = 1;  // -1: unknown (a request refused before its line was complete)
  int status = 0;
  std::uint64_t bytes = 0;                // body bytes sent
  std::span<const http::Header> headers;  // the request's
  std::chrono::system_clock::time_point start;
  std::int64_t duration_us = 0;
};

// A printable-ASCII copy of bytes no parser validated (the line of a refused request), others as \xHH as nginx
// logs them, so that a client cannot forge log lines or terminal escapes.
std::string escape_for_log(std::string_view bytes);

class AccessLogFormat {
 public:
  // Atoms: h l u t r m U q H s B b f a T D M L p and {Header}i; others print "-". Never fails: unknown text is
  // kept literally.
  explicit AccessLogFormat(std::string_view format = default_access_log_format, bool json = false);
  // The line, with its trailing newline, appended to `out`.
  void render(const AccessRecord& record, std::string& out) const;

 private:
  struct Piece {
    std::string literal;  // when atom is empty
    std::string atom;
  };
  std::vector<Piece> pieces_;
  bool json_ = false;
};

}  // namespace deployctl::gateway::server
