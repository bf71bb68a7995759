// A state machine over Table 3-7 of the Unicode standard: the states after a lead byte whose second byte has a
// narrower range (E0, ED, F0, F4) refuse overlong forms, surrogates and code points past U+10FFFF at that second
// byte, so a text is refused at the first byte that proves it invalid, as RFC 6455 §8.1 asks (fail fast).
#include "gateway/websocket/utf8_validator.hpp"

#include <cstdint>
#include <cstring>

namespace deployctl::gateway::websocket {

namespace {

constexpr bool in(unsigned char c, unsigned char low, unsigned char high) { return c >= low && c <= high; }

}  // namespace

bool Utf8Validator::feed(std::string_view bytes) noexcept {
  State state = state_;
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  while (p != end) {
    if (state == accept) {
      // ASCII runs, the common case, eight bytes at a time: no byte has its high bit set.
      while (end - p >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        if ((word & 0x8080808080808080u) != 0) break;
        p += 8;
      }
      if (p == end) break;
    }
    const auto c = static_cast<unsigned char>(*p++);
    switch (state) {
      case accept:
        if (c < 0x80) continue;
        if (in(c, 0xC2, 0xDF))
          state = tail1;
        else if (c == 0xE0)
          state = after_e0;
        else if (c == 0xED)
          state = after_ed;
        else if (in(c, 0xE1, 0xEF))
          state = tail2;
        else if (c == 0xF0)
          state = after_f0;
        else if (c == 0xF4)
          state = after_f4;
        else if (in(c, 0xF1, 0xF3))
          state = tail3;
        else
          state = reject;  // 80-C1 (a stray continuation or an overlong 2-byte lead), F5-FF
        break;
      case tail1: state = in(c, 0x80, 0xBF) ? accept : reject; break;
      case tail2: state = in(c, 0x80, 0xBF) ? tail1 : reject; break;
      case tail3: state = in(c, 0x80, 0xBF) ? tail2 : reject; break;
      case after_e0: state = in(c, 0xA0, 0xBF) ? tail1 : reject; break;  // below A0: overlong
      case after_ed: state = in(c, 0x80, 0x9F) ? tail1 : reject; break;  // above 9F: a surrogate
      case after_f0: state = in(c, 0x90, 0xBF) ? tail2 : reject; break;  // below 90: overlong
      case after_f4: state = in(c, 0x80, 0x8F) ? tail2 : reject; break;  // above 8F: past U+10FFFF
      case reject: break;
    }
    if (state == reject) break;
  }
  state_ = state;
  return state != reject;
}

bool is_valid_utf8(std::string_view bytes) noexcept {
  Utf8Validator validator;
  return validator.feed(bytes) && validator.complete();
}

}  // namespace deployctl::gateway::websocket
