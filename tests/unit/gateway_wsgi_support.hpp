// Helpers of the gateway_wsgi_* and gateway_server_* tests: load a WSGI app from Python source written to a temp
// dir (through the real import path) and run raw HTTP bytes through it in-process, through the worker's own
// connection code (server/in_process.hpp).
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "gateway/server/in_process.hpp"
#include "gateway/wsgi/wsgi_app.hpp"
#include "python/errors.hpp"
#include "python/gil.hpp"
#include "python/interpreter.hpp"
#include "temp_dir.hpp"

namespace deployctl::testing {

class WsgiFixture {
 public:
  // `source` defines `application` (or `callable`).
  explicit WsgiFixture(const std::string& source, const std::string& callable = "application") {
    REQUIRE(python::start_for_serving().has_value());
    static std::atomic<int> counter{0};
    module_ = "wsgi_test_app_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    dir_.write(module_ + ".py", source);
    auto loaded = gateway::wsgi::WsgiApp::load({module_, callable}, {dir_.root(), {}, {}, false});
    if (!loaded) FAIL("cannot load the test app: " << loaded.error().message);
    app_ = std::move(*loaded);
    auto trust = gateway::server::ForwardedTrust::parse("127.0.0.1,::1");
    REQUIRE(trust.has_value());
    server_.app = app_.get();
    server_.trust = *trust;
  }
  WsgiFixture(const WsgiFixture&) = delete;
  WsgiFixture& operator=(const WsgiFixture&) = delete;

  // The serialized response(s) to `raw` request bytes, from peer 192.0.2.7:5555 on 127.0.0.1:8000.
  std::string respond(std::string_view raw, std::string_view peer_address = "192.0.2.7") {
    // As the worker decides once per connection: --forwarded-allow-ips is 127.0.0.1,::1 here.
    const bool trusted = peer_address == "127.0.0.1" || peer_address == "::1";
    const gateway::server::Peer peer{peer_address, "5555", false, trusted, "127.0.0.1", "8000"};
    return gateway::server::respond_in_process(server_, raw, peer);
  }
  std::string get(const std::string& target) { return respond("GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n"); }

  const std::filesystem::path& dir() const { return dir_.root(); }

 private:
  TempDir dir_;  // declared first, so removed last: after the app that imported from it
  std::string module_;
  std::unique_ptr<gateway::wsgi::WsgiApp> app_;
  gateway::server::InProcessServer server_;
};

// The body of a response (after the blank line).
inline std::string body_of(const std::string& response) {
  const std::size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}
inline std::string head_of(const std::string& response) { return response.substr(0, response.find("\r\n\r\n") + 2); }

}  // namespace deployctl::testing
