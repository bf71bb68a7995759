// gateway/websocket's permessage-deflate (RFC 7692): the negotiation's rules for each parameter, the RFC's examples
// (§7.2.3) read and written, context takeover or not, the 8-bit window, and a compressed bomb stopped at the limit.
#include <doctest/doctest.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "gateway/websocket/deflate_negotiation.hpp"
#include "gateway/websocket/deflate_stream.hpp"
#include "gateway/websocket/frame_writer.hpp"
#include "gateway/websocket/message_reader.hpp"
#include "gateway_websocket_support.hpp"

using namespace deployctl::gateway::websocket;
using namespace deployctl::gateway::websocket::testing;
using Events = std::vector<Seen>;

namespace {

std::optional<DeflateAgreement> negotiate(std::string_view header, const DeflateConfig& config = {}) {
  std::vector<ExtensionOffer> offers;
  REQUIRE(parse_extension_offers(header, offers));
  return negotiate_deflate(offers, config);
}

std::string response_to(std::string_view header, const DeflateConfig& config = {}) {
  const auto agreement = negotiate(header, config);
  return agreement ? agreement->response : "<declined>";
}

ReaderOptions deflating(bool no_context_takeover = false, int window_bits = 15) {
  ReaderOptions options;
  DeflateParameters parameters;
  parameters.client_no_context_takeover = no_context_takeover;
  parameters.client_max_window_bits = window_bits;
  options.deflate = parameters;
  return options;
}

const std::string hello_compressed = bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});
const std::string hello_again = bytes({0xf2, 0x00, 0x11, 0x00, 0x00});  // a reference to the previous "Hello"

std::string compressed_frame(std::string_view compressed, bool fin = true) {
  return client_frame(Opcode::text, compressed, fin, true);
}

}  // namespace

