// gateway/websocket frames and messages (RFC 6455 §5): the RFC's own examples (§5.7) read and written, every frame
// rule the reader enforces with its close code, reassembly with control frames between fragments, empty messages,
// the size limit, and split points that never change the outcome.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "gateway/websocket/frame_writer.hpp"
#include "gateway/websocket/message_reader.hpp"
#include "gateway_websocket_support.hpp"

using namespace deployctl::gateway::websocket;
using namespace deployctl::gateway::websocket::testing;
using Events = std::vector<Seen>;

TEST_SUITE("gateway websocket frames") {
  TEST_CASE("RFC 6455 5.7: a masked text frame reads as \"Hello\"") {
    const auto frame = bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
    const auto outcome = read_at_every_split(frame);
    CHECK(outcome.events == Events{text("Hello")});
    CHECK(outcome.consumed == frame.size());
  }

  TEST_CASE("RFC 6455 5.7: the server writes \"Hello\" unmasked, in one frame or as \"Hel\" and \"lo\"") {
    std::string out;
    append_message(out, Opcode::text, "Hello");
    CHECK(out == bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
    out.clear();
    append_message(out, Opcode::text, "Hello", 3);
    CHECK(out == bytes({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}));
  }

  TEST_CASE("RFC 6455 5.7: the fragmented \"Hel\" \"lo\", masked, reads as one message") {
    const auto stream = client_frame(Opcode::text, "Hel", false) + client_frame(Opcode::continuation, "lo");
    CHECK(read_at_every_split(stream).events == Events{text("Hello")});
  }

  TEST_CASE("RFC 6455 5.7: ping and pong with \"Hello\"") {
    std::string out;
    append_frame(out, Opcode::ping, "Hello");
    CHECK(out == bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
    const auto pong_frame = bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
    CHECK(read_at_every_split(pong_frame).events == Events{pong("Hello")});
    CHECK(read_at_every_split(client_frame(Opcode::ping, "Hello")).events == Events{ping("Hello")});
  }

  TEST_CASE("RFC 6455 5.7: 256 bytes and 64 KiB of binary take the 16-bit and the 64-bit length") {
    std::string out;
    append_frame_header(out, Opcode::binary, 256);
    CHECK(out == bytes({0x82, 0x7E, 0x01, 0x00}));
    out.clear();
    append_frame_header(out, Opcode::binary, 65536);
    CHECK(out == bytes({0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}));
    std::string data256(256, '\0'), data64k(65536, '\0');
    for (std::size_t i = 0; i < data256.size(); ++i) data256[i] = static_cast<char>(i);
    for (std::size_t i = 0; i < data64k.size(); ++i) data64k[i] = static_cast<char>(i * 7);
    CHECK(read_at_every_split(client_frame(Opcode::binary, data256)).events == Events{binary(data256)});
    CHECK(read_stream(client_frame(Opcode::binary, data64k), {}, 1).events == Events{binary(data64k)});
    CHECK(read_stream(client_frame(Opcode::binary, data64k), {}, 1000).events == Events{binary(data64k)});
    const auto header = client_frame(Opcode::binary, data64k).substr(0, 10);
    CHECK(header.substr(0, 2) == bytes({0x82, 0xFF}));  // 127: the 64-bit length
  }

  TEST_CASE("lengths at the encodings' edges: 125, 126, 65535 and 65536 bytes") {
    for (const std::size_t size :
         {std::size_t{0}, std::size_t{125}, std::size_t{126}, std::size_t{65535}, std::size_t{65536}}) {
      const std::string data(size, 'x');
      std::string out;
      append_frame(out, Opcode::binary, data);
      const std::size_t header = size < 126 ? 2 : size <= 65535 ? 4 : 10;
      CHECK(out.size() == header + size);
      CHECK(read_stream(client_frame(Opcode::binary, data), {}, 4096).events == Events{binary(data)});
    }
  }

  TEST_CASE("unmasked client frames fail with 1002") {
    CHECK(failure_code(bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f})) == 1002);
  }

  TEST_CASE("reserved bits fail with 1002 (RSV1 allowed only when permessage-deflate was negotiated)") {
    auto frame = client_frame(Opcode::text, "Hello");
    for (const int bit : {0x40, 0x20, 0x10}) {
      auto flagged = frame;
      flagged[0] = static_cast<char>(static_cast<unsigned char>(flagged[0]) | bit);
      CHECK(failure_code(flagged) == 1002);
    }
    ReaderOptions deflate;
    deflate.deflate = DeflateParameters{};
    auto rsv2 = frame;
    rsv2[0] = static_cast<char>(static_cast<unsigned char>(rsv2[0]) | 0x20);
    CHECK(failure_code(rsv2, deflate) == 1002);
    CHECK(failure_code(client_frame(Opcode::ping, "x", true, true), deflate) == 1002);  // never on control frames
  }

  TEST_CASE("reserved opcodes fail with 1002") {
    for (int opcode : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
      std::string frame = client_frame(Opcode::binary, "");
      frame[0] = static_cast<char>(0x80 | opcode);
      CAPTURE(opcode);
      CHECK(failure_code(frame) == 1002);
    }
  }

  TEST_CASE("control frames: at most 125 bytes and never fragmented (1002), allowed between fragments") {
    CHECK(read_at_every_split(client_frame(Opcode::ping, std::string(125, 'p'))).events ==
          Events{ping(std::string(125, 'p'))});
    CHECK(failure_code(client_frame(Opcode::ping, std::string(126, 'p'))) == 1002);
    CHECK(failure_code(client_frame(Opcode::pong, "x", false)) == 1002);
    CHECK(failure_code(client_frame(Opcode::close, "", false)) == 1002);
    const auto stream = client_frame(Opcode::text, "Hel", false) + client_frame(Opcode::ping, "1") +
                        client_frame(Opcode::continuation, "l", false) + client_frame(Opcode::pong, "2") +
                        client_frame(Opcode::continuation, "o");
    CHECK(read_at_every_split(stream).events == Events{ping("1"), pong("2"), text("Hello")});
  }

  TEST_CASE("the 64-bit length must have its top bit clear, and lengths must be minimally encoded (1002)") {
    CHECK(failure_code(bytes({0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4})) == 1002);
    CHECK(failure_code(bytes({0x82, 0xFE, 0x00, 0x05, 1, 2, 3, 4, 'a', 'b', 'c', 'd', 'e'})) == 1002);
    CHECK(failure_code(bytes({0x82, 0xFF, 0, 0, 0, 0, 0, 0, 0x00, 0x7E, 1, 2, 3, 4})) == 1002);
    CHECK(failure_code(bytes({0x82, 0xFF, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 1, 2, 3, 4})) == 1002);
    // The smallest lengths of each encoding are accepted (tested whole in the case on lengths at the edges).
    CHECK(read_stream(bytes({0x82, 0xFE, 0x00, 0x7E, 1, 2, 3, 4})).events.empty());
  }

  TEST_CASE("a failure is judged at the byte that breaks the rule, and nothing is read after it") {
    auto stream = bytes({0x81, 0x05, 0x48}) + client_frame(Opcode::text, "later");
    const auto outcome = read_at_every_split(stream);
    CHECK(outcome.consumed == 1);  // the second byte (mask bit clear) is the offending one
    CHECK(outcome.events.size() == 1);
    MessageReader reader;
    char* p = stream.data();
    CHECK(reader.read(p, p + stream.size()).event == MessageReader::Event::failed);
    const auto again = reader.read(p + 1, p + stream.size());
    CHECK(again.event == MessageReader::Event::failed);
    CHECK(again.next == p + 1);
  }

  TEST_CASE("continuations: none without a message, no new message inside one (1002)") {
    CHECK(failure_code(client_frame(Opcode::continuation, "x")) == 1002);
    CHECK(failure_code(client_frame(Opcode::text, "a", false) + client_frame(Opcode::text, "b")) == 1002);
    CHECK(failure_code(client_frame(Opcode::binary, "a", false) + client_frame(Opcode::binary, "b")) == 1002);
    // After a complete message, a continuation is again out of place.
    CHECK(failure_code(client_frame(Opcode::text, "a") + client_frame(Opcode::continuation, "b")) == 1002);
  }

  TEST_CASE("empty messages are delivered, whole or as empty fragments") {
    CHECK(read_at_every_split(client_frame(Opcode::text, "")).events == Events{text("")});
    CHECK(read_at_every_split(client_frame(Opcode::binary, "")).events == Events{binary("")});
    const auto fragments = client_frame(Opcode::text, "", false) + client_frame(Opcode::continuation, "", false) +
                           client_frame(Opcode::continuation, "");
    CHECK(read_at_every_split(fragments).events == Events{text("")});
    CHECK(read_at_every_split(client_frame(Opcode::ping, "")).events == Events{ping("")});
  }

  TEST_CASE("messages follow one another and each payload is the message's own") {
    const auto stream = client_frame(Opcode::text, "one") + client_frame(Opcode::binary, std::string(70000, 'b')) +
                        client_frame(Opcode::text, "three");
    CHECK(read_stream(stream, {}, 3).events == Events{text("one"), binary(std::string(70000, 'b')), text("three")});
  }

  TEST_CASE("text must be UTF-8 (1007), judged across fragments and as soon as it cannot become valid") {
    const std::string euro = "\xE2\x82\xAC";
    const auto split = client_frame(Opcode::text, "a" + euro.substr(0, 1), false) +
                       client_frame(Opcode::continuation, euro.substr(1, 1), false) +
                       client_frame(Opcode::continuation, euro.substr(2));
    CHECK(read_at_every_split(split).events == Events{text("a" + euro)});
    CHECK(failure_code(client_frame(Opcode::text, "\xC0\xAF")) == 1007);
    // Fails in the first fragment, before the message could end: the rest never has to arrive.
    const auto early = read_at_every_split(client_frame(Opcode::text, "ok\xF5", false));
    CHECK(early.failure.code == 1007);
    // A character cut at the message's end fails when the message ends.
    CHECK(failure_code(client_frame(Opcode::text, "a\xE2\x82")) == 1007);
    CHECK(failure_code(client_frame(Opcode::text, "a\xE2", false) + client_frame(Opcode::continuation, "")) == 1007);
    // Binary messages are not text.
    CHECK(read_at_every_split(client_frame(Opcode::binary, "\xFF")).events == Events{binary("\xFF")});
  }

  TEST_CASE("a message over the limit fails with 1009 at the frame header that passes it") {
    ReaderOptions small;
    small.max_message_size = 10;
    CHECK(read_at_every_split(client_frame(Opcode::text, std::string(10, 'a')), small).events ==
          Events{text(std::string(10, 'a'))});
    const auto one_frame = read_at_every_split(client_frame(Opcode::binary, std::string(11, 'a')), small);
    CHECK(one_frame.failure.code == 1009);
    CHECK(one_frame.consumed < 11);  // refused before its payload is read
    const auto fragments = client_frame(Opcode::text, std::string(6, 'a'), false) +
                           client_frame(Opcode::continuation, std::string(5, 'a'));
    CHECK(failure_code(fragments, small) == 1009);
    // A 64-bit length far past the limit is refused without waiting for any payload.
    CHECK(failure_code(bytes({0x82, 0xFF, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 1, 2, 3, 4})) == 1009);
    // Control frames are outside messages: the limit does not apply to them.
    CHECK(read_at_every_split(client_frame(Opcode::ping, std::string(20, 'p')), small).events.size() == 1);
  }
}
