// The framing of a request head, checked before llhttp parses it: every line ends in CRLF (a bare CR or LF anywhere
// is refused), no obs-fold, no whitespace before the first field, a method token, a request-target of visible
// ASCII, and the limits counted as gunicorn counts them. Each verdict is tied to one byte of the stream, so it does
// not depend on how the stream was split into reads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace deployctl::gateway::http {

// 0 means "no limit" for each.
struct HeadLimits {
  std::size_t request_line = 0;  // bytes of the request line, without its CRLF (gunicorn's --limit-request-line)
  std::size_t field_line = 0;    // bytes of one field line, name to CRLF inclusive (--limit-request-field_size)
  std::size_t field_count = 0;   // field lines (--limit-request-fields)
  std::size_t head = 0;          // every byte of the head, empty lines before the request line included
};

// Why a head (or a chunked body) is invalid: the status to answer and a static reason for the error log.
struct FramingError {
  int status = 400;
  std::string_view reason;
};

class HeadFramer {
 public:
  explicit HeadFramer(HeadLimits limits = {});

  // A new message: empty lines (CRLF) may come first, then the method.
  void start() noexcept;

  // Scans [p, end) and returns where it stopped:
  //   - at the SP after the method (at_method_end()): the empty lines and the method were the framer's alone;
  //     the caller gives llhttp the request line from that SP on, then scans on from there;
  //   - one past the LF that ends the head (complete());
  //   - at the first byte that proves the head invalid (failed(), error()): no byte from there on is parsed;
  //   - at `end`: more bytes are needed.
  // Once complete or failed it consumes nothing.
  const char* scan(const char* p, const char* end);

  bool started() const noexcept;            // a byte of the method arrived (empty lines alone are not a request)
  bool at_method_end() const noexcept;      // stopped at the SP after the method
  bool request_line_done() const noexcept;  // its CRLF arrived (stays true if the head fails later)
  bool complete() const noexcept;
  bool failed() const noexcept;
  const FramingError& error() const noexcept;
  std::string_view method() const noexcept;  // as far as it arrived
  std::size_t field_lines() const noexcept;  // field lines seen (the trailer section counts on from here)

 private:
  enum class Where : unsigned char {
    leading,
    leading_cr,
    method,
    method_end,
    target,
    version,
    line_cr,
    field_start,
    field,
    end_cr,
    complete,
    failed
  };
  const char* fail(const char* at, int status, std::string_view reason) noexcept;
  const char* step(const char* p, const char* end);
  const char* request_line_overflow(const char* p, const char* q) const noexcept;
  const char* field_line_overflow(const char* p, const char* q, bool q_is_lf) const noexcept;

  HeadLimits limits_;
  Where where_ = Where::leading;
  FramingError error_;
  std::string method_;
  bool request_line_done_ = false;
  std::size_t head_bytes_ = 0;  // scanned since start()
  std::size_t line_bytes_ = 0;  // of the current line: content for the request line, content and CR for a field
  std::size_t target_bytes_ = 0;
  std::size_t fields_ = 0;
  char last_ = '\0';  // the last byte scanned, for an LF that starts a slice
};

}  // namespace deployctl::gateway::http
