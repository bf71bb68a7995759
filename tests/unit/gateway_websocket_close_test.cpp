// gateway/websocket close frames (RFC 6455 §5.5.1, §7.4): the payload's length, the codes a peer may send, the UTF-8
// reason, and the close frames the server writes.
#include <doctest/doctest.h>

#include <string>

#include "gateway/websocket/close_payload.hpp"
#include "gateway/websocket/frame_writer.hpp"
#include "gateway/websocket/utf8_validator.hpp"
#include "gateway_websocket_support.hpp"

using namespace deployctl::gateway::websocket;
using namespace deployctl::gateway::websocket::testing;
using Events = std::vector<Seen>;

namespace {

std::string code_bytes(int code) { return bytes({code >> 8, code & 0xFF}); }

}  // namespace

TEST_SUITE("gateway websocket close") {
  TEST_CASE("an empty close frame reads as 1005 (no code), and nothing after it is read") {
    const auto stream = client_frame(Opcode::close, "") + client_frame(Opcode::text, "late");
    const auto outcome = read_at_every_split(stream);
    CHECK(outcome.events == Events{closed("1005 ")});
    CHECK(outcome.consumed == client_frame(Opcode::close, "").size());
  }

  TEST_CASE("a close frame of one byte fails with 1002") {
    CHECK(failure_code(client_frame(Opcode::close, "\x03")) == 1002);
  }

  TEST_CASE("codes valid on the wire are read with their reason") {
    for (const int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
      CAPTURE(code);
      CHECK(read_at_every_split(client_frame(Opcode::close, code_bytes(code) + "bye")).events ==
            Events{closed(std::to_string(code) + " bye")});
    }
  }

  TEST_CASE("other codes fail with 1002, among them 1005, 1006 and 1015 which are never sent") {
    for (const int code : {0, 999, 1004, 1005, 1006, 1012, 1013, 1014, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
      CAPTURE(code);
      CHECK(failure_code(client_frame(Opcode::close, code_bytes(code))) == 1002);
    }
  }

  TEST_CASE("the reason must be UTF-8 (1007)") {
    CHECK(failure_code(client_frame(Opcode::close, code_bytes(1000) + "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE")) ==
          1007);
    CHECK(read_at_every_split(client_frame(Opcode::close, code_bytes(1000) + "\xCE\xBA")).events ==
          Events{closed("1000 \xCE\xBA")});
  }

  TEST_CASE("the server's close frame: code and reason, cut to 123 bytes on a character boundary") {
    std::string out;
    append_close_frame(out, 1000, "done");
    CHECK(out == bytes({0x88, 0x06, 0x03, 0xE8, 'd', 'o', 'n', 'e'}));
    out.clear();
    append_close_frame(out, close_code::no_status);
    CHECK(out == bytes({0x88, 0x00}));
    std::string long_reason(122, 'r');
    long_reason += "\xE2\x82\xAC";  // the euro sign straddles the 123-byte limit
    const auto payload = make_close_payload(1001, long_reason);
    CHECK(payload.size() == 2 + 122);
    CHECK(is_valid_utf8(std::string_view(payload).substr(2)));
    CHECK(make_close_payload(1001, std::string(200, 'x')).size() == 125);
  }
}
