// gateway/websocket's opening handshake (RFC 6455 §4): the RFC's accept example, every requirement of the request,
// 426 for other versions, and the lists of Connection, Sec-WebSocket-Protocol and Sec-WebSocket-Extensions.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "gateway/websocket/accept_key.hpp"
#include "gateway/websocket/handshake.hpp"
#include "gateway/websocket/header_lists.hpp"

using namespace deployctl::gateway::websocket;

namespace {

std::vector<HeaderField> good_headers() {
  return {{"Host", "server.example.com"},   {"Upgrade", "websocket"},
          {"Connection", "Upgrade"},        {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
          {"Origin", "http://example.com"}, {"Sec-WebSocket-Version", "13"}};
}

HandshakeResult judge(const std::vector<HeaderField>& headers, std::string_view method = "GET", int minor = 1) {
  return accept_handshake({method, 1, minor, headers});
}

std::vector<HeaderField> with(std::vector<HeaderField> headers, std::string_view name, std::string_view value) {
  std::erase_if(headers, [&](const HeaderField& h) { return h.name == name; });
  if (!value.empty()) headers.push_back({name, value});
  return headers;
}

}  // namespace

TEST_SUITE("gateway websocket handshake") {
  TEST_CASE("RFC 6455 4.2.2 and 1.3: the sample nonce's accept value") {
    CHECK(accept_value("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    const auto result = judge(good_headers());
    REQUIRE(result.accepted);
    CHECK(result.handshake.accept == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    CHECK(switching_protocols_head(result.handshake.accept, "chat", "") ==
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n");
  }

  TEST_CASE("header names and the Upgrade and Connection tokens match in any case, token-wise") {
    auto headers = with(good_headers(), "Connection", "keep-alive, UPGRADE");
    headers = with(headers, "Upgrade", "h2c, WebSocket");
    CHECK(judge(headers).accepted);
    std::vector<HeaderField> lower;
    for (const auto& h : good_headers()) lower.push_back({h.name == "Upgrade" ? "upgrade" : h.name, h.value});
    CHECK(judge(lower).accepted);
    CHECK(wants_websocket(headers));
    CHECK_FALSE(wants_websocket(with(good_headers(), "Upgrade", "h2c")));
    CHECK_FALSE(judge(with(good_headers(), "Connection", "upgraded")).accepted);  // a token, not a substring
  }

  TEST_CASE("each requirement of the request, refused with 400") {
    CHECK(judge(good_headers(), "POST").refusal.status == 400);
    CHECK(judge(good_headers(), "GET", 0).refusal.status == 400);
    CHECK(judge(with(good_headers(), "Upgrade", "")).refusal.status == 400);
    CHECK(judge(with(good_headers(), "Connection", "keep-alive")).refusal.status == 400);
    CHECK(judge(with(good_headers(), "Sec-WebSocket-Version", "")).refusal.status == 400);
    CHECK(judge(with(good_headers(), "Sec-WebSocket-Key", "")).refusal.status == 400);
    for (const char* key :
         {"dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZQ=x", "dGhlIHNhbXBsZSBub25j",
          "dGhlIHNhbXBsZSBub25jZSE=", "dGhl*HNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ== "}) {
      CAPTURE(key);
      CHECK(judge(with(good_headers(), "Sec-WebSocket-Key", key)).refusal.status == 400);
    }
    auto two_keys = good_headers();
    two_keys.push_back({"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="});
    CHECK_FALSE(judge(two_keys).accepted);
  }

  TEST_CASE("a version other than 13 is 426 with Sec-WebSocket-Version: 13") {
    for (const char* version : {"8", "12", "14", "13, 8"}) {
      const auto result = judge(with(good_headers(), "Sec-WebSocket-Version", version));
      CHECK(result.refusal.status == 426);
      CHECK(result.refusal.version_header == "13");
    }
  }

  TEST_CASE("subprotocols: a token list over one or several lines, in the client's order") {
    auto headers = with(good_headers(), "Sec-WebSocket-Protocol", "chat, superchat");
    headers.push_back({"Sec-WebSocket-Protocol", "v2.bus"});
    const auto result = judge(headers);
    REQUIRE(result.accepted);
    CHECK(result.handshake.subprotocols == std::vector<std::string_view>{"chat", "superchat", "v2.bus"});
    CHECK(judge(with(good_headers(), "Sec-WebSocket-Protocol", "chat; v=1")).refusal.status == 400);
  }

  TEST_CASE("extensions: names, parameters with token or quoted values, over several lines") {
    auto headers =
        with(good_headers(), "Sec-WebSocket-Extensions",
             "permessage-deflate; client_max_window_bits, permessage-deflate; server_max_window_bits=\"10\"");
    headers.push_back({"Sec-WebSocket-Extensions", "x-webkit-deflate-frame"});
    const auto result = judge(headers);
    REQUIRE(result.accepted);
    const auto& offers = result.handshake.extensions;
    REQUIRE(offers.size() == 3);
    CHECK(offers[0].name == "permessage-deflate");
    REQUIRE(offers[0].params.size() == 1);
    CHECK(offers[0].params[0].name == "client_max_window_bits");
    CHECK_FALSE(offers[0].params[0].value.has_value());
    CHECK(offers[1].params[0].value == "10");
    CHECK(offers[2].name == "x-webkit-deflate-frame");
    for (const char* bad : {"permessage-deflate;", "; x", "a b", "a; b=", "a; b=\"open", "a; =1"}) {
      CAPTURE(bad);
      CHECK(judge(with(good_headers(), "Sec-WebSocket-Extensions", bad)).refusal.status == 400);
    }
  }

  TEST_CASE("token lists skip empty elements and refuse what is not a token") {
    std::vector<std::string_view> tokens;
    CHECK(parse_token_list(" , a ,,\tb ,", tokens));
    CHECK(tokens == std::vector<std::string_view>{"a", "b"});
    tokens.clear();
    CHECK_FALSE(parse_token_list("a b", tokens));
    CHECK_FALSE(parse_token_list("a, (b)", tokens));
  }
}
