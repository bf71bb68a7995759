// The chunked decoder's state machine: size lines and trailers byte by byte (they are short), chunk data in one
// span per call.
#include "gateway/http/chunked_decoder.hpp"

#include <algorithm>

#include "gateway/http/char_classes.hpp"

namespace deployctl::gateway::http {

namespace {

// qdtext of a quoted-string (RFC 9110 §5.6.4): HTAB, SP, '!', '#'-'[', ']'-'~', obs-text.
bool is_qdtext(char c) noexcept { return c != '"' && c != '\\' && is_field_value_char(c); }

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  return (c | 0x20) - 'a' + 10;
}

}  // namespace

ChunkedDecoder::ChunkedDecoder(ChunkedLimits limits) : limits_(limits) {}

void ChunkedDecoder::start(std::size_t field_lines) noexcept {
  where_ = Where::size_start;
  error_ = FramingError{};
  size_ = left_ = decoded_ = 0;
  line_bytes_ = 0;
  fields_ = field_lines;
}

bool ChunkedDecoder::complete() const noexcept { return where_ == Where::complete; }
bool ChunkedDecoder::failed() const noexcept { return where_ == Where::failed; }
const FramingError& ChunkedDecoder::error() const noexcept { return error_; }

const char* ChunkedDecoder::fail(const char* at, int status, std::string_view reason) noexcept {
  where_ = Where::failed;
  error_ = FramingError{status, reason};
  return at;
}

// The size is known at its first byte that is not a hex digit: the body limit is judged there.
const char* ChunkedDecoder::end_of_size(const char* p) {
  if (limits_.body != 0 && size_ > limits_.body - std::min(decoded_, limits_.body))
    return fail(p, 413, "chunked request body over the limit");
  return nullptr;
}

const char* ChunkedDecoder::size_line_byte(const char* p) {
  const char c = *p;
  if (++line_bytes_ > max_size_line) return fail(p, 400, "chunk size line too long");
  switch (where_) {
    case Where::size:
      if (is_hex_digit(c)) {
        if (size_ > (UINT64_MAX >> 4)) return fail(p, 400, "chunk size overflow");
        size_ = (size_ << 4) | static_cast<std::uint64_t>(hex_value(c));
        return nullptr;
      }
      if (const char* refused = end_of_size(p)) return refused;
      if (c == ';')
        where_ = Where::ext_before_name;
      else if (is_blank(c))
        where_ = Where::size_blank;
      else if (c == '\r')
        where_ = Where::size_lf;
      else if (c == '\n')
        return fail(p, 400, "bare LF ending a chunk size line");
      else
        return fail(p, 400, "invalid character in a chunk size");
      return nullptr;
    case Where::size_blank:  // BWS is allowed only before a ';'
      if (c == ';')
        where_ = Where::ext_before_name;
      else if (!is_blank(c))
        return fail(p, 400, "whitespace after a chunk size without an extension");
      return nullptr;
    case Where::ext_before_name:
      if (is_token_char(c))
        where_ = Where::ext_name;
      else if (!is_blank(c))
        return fail(p, 400, "invalid chunk extension name");
      return nullptr;
    case Where::ext_name:
      if (is_token_char(c)) return nullptr;
      if (c == '=')
        where_ = Where::ext_before_value;
      else if (c == ';')
        where_ = Where::ext_before_name;
      else if (is_blank(c))
        where_ = Where::ext_name_blank;
      else if (c == '\r')
        where_ = Where::size_lf;
      else if (c == '\n')
        return fail(p, 400, "bare LF ending a chunk size line");
      else
        return fail(p, 400, "invalid character in a chunk extension name");
      return nullptr;
    case Where::ext_name_blank:  // BWS before '=' or before the next ';', never before the CRLF
      if (c == '=')
        where_ = Where::ext_before_value;
      else if (c == ';')
        where_ = Where::ext_before_name;
      else if (!is_blank(c))
        return fail(p, 400, "invalid chunk extension (only ';' or '=' may follow whitespace)");
      return nullptr;
    case Where::ext_before_value:
      if (c == '"')
        where_ = Where::ext_quoted;
      else if (is_token_char(c))
        where_ = Where::ext_token;
      else if (!is_blank(c))
        return fail(p, 400, "invalid chunk extension value");
      return nullptr;
    case Where::ext_token:
      if (is_token_char(c)) return nullptr;
      if (c == ';')
        where_ = Where::ext_before_name;
      else if (is_blank(c))
        where_ = Where::ext_value_blank;
      else if (c == '\r')
        where_ = Where::size_lf;
      else if (c == '\n')
        return fail(p, 400, "bare LF ending a chunk size line");
      else
        return fail(p, 400, "invalid character in a chunk extension value");
      return nullptr;
    case Where::ext_quoted:
      if (c == '"')
        where_ = Where::ext_after_quote;
      else if (c == '\\')
        where_ = Where::ext_quoted_pair;
      else if (!is_qdtext(c))
        return fail(p, 400, "invalid character in a quoted chunk extension value");
      return nullptr;
    case Where::ext_quoted_pair:
      if (!is_field_value_char(c)) return fail(p, 400, "invalid quoted pair in a chunk extension value");
      where_ = Where::ext_quoted;
      return nullptr;
    case Where::ext_after_quote:
      if (c == ';')
        where_ = Where::ext_before_name;
      else if (is_blank(c))
        where_ = Where::ext_value_blank;
      else if (c == '\r')
        where_ = Where::size_lf;
      else if (c == '\n')
        return fail(p, 400, "bare LF ending a chunk size line");
      else
        return fail(p, 400, "invalid character after a quoted chunk extension value");
      return nullptr;
    case Where::ext_value_blank:
      if (c == ';')
        where_ = Where::ext_before_name;
      else if (!is_blank(c))
        return fail(p, 400, "invalid chunk extension (only ';' or '=' may follow whitespace)");
      return nullptr;
    default: return fail(p, 500, "chunked decoder in an impossible state");
  }
}

