// Serializes one response into the connection's output buffer with gateway/http's head builder and framing
// (Content-Length, chunked, close-delimited; none for HEAD/204/304), spilling to the transport when the buffer
// grows past a threshold or a file follows. It is the connection layer's app::ResponseSink: every handler answers
// through it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "gateway/app/request_body.hpp"
#include "gateway/app/response_sink.hpp"
#include "gateway/http/request.hpp"
#include "gateway/http/response_head.hpp"
#include "gateway/server/transport.hpp"

namespace deployctl::gateway::server {

class ResponseWriter final : public app::ResponseSink {
 public:
  // Past this many buffered bytes the writer flushes to the transport (backpressure for streams).
  static constexpr std::size_t flush_threshold = 64 * 1024;

  // `body`: the request's streamed body, if any (left unread, it ends the connection). A caller holding the GIL
  // (the WSGI app) has it released around transport writes.
  ResponseWriter(const http::Request& request, const app::RequestBody* body, bool keep_alive, std::string& out,
                 Transport& transport);

  bool begin(const app::ResponseStart& start) override;
  void begin_error(int status = 500) override;
  bool write(std::string_view data) override;
  bool push() override { return flush(); }
  bool send_file(int fd, std::uint64_t offset, std::uint64_t count) override;
  void end(bool aborted) override;

  int status() const { return status_; }
  std::uint64_t body_bytes() const { return body_bytes_; }
  bool keep_alive() const { return keep_alive_; }
  bool failed() const { return failed_; }  // the transport failed: close the connection

 private:
  bool flush();
  bool transport_write(std::span<const std::string_view> parts);
  bool transport_file(int fd, std::uint64_t offset, std::uint64_t count);

  const http::Request& request_;
  const app::RequestBody* body_;
  bool allow_keep_alive_;
  std::string& out_;
  Transport& transport_;
  http::Framing framing_ = http::Framing::none;
  std::uint64_t declared_length_ = 0;  // Content-Length framing: what was promised
  int status_ = 0;
  std::uint64_t body_bytes_ = 0;
  bool keep_alive_ = false;
  bool failed_ = false;
};

}  // namespace deployctl::gateway::server
