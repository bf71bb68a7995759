// The operational parts of `deployctl serve` that need no running server: the metrics endpoint's routing, the
// handover through the environment (reload and systemd), counters kept in a memfd across a re-attach, the access
// line of a refused request, and the flags of the hostile-client limits in --print-config and [serve].
#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "cli_support.hpp"
#include "core/unique_fd.hpp"
#include "gateway/http/request_parser.hpp"
#include "gateway/server/access_log.hpp"
#include "gateway/server/handover.hpp"
#include "gateway/server/listeners.hpp"
#include "gateway/server/metrics_endpoint.hpp"
#include "gateway/server/shared_state.hpp"

namespace server = deployctl::gateway::server;
namespace http = deployctl::gateway::http;
using deployctl::testing::run_deployctl;
using deployctl::testing::TempDir;

namespace {

server::MetricsAnswer ask(std::string_view head) {
  return server::answer_metrics_request(head, [] { return std::string("deployctl_workers 1\n"); });
}

std::string access_line_of_refusal(std::string_view raw, const http::Limits& limits = {}) {
  http::RequestParser parser(limits);
  parser.feed(raw);
  const auto line = parser.partial_request_line();
  const std::string method = server::escape_for_log(line.method);
  const std::string target = server::escape_for_log(line.target);
  server::AccessRecord record;
  record.remote_addr = "127.0.0.1";
  record.method = method;
  record.target = target;
  record.http_minor = line.http_minor;
  record.status = parser.status() == http::ParseStatus::rejected ? parser.rejection().status : 408;
  std::string out;
  server::AccessLogFormat(R"("%(r)s" %(s)s %(H)s)").render(record, out);
  return out;
}

bool has_line(const std::string& out, const std::string& line) { return out.find(line + "\n") != std::string::npos; }

}  // namespace

