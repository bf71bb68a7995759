// The head framer's byte-level state machine. Field lines are searched for their LF with memchr (most head bytes
// are field values); the request line, which must be checked byte by byte anyway, is walked with class tables.
#include "gateway/http/head_framer.hpp"

#include <cstring>

#include "gateway/http/char_classes.hpp"

namespace deployctl::gateway::http {

HeadFramer::HeadFramer(HeadLimits limits) : limits_(limits) {}

void HeadFramer::start() noexcept {
  where_ = Where::leading;
  error_ = FramingError{};
  method_.clear();
  request_line_done_ = false;
  head_bytes_ = line_bytes_ = target_bytes_ = fields_ = 0;
  last_ = '\0';
}

bool HeadFramer::started() const noexcept { return where_ != Where::leading && where_ != Where::leading_cr; }
bool HeadFramer::at_method_end() const noexcept { return where_ == Where::method_end; }
bool HeadFramer::request_line_done() const noexcept { return request_line_done_; }
bool HeadFramer::complete() const noexcept { return where_ == Where::complete; }
bool HeadFramer::failed() const noexcept { return where_ == Where::failed; }
const FramingError& HeadFramer::error() const noexcept { return error_; }
std::string_view HeadFramer::method() const noexcept { return method_; }
std::size_t HeadFramer::field_lines() const noexcept { return fields_; }

const char* HeadFramer::fail(const char* at, int status, std::string_view reason) noexcept {
  where_ = Where::failed;
  error_ = FramingError{status, reason};
  return at;
}

const char* HeadFramer::scan(const char* p, const char* end) {
  if (where_ == Where::complete || where_ == Where::failed) return p;
  // The whole head is bounded whatever the other limits say: scan no further than the byte that would exceed it.
  const char* bounded = end;
  if (limits_.head != 0 && head_bytes_ + static_cast<std::size_t>(end - p) > limits_.head)
    bounded = p + (limits_.head - head_bytes_);
  const char* stop = step(p, bounded);
  head_bytes_ += static_cast<std::size_t>(stop - p);
  if (stop == bounded && bounded != end && where_ != Where::complete && where_ != Where::failed)
    return fail(stop, 431, "request head too large");
  return stop;
}

// The first content byte of the request line past --limit-request-line in [p, q), or null.
const char* HeadFramer::request_line_overflow(const char* p, const char* q) const noexcept {
  const std::size_t limit = limits_.request_line;
  if (limit == 0 || line_bytes_ + static_cast<std::size_t>(q - p) <= limit) return nullptr;
  return p + (limit - line_bytes_);
}

// The byte in [p, q) that proves the field line longer than --limit-request-field_size, or null. gunicorn counts
// the line with its CRLF, so the content may have limit - 2 bytes; a CR at that index is fine when an LF follows.
const char* HeadFramer::field_line_overflow(const char* p, const char* q, bool q_is_lf) const noexcept {
  const std::size_t limit = limits_.field_line;
  if (limit == 0) return nullptr;
  const std::size_t allowed = limit >= 2 ? limit - 2 : 0;
  if (line_bytes_ > allowed) return q_is_lf && q == p ? nullptr : p;  // a CR at the limit ended the last slice
  if (line_bytes_ + static_cast<std::size_t>(q - p) <= allowed) return nullptr;
  const char* at = p + (allowed - line_bytes_);
  if (*at != '\r') return at;
  return at + 1 < q ? at + 1 : nullptr;  // the CR is followed by a byte other than LF, or by what comes next
}

const char* HeadFramer::step(const char* p, const char* end) {
  while (p < end) {
    switch (where_) {
      case Where::leading:
        // RFC 9112 §2.2: empty lines before the request line are ignored; only CRLF ones.
        if (*p == '\r') {
          where_ = Where::leading_cr;
          ++p;
          break;
        }
        if (*p == '\n') return fail(p, 400, "bare LF before the request line");
        if (!is_token_char(*p)) return fail(p, 400, "invalid request line (the method is not a token)");
        where_ = Where::method;
        break;
      case Where::leading_cr:
        if (*p != '\n') return fail(p, 400, "bare CR before the request line");
        where_ = Where::leading;
        ++p;
        break;
      case Where::method: {
        const char* q = p;
        while (q < end && is_token_char(*q)) ++q;
        if (const char* over = request_line_overflow(p, q)) return fail(over, 501, "method too long");
        method_.append(p, q);
        line_bytes_ += static_cast<std::size_t>(q - p);
        if (q == end) return q;
        if (*q != ' ') return fail(q, 400, "invalid character in the method (or not one SP after it)");
        where_ = Where::method_end;
        return q;
      }
      case Where::method_end:  // the caller has seen the method; the SP is the request line's again
        if (request_line_overflow(p, p + 1) != nullptr) return fail(p, 414, "request target too long");
        ++line_bytes_;
        ++p;
        where_ = Where::target;
        break;
      case Where::target: {
        const char* q = p;
        while (q < end && is_target_char(*q)) ++q;
        if (const char* over = request_line_overflow(p, q)) return fail(over, 414, "request target too long");
        line_bytes_ += static_cast<std::size_t>(q - p);
        target_bytes_ += static_cast<std::size_t>(q - p);
        if (q == end) return q;
        if (*q == ' ' && target_bytes_ > 0) {
          if (request_line_overflow(q, q + 1) != nullptr) return fail(q, 414, "request target too long");
          ++line_bytes_;
          p = q + 1;
          where_ = Where::version;
          break;
        }
        if (*q == ' ') return fail(q, 400, "empty request target (more than one SP after the method)");
        if (*q == '\r' || *q == '\n') return fail(q, 400, "no HTTP version in the request line (HTTP/0.9)");
        return fail(q, 400, "invalid character in the request target");
      }
      case Where::version: {
        const char* q = p;
        while (q < end && *q != '\r' && *q != '\n' && *q != ' ') ++q;
        // The version has a fixed length: the line runs over the limit here because of the target.
        if (const char* over = request_line_overflow(p, q)) return fail(over, 414, "request target too long");
        line_bytes_ += static_cast<std::size_t>(q - p);
        if (q == end) return q;
        if (*q == ' ') return fail(q, 400, "whitespace in or around the HTTP version (more than one SP)");
        if (*q == '\n') return fail(q, 400, "bare LF ending the request line");
        where_ = Where::line_cr;
        p = q + 1;
        break;
      }
      case Where::line_cr:
        if (*p != '\n') return fail(p, 400, "bare CR in the request line");
        where_ = Where::field_start;
        request_line_done_ = true;
        line_bytes_ = 0;
        ++p;
        break;
      case Where::field_start:
        if (*p == '\r') {
          where_ = Where::end_cr;
          ++p;
          break;
        }
        if (*p == '\n') return fail(p, 400, "bare LF ending a header field line");
        // RFC 9112 §2.2 and §5.2: a line starting with whitespace is obs-fold, or after the request line a
        // whitespace-preceded line; both are refused (the first is a known way to hide a header from a proxy).
        if (is_blank(*p))
          return fail(p, 400, fields_ == 0 ? "whitespace before the first header field" : "obs-fold (line folding)");
        if (*p == ':') return fail(p, 400, "empty header field name");
        ++fields_;
        if (limits_.field_count != 0 && fields_ > limits_.field_count) return fail(p, 431, "too many header fields");
        where_ = Where::field;
        [[fallthrough]];
      case Where::field: {
        // The line so far ended in a CR at the end of the last slice: it must be followed by its LF.
        if (line_bytes_ > 0 && last_ == '\r' && *p != '\n') return fail(p, 400, "bare CR in a header field line");
        const auto* lf = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        const char* line_end = lf != nullptr ? lf : end;
        // A CR anywhere but right before the LF is bare (llhttp's lenient mode takes one after "Name:" for a line
        // end and swallows the next byte); it is proven bare by the byte after it.
        const char* bare_cr = nullptr;
        if (const auto* cr = static_cast<const char*>(std::memchr(p, '\r', static_cast<std::size_t>(line_end - p)));
            cr != nullptr && cr + 1 < line_end)
          bare_cr = cr + 1;
        const char* over = field_line_overflow(p, line_end, lf != nullptr);
        if (bare_cr != nullptr && (over == nullptr || bare_cr <= over))
          return fail(bare_cr, 400, "bare CR in a header field line");
        if (over != nullptr) return fail(over, 431, "header field line too large");
        const char before = lf == nullptr ? '\0' : (lf > p ? lf[-1] : last_);
        line_bytes_ += static_cast<std::size_t>(line_end - p);
        if (lf == nullptr) {
          last_ = end[-1];
          return end;
        }
        if (before != '\r') return fail(lf, 400, "bare LF ending a header field line");
        where_ = Where::field_start;
        line_bytes_ = 0;
        p = lf + 1;
        break;
      }
      case Where::end_cr:
        if (*p != '\n') return fail(p, 400, "bare CR ending the header section");
        where_ = Where::complete;
        return p + 1;
      case Where::complete:
      case Where::failed: return p;
    }
  }
  return p;
}

}  // namespace deployctl::gateway::http