const char* ChunkedDecoder::trailer_byte(const char* p) {
  const char c = *p;
  if (where_ == Where::trailer_value && c == '\r') {
    where_ = Where::trailer_lf;
    return nullptr;
  }
  // Counted as gunicorn counts a header line: with its CRLF, so the content may have limit - 2 bytes.
  ++line_bytes_;
  if (limits_.field_line != 0 && line_bytes_ + 2 > limits_.field_line)
    return fail(p, 431, "trailer field line too large");
  if (where_ == Where::trailer_name) {
    if (c == ':')
      where_ = Where::trailer_value;
    else if (!is_token_char(c))
      return fail(p, 400, "invalid character in a trailer field name");
    return nullptr;
  }
  if (c == '\n') return fail(p, 400, "bare LF ending a trailer field line");
  if (!is_field_value_char(c)) return fail(p, 400, "invalid character in a trailer field value");
  return nullptr;
}

void ChunkedDecoder::end_of_size_line() noexcept {
  if (size_ == 0) {
    where_ = Where::trailer_start;
    return;
  }
  where_ = Where::data;
  left_ = size_;
  decoded_ += size_;
}

ChunkedDecoder::Step ChunkedDecoder::step(const char* p, const char* end) {
  while (p < end) {
    switch (where_) {
      case Where::size_start: {
        if (!is_hex_digit(*p)) return {fail(p, 400, "invalid chunk size"), {}};
        size_ = 0;
        line_bytes_ = 0;
        // The common shape, "<at most 16 hex digits>\r\n" within this slice, in one go; anything else (extensions,
        // a line split across reads, a 17th digit) byte by byte in state `size`, with the same verdicts.
        const char* q = p;
        std::uint64_t size = 0;
        while (q < end && q - p < 16 && is_hex_digit(*q))
          size = (size << 4) | static_cast<std::uint64_t>(hex_value(*q++));
        if (end - q >= 2 && q[0] == '\r' && q[1] == '\n') {
          size_ = size;
          if (const char* refused = end_of_size(q)) return {refused, {}};
          p = q + 2;
          end_of_size_line();
          break;
        }
        where_ = Where::size;
        break;  // the digits are read again in state `size`
      }
      case Where::size:
      case Where::size_blank:
      case Where::ext_before_name:
      case Where::ext_name:
      case Where::ext_name_blank:
      case Where::ext_before_value:
      case Where::ext_token:
      case Where::ext_quoted:
      case Where::ext_quoted_pair:
      case Where::ext_after_quote:
      case Where::ext_value_blank:
        if (const char* refused = size_line_byte(p)) return {refused, {}};
        ++p;
        break;
      case Where::size_lf:
        if (*p != '\n') return {fail(p, 400, "bare CR in a chunk size line"), {}};
        ++p;
        end_of_size_line();
        break;
      case Where::data: {
        const auto available = static_cast<std::uint64_t>(end - p);
        const auto taken = static_cast<std::size_t>(std::min(left_, available));
        left_ -= taken;
        if (left_ == 0) where_ = Where::data_cr;
        return {p + taken, std::string_view(p, taken)};
      }
      case Where::data_cr:
        if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
          where_ = Where::size_start;
          p += 2;
          break;
        }
        if (*p != '\r') return {fail(p, 400, "chunk data not followed by CRLF"), {}};
        where_ = Where::data_lf;
        ++p;
        break;
      case Where::data_lf:
        if (*p != '\n') return {fail(p, 400, "chunk data not followed by CRLF (bare CR)"), {}};
        where_ = Where::size_start;
        ++p;
        break;
      case Where::trailer_start:
        if (*p == '\r') {
          where_ = Where::final_lf;
          ++p;
          break;
        }
        if (*p == '\n') return {fail(p, 400, "bare LF ending the trailer section"), {}};
        if (is_blank(*p)) return {fail(p, 400, "obs-fold (or leading whitespace) in the trailer section"), {}};
        if (!is_token_char(*p)) return {fail(p, 400, "invalid trailer field name"), {}};
        if (limits_.field_count != 0 && ++fields_ > limits_.field_count)
          return {fail(p, 431, "too many header and trailer fields"), {}};
        where_ = Where::trailer_name;
        line_bytes_ = 0;
        break;
      case Where::trailer_name:
      case Where::trailer_value:
        if (const char* refused = trailer_byte(p)) return {refused, {}};
        ++p;
        break;
      case Where::trailer_lf:
        if (*p != '\n') return {fail(p, 400, "bare CR in a trailer field line"), {}};
        where_ = Where::trailer_start;
        ++p;
        break;
      case Where::final_lf:
        if (*p != '\n') return {fail(p, 400, "bare CR ending the trailer section"), {}};
        where_ = Where::complete;
        return {p + 1, {}};
      case Where::complete:
      case Where::failed: return {p, {}};
    }
  }
  return {p, {}};
}

}  // namespace deployctl::gateway::http
