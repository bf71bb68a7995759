// Framing decisions come from http::append_response_head; this file only obeys them: it truncates an app that
// writes past its Content-Length, and closes the connection when it writes less or fails midway.
#include "gateway/server/response_writer.hpp"

#include "gateway/server/error_log.hpp"
#include "python/errors.hpp"
#include "python/gil.hpp"
#include "python/interpreter.hpp"

namespace deployctl::gateway::server {

ResponseWriter::ResponseWriter(const http::Request& request, const app::RequestBody* body, bool keep_alive,
                               std::string& out, Transport& transport)
    : request_(request), body_(body), allow_keep_alive_(keep_alive), out_(out), transport_(transport) {}

bool ResponseWriter::begin(const app::ResponseStart& start) {
  http::ResponseContext context;
  context.http_minor = request_.http_minor;
  context.head_request = request_.is_head();
  // A streamed body the app left unread cannot be skipped without reading it, unless all of it has arrived: else the
  // connection ends.
  context.keep_alive =
      allow_keep_alive_ && request_.keep_alive && (body_ == nullptr || body_->left() == 0 || body_->arrived());
  context.known_body_length = start.body_length;
  const std::size_t mark = out_.size();
  auto framing = http::append_response_head(out_, start.status_line, start.headers, context);
  if (!framing) {
    out_.resize(mark);
    log_error("refused the app's response for " + std::string(request_.method) + " " + std::string(request_.target) +
              ": " + framing.error().message);
    return false;
  }
  status_ = framing->status;
  framing_ = framing->framing;
  declared_length_ = framing->content_length.value_or(0);
  keep_alive_ = framing->keep_alive;
  return true;
}

void ResponseWriter::begin_error(int status) {
  http::append_error_response(out_, status, request_.is_head());
  status_ = status;
  framing_ = http::Framing::none;
  keep_alive_ = false;
}

bool ResponseWriter::transport_write(std::span<const std::string_view> parts) {
  if (failed_) return false;
  bool ok = false;
  if (transport_.may_wait() && python::holds_gil()) {
    python::GilReleased released;
    ok = transport_.write_parts(parts);
  } else {
    ok = transport_.write_parts(parts);
  }
  failed_ = !ok;
  return ok;
}

bool ResponseWriter::transport_file(int fd, std::uint64_t offset, std::uint64_t count) {
  if (failed_) return false;
  bool ok = false;
  if (transport_.may_wait() && python::holds_gil()) {
    python::GilReleased released;
    ok = transport_.send_file(fd, offset, count);
  } else {
    ok = transport_.send_file(fd, offset, count);
  }
  failed_ = !ok;
  return ok;
}

bool ResponseWriter::flush() {
  if (out_.empty()) return !failed_;
  const std::string_view buffered = out_;
  const bool ok = transport_write(std::span(&buffered, 1));
  out_.clear();
  return ok;
}

bool ResponseWriter::write(std::string_view data) {
  if (failed_) return false;
  if (framing_ == http::Framing::none || data.empty()) return true;
  if (framing_ == http::Framing::content_length) {
    const std::uint64_t room = declared_length_ - std::min(declared_length_, body_bytes_);
    if (data.size() > room) {
      data = data.substr(0, static_cast<std::size_t>(room));
      keep_alive_ = false;  // the app wrote more than it declared: never let the extra bytes pose as a response
    }
    if (data.empty()) return true;
  }
  body_bytes_ += data.size();
  const bool chunked = framing_ == http::Framing::chunked;
  if (chunked) out_ += http::encode_chunk_header(data.size()).view();
  if (out_.size() + data.size() > flush_threshold) {
    // What is buffered (the head, the chunk's header), the data and the chunk's end leave in one system call.
    const std::string_view parts[] = {out_, data, chunked ? std::string_view(http::chunk_end) : std::string_view()};
    const bool ok = transport_write(parts);
    out_.clear();
    return ok;
  }
  out_ += data;
  if (chunked) out_ += http::chunk_end;
  if (out_.size() > flush_threshold) return flush();
  return true;
}

bool ResponseWriter::send_file(int fd, std::uint64_t offset, std::uint64_t count) {
  if (failed_) return false;
  if (framing_ == http::Framing::none || count == 0) return true;
  if (framing_ == http::Framing::content_length) {
    const std::uint64_t room = declared_length_ - std::min(declared_length_, body_bytes_);
    if (count > room) {
      count = room;
      keep_alive_ = false;
    }
    if (count == 0) return true;
  }
  body_bytes_ += count;
  if (framing_ == http::Framing::chunked) out_ += http::encode_chunk_header(count).view();
  if (!flush() || !transport_file(fd, offset, count)) return false;
  if (framing_ == http::Framing::chunked) out_ += http::chunk_end;
  return true;
}

void ResponseWriter::end(bool aborted) {
  if (aborted || failed_) {
    keep_alive_ = false;
    return;  // a chunked body without its last chunk tells the client the response is incomplete
  }
  if (framing_ == http::Framing::chunked) out_ += http::last_chunk;
  if (framing_ == http::Framing::content_length && body_bytes_ < declared_length_) {
    keep_alive_ = false;  // short body: only closing tells the client
    log_error("the app sent " + std::to_string(body_bytes_) + " of the " + std::to_string(declared_length_) +
              " bytes its Content-Length declared for " + std::string(request_.target));
  }
  if (framing_ == http::Framing::close_delimited) keep_alive_ = false;
}

}  // namespace deployctl::gateway::server
