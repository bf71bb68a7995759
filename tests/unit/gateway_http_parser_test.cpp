// Request parser: the request model (target split, percent-decoding, headers, keep-alive), pipelining at every
// split point, chunked bodies with trailers, spilling to a temp file, 100-continue and the timeout probes.
#include <doctest/doctest.h>

#include <string>

#include "gateway/http/request_target.hpp"
#include "gateway_http_support.hpp"

using namespace deployctl::gateway::http;
using deployctl::gateway::http::testing::Outcome;
using deployctl::gateway::http::testing::parse_all;

TEST_SUITE("gateway http parser") {
  TEST_CASE("a simple GET gives method, target, path, query, version and headers in order") {
    const auto outcome = parse_all("GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\nX-One: 1\r\nx-two:  2  \r\n\r\n");
    REQUIRE(outcome.requests.size() == 1);
    const auto& r = outcome.requests[0];
    CHECK(r.method == "GET");
    CHECK(r.target == "/a/b?x=1&y=2");
    CHECK(r.path == "/a/b");
    CHECK(r.query == "x=1&y=2");
    CHECK(r.http_minor == 1);
    REQUIRE(r.headers.size() == 3);
    CHECK(r.headers[0] == std::pair<std::string, std::string>{"Host", "example.com"});
    CHECK(r.headers[1] == std::pair<std::string, std::string>{"X-One", "1"});
    CHECK(r.headers[2] == std::pair<std::string, std::string>{"x-two", "2"});  // name as sent, OWS trimmed
    CHECK_FALSE(r.content_length.has_value());
    CHECK(r.body.empty());
    CHECK(r.keep_alive);
  }

  TEST_CASE("the path is percent-decoded to raw bytes and the query stays raw") {
    const auto outcome = parse_all("GET /caf%C3%A9/a%2Fb/%zz%4?q=%20a%2B#frag HTTP/1.1\r\nHost: h\r\n\r\n");
    REQUIRE(outcome.requests.size() == 1);
    CHECK(outcome.requests[0].path == "/caf\xC3\xA9/a/b/%zz%4");
    CHECK(outcome.requests[0].query == "q=%20a%2B");
  }

  TEST_CASE("long targets and absolute-form targets keep valid views") {
    // Longer than the head buffer's initial capacity: decoding the path must not leave views dangling.
    std::string long_path = "/";
    for (int i = 0; i < 3000; ++i) long_path += "%41";
    Limits unlimited_line;
    unlimited_line.request_line = 0;
    const auto outcome = parse_all("GET " + long_path +
                                       "?q=%41 HTTP/1.1\r\nHost: h\r\nX-A: b\r\n\r\n"
                                       "GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n"
                                       "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
                                   0, unlimited_line);
    REQUIRE(outcome.requests.size() == 3);
    CHECK(outcome.requests[0].path == "/" + std::string(3000, 'A'));
    CHECK(outcome.requests[0].query == "q=%41");
    CHECK(outcome.requests[0].headers.back().second == "b");
    CHECK(outcome.requests[1].path == "/");
    CHECK(outcome.requests[1].target == "http://example.com");
    CHECK(outcome.requests[1].query.empty());
    CHECK(outcome.requests[2].path == "*");
  }

  TEST_CASE("request targets in absolute and asterisk form") {
    CHECK(split_target("http://example.com/p/q?x=1").path == "/p/q");
    CHECK(split_target("http://example.com/p/q?x=1").query == "x=1");
    CHECK(split_target("http://example.com").path == "/");
    CHECK(split_target("*").path == "*");
    CHECK(split_target("/a#b?c").path == "/a");
    CHECK(split_target("/a#b?c").query.empty());
  }

  TEST_CASE("header names with an underscore are dropped, not rejected") {
    const auto outcome =
        parse_all("GET / HTTP/1.1\r\nHost: h\r\nX_Forwarded_For: 6.6.6.6\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n");
    REQUIRE(outcome.requests.size() == 1);
    REQUIRE(outcome.requests[0].headers.size() == 2);
    CHECK(outcome.requests[0].headers[1].first == "X-Forwarded-For");
    CHECK(outcome.requests[0].headers[1].second == "1.2.3.4");
  }

  TEST_CASE("header lookup is case-insensitive and finds the first") {
    RequestParser parser;
    REQUIRE(parser.feed("GET / HTTP/1.1\r\nHost: h\r\nCookie: a=1\r\ncookie: b=2\r\n\r\n") ==
            ParseStatus::request_ready);
    CHECK(parser.request().header("COOKIE") == "a=1");
    CHECK_FALSE(parser.request().header("Accept").has_value());
    CHECK_FALSE(parser.request().is_head());
  }

  TEST_CASE("keep-alive follows the version and the Connection header") {
    const auto keep = [](std::string_view head) {
      const auto outcome = parse_all(std::string(head) + "\r\n");
      REQUIRE(outcome.requests.size() == 1);
      return outcome.requests[0].keep_alive;
    };
    CHECK(keep("GET / HTTP/1.1\r\nHost: h\r\n"));
    CHECK_FALSE(keep("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"));
    CHECK_FALSE(keep("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade-Insecure, CLOSE\r\n"));
    CHECK_FALSE(keep("GET / HTTP/1.0\r\n"));
    CHECK(keep("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n"));
    CHECK_FALSE(keep("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n"));
  }

  TEST_CASE("memory_held counts a head as it grows and goes back to a few KiB after a large request") {
    RequestParser parser;
    const std::size_t fresh = parser.memory_held();
    CHECK(fresh < 16 * 1024);
    std::string head = "GET / HTTP/1.1\r\nHost: h\r\n";
    for (int i = 0; i < 40; ++i) head += "X-Filler: " + std::string(7990, 'f') + "\r\n";
    REQUIRE(parser.feed(head) == ParseStatus::need_more);
    CHECK(parser.memory_held() >= 320 * 1024);  // an unfinished 320 KB head is held
    REQUIRE(parser.feed("\r\n") == ParseStatus::request_ready);
    REQUIRE(parser.next() == ParseStatus::need_more);
    CHECK(parser.memory_held() <= fresh + 64 * 1024);
    // The same for a body held in memory, released when the next request starts.
    REQUIRE(parser.feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 500000\r\n\r\n" + std::string(499999, 'b')) ==
            ParseStatus::need_more);
    CHECK(parser.memory_held() >= 499999);
    REQUIRE(parser.feed("b") == ParseStatus::request_ready);
    REQUIRE(parser.next() == ParseStatus::need_more);
    CHECK(parser.memory_held() <= fresh + 64 * 1024);
  }

  TEST_CASE("a streamed Content-Length body is ready with its head, read with take_body, then the next request") {
    Limits limits;
    limits.stream_bodies = true;
    limits.body_in_memory = 4;
    RequestParser parser(limits);
    REQUIRE(parser.feed("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123") ==
            ParseStatus::request_ready);
    CHECK(parser.request().body.size == 10);
    CHECK(parser.request().content_length == 10u);
    CHECK(parser.body_left() == 10);
    char out[16];
    REQUIRE(parser.take_body(out, sizeof out) == 4);
    CHECK(std::string_view(out, 4) == "0123");
    CHECK(parser.take_body(out, sizeof out) == 0);  // the rest is still on the connection
    char read[] = "456789";
    CHECK(parser.body_received(read, 6) == 6);  // read from the socket by the caller
    CHECK(parser.body_left() == 0);
    parser.feed("GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
    REQUIRE(parser.next() == ParseStatus::request_ready);
    CHECK(parser.request().target == "/next");
  }

  TEST_CASE("a streamed body left unread ends the connection: its bytes are never parsed as a request") {
    Limits limits;
    limits.stream_bodies = true;
    limits.body_in_memory = 4;
    RequestParser parser(limits);
    REQUIRE(parser.feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 40\r\n\r\n"
                        "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n") == ParseStatus::request_ready);
    CHECK(parser.body_left() == 40);
    CHECK(parser.next() == ParseStatus::need_more);
    CHECK(parser.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n") == ParseStatus::need_more);
  }

  TEST_CASE("streaming: Expect 100-continue streams any body, small ones without it stay buffered") {
    Limits limits;
    limits.stream_bodies = true;
    RequestParser expecting(limits);
    REQUIRE(expecting.feed("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n") ==
            ParseStatus::request_ready);  // no continue_expected: the first read of the body sends 100
    CHECK(expecting.request().expect_continue);
    CHECK(expecting.body_left() == 3);
    RequestParser small(limits);
    REQUIRE(small.feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc") == ParseStatus::request_ready);
    CHECK(small.body_left() == 0);
    CHECK(small.request().body.memory == "abc");
  }

  // A chunked body the caller reads from the connection in pieces of `piece` bytes (after what came with the head):
  // its de-chunked bytes, and the parser's verdict on what follows.
  struct StreamedChunked {
    std::string body;
    ParseStatus after = ParseStatus::need_more;
    std::string unread;  // of `wire`, still on the connection when the body ended
  };
  StreamedChunked read_streamed_chunked(RequestParser & parser, std::string_view head, std::string_view wire,
                                        std::size_t piece) {
    StreamedChunked result;
    REQUIRE(parser.feed(head) == ParseStatus::request_ready);
    CHECK(parser.request().body.streamed);
    CHECK_FALSE(parser.request().content_length.has_value());
    char out[64];
    for (std::size_t got = 0; (got = parser.take_body(out, sizeof out)) > 0;) result.body.append(out, got);
    while (parser.body_left() > 0 && parser.status() != ParseStatus::rejected && !wire.empty()) {
      std::string bytes(wire.substr(0, piece));
      wire.remove_prefix(bytes.size());
      const std::size_t got = parser.body_received(bytes.data(), bytes.size());
      result.body.append(bytes.data(), got);
    }
    result.after = parser.status();
    result.unread = wire;
    return result;
  }

  TEST_CASE("a streamed chunked body is ready with its head and de-chunked as it is read, however it is split") {
    Limits limits;
    limits.stream_bodies = true;
    limits.stream_chunked_bodies = true;
    const std::string head =
        "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n3;x=\"y\"\r\nab";
    const std::string wire =
        "c\r\n10\r\n0123456789abcdef\r\n0\r\nTrailer-One: 1\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n";
    for (std::size_t piece = 1; piece <= wire.size(); ++piece) {
      CAPTURE(piece);
      RequestParser parser(limits);
      const auto read = read_streamed_chunked(parser, head, wire, piece);
      CHECK(read.body == "abc0123456789abcdef");
      CHECK(parser.body_left() == 0);
      CHECK(parser.body_bytes() == 19);
      // What came after the last chunk in the same read is the next request's, and so is what is still unread.
      parser.next();
      if (!read.unread.empty()) parser.feed(read.unread);
      REQUIRE(parser.status() == ParseStatus::request_ready);
      CHECK(parser.request().target == "/next");
    }
  }

  TEST_CASE("a streamed chunked body read in one go hands the pipelined request behind it to next()") {
    Limits limits;
    limits.stream_bodies = true;
    limits.stream_chunked_bodies = true;
    RequestParser parser(limits);
    const auto read = read_streamed_chunked(parser, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
                                            "5\r\nhello\r\n0\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n", 4096);
    CHECK(read.body == "hello");
    REQUIRE(parser.next() == ParseStatus::request_ready);
    CHECK(parser.request().target == "/next");
  }

  TEST_CASE("a streamed chunked body is held to the body limits and the chunk grammar while it is read") {
    Limits limits;
    limits.stream_bodies = true;
    limits.stream_chunked_bodies = true;
    limits.body = 8;
    const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    RequestParser over(limits);
    const auto too_long = read_streamed_chunked(over, head, "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", 3);
    CHECK(too_long.after == ParseStatus::rejected);
    CHECK(over.rejection().status == 413);
    CHECK(too_long.body == "hello");  // refused at the size line that would pass the limit, before its data
    CHECK(over.body_left() == 1);     // never finished: the connection cannot go on
    limits.body = 0;
    limits.chunked_body = 8;
    RequestParser chunked_limit(limits);
    CHECK(read_streamed_chunked(chunked_limit, head, "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", 64).after ==
          ParseStatus::rejected);
    CHECK(chunked_limit.rejection().status == 413);
    limits.chunked_body = 0;
    RequestParser malformed(limits);
    CHECK(read_streamed_chunked(malformed, head, "5\r\nhelloXX0\r\n\r\n", 1).after == ParseStatus::rejected);
    CHECK(malformed.rejection().status == 400);
  }

  TEST_CASE("a streamed chunked body left unread ends the connection: its bytes are never parsed as a request") {
    Limits limits;
    limits.stream_bodies = true;
    limits.stream_chunked_bodies = true;
    RequestParser parser(limits);
    REQUIRE(parser.feed("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n") == ParseStatus::request_ready);
    CHECK(parser.body_left() == 1);
    CHECK(parser.next() == ParseStatus::need_more);
    CHECK(parser.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n") == ParseStatus::need_more);
  }

  TEST_CASE(
      "a streamed body the app did not read is skipped when all of it came with the head, else it ends the "
      "connection") {
    Limits limits;
    limits.stream_bodies = true;
    limits.stream_chunked_bodies = true;
    limits.body_in_memory = 4;
    RequestParser chunked(limits);
    REQUIRE(chunked.feed("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                         "GET /next HTTP/1.1\r\nHost: h\r\n\r\n") == ParseStatus::request_ready);
    CHECK(chunked.skip_body());
    REQUIRE(chunked.next() == ParseStatus::request_ready);
    CHECK(chunked.request().target == "/next");
    RequestParser length(limits);
    REQUIRE(length.feed(
                "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n\r\nabcdefGET /next HTTP/1.1\r\nHost: h\r\n\r\n") ==
            ParseStatus::request_ready);
    CHECK(length.skip_body());
    REQUIRE(length.next() == ParseStatus::request_ready);
    CHECK(length.request().target == "/next");
    RequestParser partial(limits);
    REQUIRE(partial.feed("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel") ==
            ParseStatus::request_ready);
    CHECK_FALSE(partial.skip_body());
    CHECK(partial.next() == ParseStatus::need_more);
    CHECK(partial.feed("lo\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") == ParseStatus::need_more);  // never parsed
  }

  TEST_CASE("without stream_chunked_bodies (WSGI) a chunked body is still read whole, 100 Continue first") {
    Limits limits;
    limits.stream_bodies = true;
    RequestParser parser(limits);
    REQUIRE(parser.feed("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n") ==
            ParseStatus::continue_expected);
    REQUIRE(parser.next() == ParseStatus::need_more);
    REQUIRE(parser.feed("5\r\nhello\r\n0\r\n\r\n") == ParseStatus::request_ready);
    CHECK(parser.request().body.memory == "hello");
    CHECK(parser.request().content_length == 5u);
  }

  TEST_CASE("a chunked body over Limits::chunked_body is 413") {
    Limits limits;
    limits.chunked_body = 8;
    RequestParser parser(limits);
    const auto status = parser.feed(
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n");
    REQUIRE(status == ParseStatus::rejected);
    CHECK(parser.rejection().status == 413);
  }

  TEST_CASE("the spill budget is shared by a worker's parsers: past it 503, and a finished body gives it back") {
    Limits limits;
    limits.body_in_memory = 4;
    limits.spill_budget = std::make_shared<SpillBudget>(SpillBudget{10, 0});
    const std::string chunked8 =
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n01234567\r\n0\r\n\r\n";
    RequestParser first(limits);
    REQUIRE(first.feed(chunked8) == ParseStatus::request_ready);
    CHECK(limits.spill_budget->used == 8);
    RequestParser second(limits);
    REQUIRE(second.feed(chunked8) == ParseStatus::rejected);
    CHECK(second.rejection().status == 503);
    first.next();  // the first body is done with: its file space is free again
    CHECK(limits.spill_budget->used == 0);
    RequestParser third(limits);
    CHECK(third.feed(chunked8) == ParseStatus::request_ready);
  }

  TEST_CASE("a POST body with Content-Length") {
    const auto outcome = parse_all("POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
    REQUIRE(outcome.requests.size() == 1);
    CHECK(outcome.requests[0].content_length == 5u);
    CHECK(outcome.requests[0].body == "hello");
    CHECK_FALSE(outcome.requests[0].chunked);
  }

  TEST_CASE("a chunked body is de-chunked, extensions and trailers are dropped, the length is set") {
    const std::string input =
        "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n";
    for (std::size_t step : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{7}}) {
      CAPTURE(step);
      const auto outcome = parse_all(input, step);
      REQUIRE(outcome.requests.size() == 1);
      const auto& r = outcome.requests[0];
      CHECK(r.chunked);
      CHECK(r.body == "hello, world");
      CHECK(r.content_length == 12u);
      CHECK(r.headers.size() == 2);  // Host and Transfer-Encoding; the trailer is not a header
    }
  }

  TEST_CASE("pipelined requests come out in order at every split point, byte by byte too") {
    const std::string input =
        "GET /one HTTP/1.1\r\nHost: h\r\n\r\n"
        "POST /two?x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
        "PUT /three HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n"
        "HEAD /four HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
        "GET /ignored-after-close HTTP/1.1\r\nHost: h\r\n\r\n";
    const Outcome whole = parse_all(input);
    REQUIRE(whole.requests.size() == 4);
    CHECK(whole.requests[0].path == "/one");
    CHECK(whole.requests[1].body == "abc");
    CHECK(whole.requests[2].body == "xy");
    CHECK(whole.requests[3].method == "HEAD");
    CHECK_FALSE(whole.requests[3].keep_alive);
    for (std::size_t step = 1; step <= input.size(); ++step) {
      CAPTURE(step);
      const Outcome split = parse_all(input, step);
      CHECK_FALSE(split.rejected_status.has_value());
      CHECK(split.requests == whole.requests);
    }
  }

  TEST_CASE("bytes fed while a request is ready wait for next()") {
    RequestParser parser;
    REQUIRE(parser.feed("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HT") == ParseStatus::request_ready);
    CHECK(parser.buffered_bytes() == 9);
    CHECK(parser.feed("TP/1.1\r\nHost: h\r\n\r\n") == ParseStatus::request_ready);
    CHECK(parser.request().path == "/a");  // still the first one: its views are intact
    REQUIRE(parser.next() == ParseStatus::request_ready);
    CHECK(parser.request().path == "/b");
    CHECK(parser.next() == ParseStatus::need_more);
    CHECK(parser.buffered_bytes() == 0);
  }

  TEST_CASE("a large body spills to an unlinked temp file and the file is reused") {
    Limits limits;
    limits.body_in_memory = 16;
    const std::string big(1000, 'z');
    const std::string input = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n" + big +
                              "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" + big +
                              "\r\n0\r\n\r\nPOST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nsmol";
    for (std::size_t step : {std::size_t{0}, std::size_t{1}, std::size_t{100}}) {
      CAPTURE(step);
      const auto outcome = parse_all(input, step, limits);
      REQUIRE(outcome.requests.size() == 3);
      CHECK(outcome.requests[0].body_in_file);
      CHECK(outcome.requests[0].body == big);
      CHECK(outcome.requests[1].body_in_file);
      CHECK(outcome.requests[1].body == big);
      CHECK(outcome.requests[1].content_length == 1000u);
      CHECK_FALSE(outcome.requests[2].body_in_file);
      CHECK(outcome.requests[2].body == "smol");
    }
    RequestParser parser(limits);
    REQUIRE(parser.feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n" + big) ==
            ParseStatus::request_ready);
    const int fd = parser.request().body.fd;
    REQUIRE(fd >= 0);
    CHECK(parser.request().body.size == 1000u);
    CHECK(parser.request().body.memory.empty());
  }

  TEST_CASE("Expect 100-continue pauses after the head when a body is expected") {
    RequestParser parser;
    REQUIRE(parser.feed("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n") ==
            ParseStatus::continue_expected);
    CHECK(parser.request().expect_continue);
    CHECK(parser.request().content_length == 4u);
    CHECK(parser.request().path == "/");
    CHECK(parser.next() == ParseStatus::need_more);
    CHECK(parser.body_in_progress());
    CHECK(parser.feed("da") == ParseStatus::need_more);
    CHECK(parser.body_bytes() == 2u);
    REQUIRE(parser.feed("ta") == ParseStatus::request_ready);
    CHECK(parser.request().body.memory == "data");
    CHECK_FALSE(parser.body_in_progress());

    SUBCASE("the body may already be there, sent without waiting") {
      const auto outcome = parse_all(
          "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok"
          "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
      CHECK(outcome.continues == 1);
      REQUIRE(outcome.requests.size() == 2);
      CHECK(outcome.requests[0].body == "ok");
    }
    SUBCASE("no pause without a body, nor on HTTP/1.0") {
      auto outcome = parse_all("GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n");
      CHECK(outcome.continues == 0);
      CHECK(outcome.requests.size() == 1);
      outcome = parse_all("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx");
      CHECK(outcome.continues == 0);
      REQUIRE(outcome.requests.size() == 1);
      CHECK_FALSE(outcome.requests[0].expect_continue);
    }
  }

  TEST_CASE("the head-read and body probes for slowloris timeouts") {
    RequestParser parser;
    CHECK_FALSE(parser.head_in_progress());
    CHECK(parser.feed("GET / HT") == ParseStatus::need_more);
    CHECK(parser.head_in_progress());
    CHECK(parser.head_bytes() == 8u);
    CHECK(parser.feed("TP/1.1\r\nHost: h\r\n") == ParseStatus::need_more);
    CHECK(parser.head_bytes() == 25u);
    CHECK(parser.feed("\r\n") == ParseStatus::request_ready);
    CHECK_FALSE(parser.head_in_progress());
    CHECK(parser.next() == ParseStatus::need_more);
    CHECK_FALSE(parser.head_in_progress());
    CHECK(parser.finish() == ParseStatus::need_more);  // a clean close between requests
  }

  TEST_CASE("a connection closed mid-request is a 400") {
    RequestParser parser;
    CHECK(parser.feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\nabc") == ParseStatus::need_more);
    CHECK(parser.finish() == ParseStatus::rejected);
    CHECK(parser.rejection().status == 400);
    CHECK(parser.feed("more") == ParseStatus::rejected);
  }

  TEST_CASE("reset makes a used parser fresh") {
    RequestParser parser;
    CHECK(parser.feed("BOGUS\r\n\r\n") == ParseStatus::rejected);
    parser.reset();
    CHECK(parser.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n") == ParseStatus::request_ready);
  }
}