TEST_SUITE("gateway_server ops metrics endpoint") {
  TEST_CASE("GET and HEAD /metrics are answered with the exposition") {
    const auto get = ask("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(get.status == 200);
    CHECK(get.bytes.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(get.bytes.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n") != std::string::npos);
    CHECK(get.bytes.ends_with("\r\n\r\ndeployctl_workers 1\n"));
    CHECK(ask("GET /metrics?x=1 HTTP/1.0\r\n\r\n").status == 200);
    CHECK(ask("GET /%6detrics HTTP/1.1\r\nHost: x\r\n\r\n").status == 200);  // the path as decoded
    const auto head = ask("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(head.status == 200);
    CHECK(head.bytes.find("Content-Length: 20\r\n") != std::string::npos);
    CHECK(head.bytes.ends_with("\r\n\r\n"));
  }

  TEST_CASE("other paths are 404, other methods 405") {
    CHECK(ask("GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == 404);
    CHECK(ask("GET /metricsx HTTP/1.1\r\nHost: x\r\n\r\n").status == 404);
    CHECK(ask("DELETE /other HTTP/1.1\r\nHost: x\r\n\r\n").status == 404);
    const auto head_elsewhere = ask("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(head_elsewhere.status == 404);
    CHECK(head_elsewhere.bytes.ends_with("\r\n\r\n"));
    const auto post = ask("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
    CHECK(post.status == 405);
    CHECK(post.bytes.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
    CHECK(post.bytes.find("Allow: GET, HEAD\r\n") != std::string::npos);
  }

  TEST_CASE("what the gateway's parser refuses is refused here too, with its status") {
    CHECK(ask("").status == 400);                        // nothing arrived before the deadline
    CHECK(ask("GET /metrics").status == 400);            // cut
    CHECK(ask("\x16\x03\x01\x02\x00\n").status == 400);  // TLS spoken to a plain port
    CHECK(ask("GET /metrics SPDY/3\r\n\r\n").status == 400);
    CHECK(ask("GET /metrics HTTP/1.1\r\n\r\n").status == 400);  // HTTP/1.1 without Host
    CHECK(ask("GET /metrics HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n").status == 400);
    CHECK(ask("GET /metrics HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n").status == 400);  // obs-fold
    std::string flood = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 60; ++i) flood += "X-" + std::to_string(i) + ": 1\r\n";
    const auto refused = ask(flood + "\r\n");
    CHECK(refused.status == 431);
    CHECK(refused.bytes.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    CHECK(ask("GET /" + std::string(2000, 'm') + " HTTP/1.1\r\nHost: x\r\n\r\n").status == 414);
    CHECK(ask("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 99999\r\n\r\n").status == 413);
  }

  TEST_CASE("a request arriving in pieces is decided once it is complete, not before") {
    server::MetricsRequest request;
    CHECK_FALSE(request.feed("GET /met"));
    CHECK_FALSE(request.feed("rics HTTP/1.1\r\nHo"));
    CHECK(request.answer([] { return std::string(); }).status == 400);  // the client stopped here
    CHECK(request.feed("st: x\r\n\r\n"));
    CHECK(request.answer([] { return std::string("up 1\n"); }).status == 200);
  }
}

TEST_SUITE("gateway_server ops handover") {
  TEST_CASE("a reload's handover survives the environment and is removed from it") {
    const int fds[2] = {::dup(0), ::dup(0)};
    server::Handover out;
    out.reload = true;
    out.listeners = {{fds[0], "127.0.0.1:0", false, {}}, {fds[1], "unix:/tmp/with\ttab.sock", true, {}}};
    out.metrics = {{fds[1], "127.0.0.1:9100", false, {}}};
    out.old_workers = {101, 202};
    out.shared_state_fd = fds[0];
    server::put_handover(out);
    const server::Handover in = server::take_handover();
    CHECK(in.reload);
    REQUIRE(in.listeners.size() == 2);
    CHECK(in.listeners[0].fd == fds[0]);
    CHECK(in.listeners[0].source == "127.0.0.1:0");
    CHECK_FALSE(in.listeners[0].owned_path);
    CHECK(in.listeners[1].source == "unix:/tmp/with\ttab.sock");
    CHECK(in.listeners[1].owned_path);
    REQUIRE(in.metrics.size() == 1);
    CHECK(in.metrics[0].source == "127.0.0.1:9100");
    CHECK(in.old_workers == std::vector<int>{101, 202});
    CHECK(in.shared_state_fd == fds[0]);
    CHECK(std::getenv("DEPLOYCTL_SERVE_LISTENERS") == nullptr);
    CHECK_FALSE(server::take_handover().reload);
    ::close(fds[0]);
    ::close(fds[1]);
  }

  TEST_CASE("systemd's sockets are taken only for LISTEN_PID, and the variables always go") {
    ::setenv("LISTEN_FDS", "2", 1);
    ::setenv("LISTEN_PID", std::to_string(::getpid()).c_str(), 1);
    ::setenv("LISTEN_FDNAMES", "web:metrics", 1);
    const server::Handover ours = server::take_handover();
    CHECK_FALSE(ours.reload);
    REQUIRE(ours.listeners.size() == 2);
    CHECK(ours.listeners[0].fd == 3);
    CHECK(ours.listeners[0].source == "systemd");
    CHECK(ours.listeners[0].name == "web");
    CHECK(ours.listeners[1].fd == 4);
    CHECK(ours.listeners[1].name == "metrics");
    CHECK(std::getenv("LISTEN_FDS") == nullptr);
    CHECK(std::getenv("LISTEN_PID") == nullptr);
    CHECK(std::getenv("LISTEN_FDNAMES") == nullptr);

    ::setenv("LISTEN_FDS", "1", 1);
    ::setenv("LISTEN_PID", "1", 1);
    CHECK(server::take_handover().listeners.empty());
    CHECK(std::getenv("LISTEN_FDS") == nullptr);
    ::setenv("LISTEN_FDS", "1", 1);  // no LISTEN_PID: not ours either, as sd_listen_fds has it
    CHECK(server::take_handover().listeners.empty());
  }

  TEST_CASE("counters in the memfd mapping are found again through its fd") {
    deployctl::UniqueFd fd;
    server::SharedState* first = server::attach_shared_state(fd);
    REQUIRE(first != nullptr);
    REQUIRE(fd);
    server::record_request(first->slots[3], 200, 100);
    server::record_rejection(first->slots[3], 408);
    first->worker_restarts = 4;
    deployctl::UniqueFd again_fd(::dup(fd.get()));
    server::SharedState* second = server::attach_shared_state(again_fd);
    REQUIRE(second != nullptr);
    CHECK(second != first);  // a second mapping of the same memory, as after a re-exec
    CHECK(second->slots[3].responses_by_class[2].load() == 1);
    CHECK(second->slots[3].responses_by_class[4].load() == 1);
    CHECK(second->worker_restarts.load() == 4);
    const std::string text = server::render_metrics(*second);
    CHECK(text.find("deployctl_requests_total{status_class=\"4xx\"} 1\n") != std::string::npos);
    CHECK(text.find("deployctl_request_duration_seconds_count 1\n") != std::string::npos);  // 408: no latency

    // An fd that does not hold our layout is replaced by a fresh mapping.
    int sockets[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, sockets) == 0);
    deployctl::UniqueFd other_end(sockets[1]);
    deployctl::UniqueFd foreign(sockets[0]);
    server::SharedState* fresh = server::attach_shared_state(foreign);
    REQUIRE(fresh != nullptr);
    struct stat status {};
    REQUIRE(::fstat(foreign.get(), &status) == 0);
    CHECK(S_ISREG(status.st_mode));  // a memfd now, not the socket (closed: its number may come back)
    CHECK(fresh->worker_restarts.load() == 0);
  }
}

TEST_SUITE("gateway_server ops unix socket files") {
  TEST_CASE("a stale socket file is replaced, a live one or a regular file is not") {
    TempDir project;
    const std::string path = project.path("app.sock");
    const auto address = server::parse_bind("unix:" + path);
    REQUIRE(address.has_value());

    std::ofstream(path) << "not a socket";
    auto on_file = server::open_listener(*address);
    REQUIRE_FALSE(on_file.has_value());
    CHECK(on_file.error().problem == server::ListenProblem::in_use);
    CHECK(on_file.error().message.find("is not a socket") != std::string::npos);
    CHECK(std::filesystem::is_regular_file(path));
    std::filesystem::remove(path);

    auto first = server::open_listener(*address, 0077);
    REQUIRE(first.has_value());
    CHECK(first->owned_path);
    CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::all) ==
          std::filesystem::perms::owner_all);
    auto live = server::open_listener(*address);
    REQUIRE_FALSE(live.has_value());
    CHECK(live.error().message.find("another server is listening on it") != std::string::npos);

    first->fd.reset();  // as a killed server leaves it: the file stays, nothing accepts
    REQUIRE(std::filesystem::is_socket(path));
    auto replaced = server::open_listener(*address);
    REQUIRE_MESSAGE(replaced.has_value(), replaced.error().message);
    server::close_listener(*replaced);
    CHECK_FALSE(std::filesystem::exists(path));
  }
}

TEST_SUITE("gateway_server ops refused requests") {
  TEST_CASE("the access line carries the request line as far as it arrived") {
    CHECK(access_line_of_refusal("GET /bad HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n") ==
          "\"GET /bad HTTP/1.1\" 400 HTTP/1.1\n");
    CHECK(access_line_of_refusal("GET /slow") == "\"GET /slow\" 408 -\n");
    CHECK(access_line_of_refusal("POST /up HTTP/1.0\r\nContent-Length: 9\r\n\r\nabc") ==
          "\"POST /up HTTP/1.0\" 408 HTTP/1.0\n");
    CHECK(access_line_of_refusal("\x16\x03\x01\x02\x00") == "\"-\" 400 -\n");
    CHECK(access_line_of_refusal("") == "\"-\" 408 -\n");
    http::Limits few;
    few.header_count = 1;
    CHECK(access_line_of_refusal("GET /many HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\r\n", few) ==
          "\"GET /many HTTP/1.1\" 431 HTTP/1.1\n");
  }

  TEST_CASE("bytes no parser validated are escaped") {
    CHECK(server::escape_for_log("/a b") == "/a b");
    CHECK(server::escape_for_log("/\x1b[31m\"\\\n\xff") == "/\\x1B[31m\\x22\\x5C\\x0A\\xFF");
  }
}

TEST_SUITE("gateway_server ops flags") {
  TEST_CASE("--min-body-rate and --worker-connections in --print-config, from flags and [serve]") {
    TempDir project;
    const auto defaults = run_deployctl({"serve", "app:application", "--chdir", project.path(), "--print-config"});
    REQUIRE_MESSAGE(defaults.exit_code == 0, defaults.err);
    CHECK(has_line(defaults.out, "min-body-rate = 1024"));
    CHECK(has_line(defaults.out, "worker-connections = 1000"));

    std::ofstream(project.path("deployctl.toml")) << "[serve]\nmin-body-rate = 512\nworker-connections = 50\n";
    const auto configured = run_deployctl({"serve", "app:application", "--chdir", project.path(), "--print-config"});
    REQUIRE_MESSAGE(configured.exit_code == 0, configured.err);
    CHECK(has_line(configured.out, "min-body-rate = 512"));
    CHECK(has_line(configured.out, "worker-connections = 50"));

    const auto flagged = run_deployctl({"serve", "app:application", "--chdir", project.path(), "--min-body-rate", "0",
                                        "--worker-connections", "2", "--print-config"});
    REQUIRE_MESSAGE(flagged.exit_code == 0, flagged.err);
    CHECK(has_line(flagged.out, "min-body-rate = 0"));
    CHECK(has_line(flagged.out, "worker-connections = 2"));
  }

  TEST_CASE("a connection cap below 1 or a negative rate is refused naming the flag") {
    TempDir project;
    deployctl::testing::expect_failure(
        {"serve", "a:b", "--chdir", project.path(), "--worker-connections", "0", "--print-config"},
        "--worker-connections");
    deployctl::testing::expect_failure(
        {"serve", "a:b", "--chdir", project.path(), "--min-body-rate", "-1", "--print-config"}, "--min-body-rate");
  }
}
