// The server's small parts: --bind parsing, access-log rendering, trusted-proxy matching, metrics text.
#include <doctest/doctest.h>

#include "gateway/server/access_log.hpp"
#include "gateway/server/forwarded.hpp"
#include "gateway/server/listeners.hpp"
#include "gateway/server/shared_state.hpp"

namespace server = deployctl::gateway::server;
using deployctl::gateway::http::Header;

TEST_SUITE("gateway_server bind") {
  TEST_CASE("host and port forms") {
    auto v4 = server::parse_bind("127.0.0.1:8000");
    REQUIRE(v4.has_value());
    CHECK(v4->host == "127.0.0.1");
    CHECK(v4->port == 8000);
    auto v6 = server::parse_bind("[::1]:9000");
    REQUIRE(v6.has_value());
    CHECK(v6->host == "::1");
    CHECK(v6->port == 9000);
    auto bare = server::parse_bind("localhost");
    REQUIRE(bare.has_value());
    CHECK(bare->port == 8000);
    auto any = server::parse_bind(":0");
    REQUIRE(any.has_value());
    CHECK(any->host == "0.0.0.0");
    CHECK(any->port == 0);
  }

  TEST_CASE("unix and fd forms") {
    auto local = server::parse_bind("unix:/run/app.sock");
    REQUIRE(local.has_value());
    CHECK(local->kind == server::BindAddress::Kind::unix_socket);
    CHECK(local->path == "/run/app.sock");
    auto fd = server::parse_bind("fd://3");
    REQUIRE(fd.has_value());
    CHECK(fd->kind == server::BindAddress::Kind::inherited_fd);
    CHECK(fd->fd == 3);
  }

  TEST_CASE("bad addresses are refused with the expected forms named") {
    for (const char* bad : {"127.0.0.1:http", "127.0.0.1:70000", "::1:80", "[::1", "unix:", "fd://x"}) {
      auto parsed = server::parse_bind(bad);
      CHECK_MESSAGE(!parsed.has_value(), bad);
      if (!parsed) CHECK(parsed.error().message.find("HOST:PORT") != std::string::npos);
    }
  }

  TEST_CASE("port 0 binds a free port and the listener names it") {
    auto address = server::parse_bind("127.0.0.1:0");
    REQUIRE(address.has_value());
    auto listener = server::open_listener(*address);
    REQUIRE(listener.has_value());
    CHECK(listener->url.starts_with("http://127.0.0.1:"));
    CHECK(listener->server_port != "0");
    // The same port again is in use: a distinct problem.
    auto again = server::parse_bind("127.0.0.1:" + listener->server_port);
    auto second = server::open_listener(*again);
    REQUIRE(!second.has_value());
    CHECK(second.error().problem == server::ListenProblem::in_use);
  }
}

TEST_SUITE("gateway_server access log") {
  server::AccessRecord record() {
    static const Header headers[] = {{"Referer", "http://r/"}, {"User-Agent", "curl/8"}, {"X-Id", "42"}};
    server::AccessRecord r;
    r.remote_addr = "192.0.2.1";
    r.method = "GET";
    r.target = "/p?q=1";
    r.path = "/p";
    r.query = "q=1";
    r.status = 200;
    r.bytes = 1234;
    r.headers = headers;
    r.start = std::chrono::system_clock::from_time_t(1795471200);  // 2026-11-23 22:00:00 UTC
    r.duration_us = 1500;
    return r;
  }

  TEST_CASE("gunicorn's default format") {
    std::string line;
    server::AccessLogFormat().render(record(), line);
    CHECK(line ==
          "192.0.2.1 - - [23/Nov/2026:22:00:00 +0000] \"GET /p?q=1 HTTP/1.1\" 200 1234 \"http://r/\" "
          "\"curl/8\"\n");
  }

  TEST_CASE("timing atoms, header atoms and literal percent signs") {
    std::string line;
    server::AccessLogFormat("%(D)s %(M)s %(L)s %(T)s %(m)s %(U)s %(q)s %(H)s %(B)s %({x-id}i)s %({missing}i)s 100%%")
        .render(record(), line);
    CHECK(line == "1500 1 0.001500 0 GET /p q=1 HTTP/1.1 1234 42 - 100%\n");
  }

  TEST_CASE("an empty body is '-' for %(b)s and 0 for %(B)s") {
    auto r = record();
    r.bytes = 0;
    std::string line;
    server::AccessLogFormat("%(b)s %(B)s").render(r, line);
    CHECK(line == "- 0\n");
  }

  TEST_CASE("JSON lines escape what is not printable ASCII") {
    auto r = record();
    r.path = "/\xe9\"";
    std::string line;
    server::AccessLogFormat({}, true).render(r, line);
    CHECK(line.starts_with("{\"remote_addr\":\"192.0.2.1\""));
    CHECK(line.find("\"path\":\"/\\u00e9\\\"\"") != std::string::npos);
    CHECK(line.find("\"duration_us\":1500") != std::string::npos);
    CHECK(line.ends_with("}\n"));
  }
}

