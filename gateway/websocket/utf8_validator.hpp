// Incremental UTF-8 validation (RFC 3629, Unicode Table 3-7): fed a text message in pieces, it says as soon as
// the bytes so far cannot begin any valid text, while a character cut between two pieces is fine.
#pragma once

#include <cstdint>
#include <string_view>

namespace deployctl::gateway::websocket {

class Utf8Validator {
 public:
  // false as soon as a byte makes the text invalid whatever follows (it stays false until reset()).
  bool feed(std::string_view bytes) noexcept;
  // The text fed so far ends on a character boundary (and was valid).
  bool complete() const noexcept { return state_ == accept; }
  void reset() noexcept { state_ = accept; }

 private:
  // The states name what the next byte may be; see utf8_validator.cpp.
  enum State : std::uint8_t { accept, tail1, tail2, tail3, after_e0, after_ed, after_f0, after_f4, reject };
  State state_ = accept;
};

// The whole of `bytes` is valid UTF-8.
bool is_valid_utf8(std::string_view bytes) noexcept;

}  // namespace deployctl::gateway::websocket
