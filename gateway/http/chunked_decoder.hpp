// The chunked transfer coding of a request body (RFC 9112 §7.1), framed strictly: hex sizes without overflow, chunk
// extensions by their grammar (with the bad whitespace around ';' and '=' that §7.1.1 asks recipients to accept),
// CRLF and nothing else after every size line and every chunk's data, and a trailer section held to the rules and
// limits of the header section. Like the head framer, every verdict is tied to one byte of the stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/http/head_framer.hpp"

namespace deployctl::gateway::http {

// 0 means "no limit" for each.
struct ChunkedLimits {
  std::uint64_t body = 0;       // de-chunked bytes (413 at the size line that would pass it)
  std::size_t field_line = 0;   // one trailer field line, CRLF included, as for header fields
  std::size_t field_count = 0;  // header and trailer field lines together
};

class ChunkedDecoder {
 public:
  // A chunk size line (size and extensions) longer than this is refused: nothing of it is kept, but a client must
  // not be able to hold a connection with one endless line.
  static constexpr std::size_t max_size_line = 4096;

  explicit ChunkedDecoder(ChunkedLimits limits = {});

  // A new body, after a head of `field_lines` field lines.
  void start(std::size_t field_lines) noexcept;

  struct Step {
    const char* next;       // where to go on from
    std::string_view data;  // chunk data to deliver (empty when the step stopped for another reason)
  };
  // Decodes from p. Either returns chunk data (deliver it, then call again from `next`), or stops: at `end` (more
  // bytes needed), one past the last byte of the body (complete()), or at the first byte that proves the framing
  // invalid (failed(), error()).
  Step step(const char* p, const char* end);

  bool complete() const noexcept;
  bool failed() const noexcept;
  const FramingError& error() const noexcept;

 private:
  enum class Where : unsigned char {
    size_start,
    size,
    size_blank,
    ext_before_name,
    ext_name,
    ext_name_blank,
    ext_before_value,
    ext_token,
    ext_quoted,
    ext_quoted_pair,
    ext_after_quote,
    ext_value_blank,
    size_lf,
    data,
    data_cr,
    data_lf,
    trailer_start,
    trailer_name,
    trailer_value,
    trailer_lf,
    final_lf,
    complete,
    failed
  };
  const char* fail(const char* at, int status, std::string_view reason) noexcept;
  // The size line's verdict on byte `c` in state where_ (the states between the size's first digit and its CR).
  const char* size_line_byte(const char* p);
  const char* trailer_byte(const char* p);
  const char* end_of_size(const char* p);
  void end_of_size_line() noexcept;  // after its LF: the data, or the trailer section after the last chunk

  ChunkedLimits limits_;
  Where where_ = Where::size_start;
  FramingError error_;
  std::uint64_t size_ = 0;      // of the current chunk, while its size line is read
  std::uint64_t left_ = 0;      // of its data still to come
  std::uint64_t decoded_ = 0;   // data bytes declared by the chunks so far
  std::size_t line_bytes_ = 0;  // of the current size line or trailer line, without its CRLF
  std::size_t fields_ = 0;
};

}  // namespace deployctl::gateway::http