TEST_SUITE("gateway websocket deflate") {
  TEST_CASE("negotiation: a bare offer is accepted as it is") {
    CHECK(response_to("permessage-deflate") == "permessage-deflate");
    const auto agreement = negotiate("permessage-deflate");
    CHECK(agreement->parameters.server_max_window_bits == 15);
    CHECK(agreement->parameters.client_max_window_bits == 15);
    CHECK_FALSE(agreement->parameters.server_no_context_takeover);
    CHECK(response_to("x-webkit-deflate-frame") == "<declined>");
  }

  TEST_CASE("negotiation: context takeover parameters are echoed, or asked for by the server's configuration") {
    CHECK(response_to("permessage-deflate; server_no_context_takeover") ==
          "permessage-deflate; server_no_context_takeover");
    CHECK(response_to("permessage-deflate; client_no_context_takeover") ==
          "permessage-deflate; client_no_context_takeover");
    DeflateConfig config;
    config.server_no_context_takeover = config.client_no_context_takeover = true;
    const auto agreement = negotiate("permessage-deflate", config);
    CHECK(agreement->response == "permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    CHECK(agreement->parameters.server_no_context_takeover);
    CHECK(agreement->parameters.client_no_context_takeover);
  }

  TEST_CASE("negotiation: server_max_window_bits is answered with the same or a smaller window") {
    CHECK(response_to("permessage-deflate; server_max_window_bits=10") ==
          "permessage-deflate; server_max_window_bits=10");
    DeflateConfig config;
    config.server_max_window_bits = 9;
    CHECK(response_to("permessage-deflate; server_max_window_bits=10", config) ==
          "permessage-deflate; server_max_window_bits=9");
    CHECK(response_to("permessage-deflate", config) == "permessage-deflate; server_max_window_bits=9");
    CHECK(negotiate("permessage-deflate; server_max_window_bits=8")->parameters.server_max_window_bits == 8);
  }

  TEST_CASE("negotiation: client_max_window_bits only when offered, at most the offered value") {
    CHECK(response_to("permessage-deflate; client_max_window_bits") == "permessage-deflate");
    CHECK(response_to("permessage-deflate; client_max_window_bits=12") ==
          "permessage-deflate; client_max_window_bits=12");
    DeflateConfig config;
    config.client_max_window_bits = 10;
    CHECK(response_to("permessage-deflate; client_max_window_bits", config) ==
          "permessage-deflate; client_max_window_bits=10");
    CHECK(response_to("permessage-deflate; client_max_window_bits=9", config) ==
          "permessage-deflate; client_max_window_bits=9");
    // Not offered: the client may not support it, so it is not sent, and its window is the full 15 bits.
    const auto agreement = negotiate("permessage-deflate", config);
    CHECK(agreement->response == "permessage-deflate");
    CHECK(agreement->parameters.client_max_window_bits == 15);
  }

  TEST_CASE("negotiation: invalid offers are declined and the next offer is tried") {
    for (const char* bad :
         {"permessage-deflate; server_max_window_bits", "permessage-deflate; server_max_window_bits=7",
          "permessage-deflate; server_max_window_bits=16", "permessage-deflate; client_max_window_bits=08",
          "permessage-deflate; client_max_window_bits=+9", "permessage-deflate; unknown",
          "permessage-deflate; server_no_context_takeover=1",
          "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
          "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10"}) {
      CAPTURE(std::string(bad));
      CHECK(response_to(bad) == "<declined>");
      CHECK(response_to(std::string(bad) + ", permessage-deflate; client_max_window_bits=\"11\"") ==
            "permessage-deflate; client_max_window_bits=11");
    }
  }

  TEST_CASE("RFC 7692 7.2.3.1: \"Hello\" compressed, in one frame and in two fragments") {
    CHECK(read_at_every_split(compressed_frame(hello_compressed), deflating()).events == Events{text("Hello")});
    const auto fragments = compressed_frame(hello_compressed.substr(0, 3), false) +
                           client_frame(Opcode::continuation, hello_compressed.substr(3));
    CHECK(read_at_every_split(fragments, deflating()).events == Events{text("Hello")});
    Deflater deflater(15, false);
    std::string out;
    append_message(out, Opcode::text, "Hello", 0, &deflater);
    CHECK(out == bytes({0xc1, 0x07}) + hello_compressed);
    Deflater fragmenting(15, false);
    out.clear();
    append_message(out, Opcode::text, "Hello", 3, &fragmenting);
    CHECK(out == bytes({0x41, 0x03, 0xf2, 0x48, 0xcd, 0x00, 0x03, 0xc9, 0xc9, 0x07, 0x80, 0x01, 0x00}));
  }

  TEST_CASE("RFC 7692 7.2.3.2: with context takeover the second \"Hello\" refers to the first, without it does not") {
    CHECK(read_at_every_split(compressed_frame(hello_compressed) + compressed_frame(hello_again), deflating()).events ==
          Events{text("Hello"), text("Hello")});
    // Without context takeover the reference points before the start of the data.
    CHECK(failure_code(compressed_frame(hello_compressed) + compressed_frame(hello_again), deflating(true)) == 1007);
    CHECK(read_at_every_split(compressed_frame(hello_compressed) + compressed_frame(hello_compressed), deflating(true))
              .events == Events{text("Hello"), text("Hello")});
    Deflater taking_over(15, false);
    std::string first, second;
    taking_over.compress("Hello", first);
    taking_over.compress("Hello", second);
    CHECK(first == hello_compressed);
    CHECK(second == hello_again);
    Deflater resetting(15, true);
    first.clear();
    second.clear();
    resetting.compress("Hello", first);
    resetting.compress("Hello", second);
    CHECK(second == hello_compressed);
  }

  TEST_CASE("RFC 7692 7.2.3.3-7.2.3.6: a stored block, a BFINAL block, two blocks, an empty message") {
    const auto stored = bytes({0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00});
    CHECK(read_at_every_split(compressed_frame(stored), deflating()).events == Events{text("Hello")});
    const auto bfinal = bytes({0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00});
    CHECK(read_at_every_split(compressed_frame(bfinal), deflating()).events == Events{text("Hello")});
    const auto two_blocks = bytes({0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00});
    CHECK(read_at_every_split(compressed_frame(two_blocks), deflating()).events == Events{text("Hello")});
    CHECK(read_at_every_split(compressed_frame(bytes({0x00})), deflating()).events == Events{text("")});
    CHECK(read_at_every_split(compressed_frame(""), deflating()).events == Events{text("")});
    Deflater deflater(15, false);
    std::string empty;
    deflater.compress("", empty);
    CHECK(empty == bytes({0x00}));
  }

  TEST_CASE("an empty message between others: written as 00, and an empty compressed payload read as empty") {
    Deflater deflater(15, false);
    std::string first, empty, last;
    deflater.compress("Hello", first);
    deflater.compress("", empty);
    deflater.compress("Hello", last);
    CHECK(empty == bytes({0x00}));
    const auto written = compressed_frame(first) + compressed_frame(empty) + compressed_frame(last);
    CHECK(read_at_every_split(written, deflating()).events == Events{text("Hello"), text(""), text("Hello")});
    // Some senders leave the payload of an empty message empty; the next message must still inflate.
    const auto bare = compressed_frame(hello_compressed) + compressed_frame("") + compressed_frame(hello_again);
    CHECK(read_at_every_split(bare, deflating()).events == Events{text("Hello"), text(""), text("Hello")});
  }

  TEST_CASE("a message after one that ended with BFINAL may still refer to it (the window is carried over)") {
    const auto bfinal = bytes({0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00});
    CHECK(read_at_every_split(compressed_frame(bfinal) + compressed_frame(hello_again), deflating()).events ==
          Events{text("Hello"), text("Hello")});
  }

  TEST_CASE("compressed messages round-trip through the deflater and the reader, with and without takeover") {
    for (const bool no_takeover : {false, true}) {
      Deflater deflater(15, no_takeover);
      std::string stream;
      Events expected;
      for (int i = 0; i < 20; ++i) {
        std::string message = "message " + std::to_string(i) + " " + std::string(static_cast<std::size_t>(i) * 50, 'm');
        std::string compressed;
        deflater.compress(message, compressed);
        stream += compressed_frame(compressed);
        expected.push_back(text(message));
      }
      CHECK(read_stream(stream, deflating(no_takeover), 5).events == expected);
      CHECK(read_stream(stream, deflating(no_takeover)).events == expected);
    }
  }

  TEST_CASE("RSV1 on a continuation frame, or without negotiation, fails with 1002") {
    const auto rsv1_continuation = compressed_frame(hello_compressed.substr(0, 3), false) +
                                   client_frame(Opcode::continuation, hello_compressed.substr(3), true, true);
    CHECK(failure_code(rsv1_continuation, deflating()) == 1002);
    CHECK(failure_code(compressed_frame(hello_compressed)) == 1002);
  }

  TEST_CASE("data that is not deflate fails with 1007, and compressed text is checked as UTF-8 after inflating") {
    CHECK(failure_code(compressed_frame(bytes({0xff, 0xff, 0xff})), deflating()) == 1007);
    Deflater deflater(15, false);
    std::string bad_text;
    deflater.compress("ok \xC0\xAF", bad_text);
    CHECK(failure_code(compressed_frame(bad_text), deflating()) == 1007);
    std::string binary_payload;
    Deflater binary_deflater(15, false);
    binary_deflater.compress("\xC0\xAF", binary_payload);
    CHECK(read_at_every_split(client_frame(Opcode::binary, binary_payload, true, true), deflating()).events ==
          Events{binary("\xC0\xAF")});
  }

  TEST_CASE("invalid UTF-8 before the limit is 1007 even when the same read inflates past the limit") {
    Deflater deflater(15, false);
    std::string compressed;
    deflater.compress("ok \xFF" + std::string(200, 'a'), compressed);
    auto options = deflating();
    options.max_message_size = 64;
    CHECK(failure_code(compressed_frame(compressed), options) == 1007);
    compressed.clear();
    Deflater valid(15, false);
    valid.compress("ok " + std::string(200, 'a'), compressed);
    CHECK(failure_code(compressed_frame(compressed), options) == 1009);
  }

  TEST_CASE("a compressed bomb stops inflating one byte past the limit and fails with 1009") {
    const std::string zeros(8 * 1024 * 1024, '\0');
    Deflater deflater(15, false);
    std::string bomb;
    deflater.compress(zeros, bomb);
    CHECK(bomb.size() < 20 * 1024);
    auto options = deflating();
    options.max_message_size = 1024 * 1024;
    const auto outcome = read_stream(client_frame(Opcode::binary, bomb, true, true), options);
    CHECK(outcome.failure.code == 1009);
    Inflater inflater(15, false);
    std::string out;
    CHECK(inflater.inflate(bomb, out, 1000) == Inflater::Result::too_big);
    CHECK(out.size() == 1001);
    // The same message within the limit is delivered whole.
    options.max_message_size = zeros.size();
    CHECK(read_stream(client_frame(Opcode::binary, bomb, true, true), options).events == Events{binary(zeros)});
  }

  TEST_CASE("an 8-bit window: compressed with zlib's 9 bits, it never refers further back than 256 bytes") {
    std::string data;
    for (int i = 0; i < 4000; ++i) data.push_back(static_cast<char>('a' + (i * 7 + i / 300) % 26));
    Deflater deflater(8, false);
    std::string compressed;
    deflater.compress(data, compressed);
    compressed += bytes({0x00, 0x00, 0xff, 0xff});
    // zlib's raw inflate with an 8-bit window refuses any distance past 256 ("invalid distance too far back").
    z_stream z{};
    REQUIRE(inflateInit2(&z, -8) == Z_OK);
    std::string out(data.size() + 16, '\0');
    z.next_in = reinterpret_cast<Bytef*>(compressed.data());
    z.avail_in = static_cast<uInt>(compressed.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&z, Z_SYNC_FLUSH);
    out.resize(out.size() - z.avail_out);
    inflateEnd(&z);
    CHECK(rc == Z_OK);
    CHECK(out == data);
    CHECK(compressed.size() < data.size());  // it did compress, with back-references
    // Our reader takes an 8-bit client window too.
    compressed.resize(compressed.size() - 4);
    CHECK(read_stream(client_frame(Opcode::text, compressed, true, true), deflating(false, 8)).events ==
          Events{text(data)});
  }
}