TEST_SUITE("gateway_server forwarded") {
  TEST_CASE("the default list trusts loopback only") {
    auto trust = server::ForwardedTrust::parse("127.0.0.1,::1");
    REQUIRE(trust.has_value());
    CHECK(trust->trusts("127.0.0.1"));
    CHECK(trust->trusts("::1"));
    CHECK(trust->trusts("::ffff:127.0.0.1"));
    CHECK_FALSE(trust->trusts("127.0.0.2"));
    CHECK_FALSE(trust->trusts("192.0.2.1"));
    CHECK_FALSE(trust->trusts("not an address"));
  }

  TEST_CASE("networks and the wildcard") {
    auto trust = server::ForwardedTrust::parse("10.0.0.0/8, fd00::/8");
    REQUIRE(trust.has_value());
    CHECK(trust->trusts("10.200.3.4"));
    CHECK(trust->trusts("fd12::1"));
    CHECK_FALSE(trust->trusts("11.0.0.1"));
    auto all = server::ForwardedTrust::parse("*");
    REQUIRE(all.has_value());
    CHECK(all->trusts("198.51.100.1"));
    CHECK_FALSE(server::ForwardedTrust::parse("10.0.0.0/33").has_value());
    CHECK_FALSE(server::ForwardedTrust::parse("example.com").has_value());
  }

  TEST_CASE("the client is the first untrusted hop from the right") {
    auto trust = server::ForwardedTrust::parse("127.0.0.1,10.0.0.0/8");
    REQUIRE(trust.has_value());
    const Header xff[] = {{"X-Forwarded-For", "198.51.100.1, 203.0.113.5, 10.0.0.2"}, {"X-Forwarded-Proto", "https"}};
    const auto client = server::forwarded_client(xff, *trust);
    CHECK(client.remote_addr == "203.0.113.5");
    CHECK(client.https);
    const Header forwarded[] = {{"Forwarded", "for=\"[2001:db8::1]:4711\";proto=https"}};
    const auto v6 = server::forwarded_client(forwarded, *trust);
    CHECK(v6.remote_addr == "2001:db8::1");
    CHECK(v6.https);
  }

  TEST_CASE("the scheme headers must agree: contradictory ones are flagged, as gunicorn answers 400") {
    auto trust = server::ForwardedTrust::parse("127.0.0.1,10.0.0.0/8");
    REQUIRE(trust.has_value());
    const auto scheme_of = [&](std::initializer_list<Header> headers) {
      return server::forwarded_client(std::span<const Header>(headers.begin(), headers.size()), *trust);
    };
    const auto agreed = scheme_of({{"X-Forwarded-Proto", "https"},
                                   {"X-Forwarded-Ssl", "on"},
                                   {"X-Forwarded-Protocol", "ssl"},
                                   {"Forwarded", "for=192.0.2.1;proto=https"}});
    CHECK(agreed.https);
    CHECK_FALSE(agreed.contradictory_scheme);
    CHECK_FALSE(scheme_of({{"X-Forwarded-Ssl", "off"}}).https);
    CHECK(scheme_of({{"X-Forwarded-Ssl", "on"}}).https);
    for (const auto& contradiction :
         {std::vector<Header>{{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Ssl", "off"}},
          std::vector<Header>{{"X-Forwarded-Proto", "http"}, {"X-Forwarded-Ssl", "on"}},
          std::vector<Header>{{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Proto", "http"}},
          std::vector<Header>{{"X-Forwarded-Proto", "https, http"}},
          std::vector<Header>{{"Forwarded", "for=192.0.2.1;proto=http"}, {"X-Forwarded-Proto", "https"}},
          std::vector<Header>{{"X-Forwarded-Protocol", "ssl"}, {"X-Forwarded-Proto", "http"}}}) {
      const auto client = server::forwarded_client(contradiction, *trust);
      CHECK(client.contradictory_scheme);
      CHECK_FALSE(client.https);
    }
    // Forwarded: the scheme of the element that names the client, not of a proxy nearer to us.
    const auto chained = scheme_of({{"Forwarded", "for=192.0.2.1;proto=https, for=10.0.0.5;proto=http"}});
    CHECK(chained.remote_addr == "192.0.2.1");
    CHECK(chained.https);
    CHECK_FALSE(chained.contradictory_scheme);
  }
}

TEST_SUITE("gateway_server metrics") {
  TEST_CASE("counters of every slot are summed into the Prometheus text") {
    server::SharedState* state = server::create_shared_state();
    REQUIRE(state != nullptr);
    server::record_request(state->slots[0], 200, 500);
    server::record_request(state->slots[1], 404, 3000000);
    server::record_request(state->slots[1], 503, 20000000);
    state->worker_restarts = 2;
    const std::string text = server::render_metrics(*state);
    CHECK(text.find("deployctl_requests_total{status_class=\"2xx\"} 1\n") != std::string::npos);
    CHECK(text.find("deployctl_requests_total{status_class=\"4xx\"} 1\n") != std::string::npos);
    CHECK(text.find("deployctl_requests_total{status_class=\"5xx\"} 1\n") != std::string::npos);
    CHECK(text.find("deployctl_request_duration_seconds_bucket{le=\"0.001\"} 1\n") != std::string::npos);
    CHECK(text.find("deployctl_request_duration_seconds_bucket{le=\"10\"} 2\n") != std::string::npos);
    CHECK(text.find("deployctl_request_duration_seconds_bucket{le=\"+Inf\"} 3\n") != std::string::npos);
    CHECK(text.find("deployctl_request_duration_seconds_count 3\n") != std::string::npos);
    CHECK(text.find("deployctl_worker_restarts_total 2\n") != std::string::npos);
  }
}
