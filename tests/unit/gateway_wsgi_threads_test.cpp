// --threads N inside one process: the app runs on named Python threads started by the pool, each with its own
// WsgiApp sibling, all inside the app at once (the GIL is taken per request by each thread for itself), with
// wsgi.multithread True.
#include <doctest/doctest.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gateway/server/in_process.hpp"
#include "gateway/server/thread_pool.hpp"
#include "gateway/wsgi/wsgi_app.hpp"
#include "python/errors.hpp"
#include "python/gil.hpp"
#include "python/interpreter.hpp"
#include "python/thread.hpp"
#include "temp_dir.hpp"

namespace server = deployctl::gateway::server;
namespace wsgi = deployctl::gateway::wsgi;
namespace python = deployctl::python;

namespace {

// Each request waits at a barrier for the other two: only three requests inside the app at once get past it.
constexpr const char* meeting_app = R"(
import threading
barrier = threading.Barrier(3, timeout=5)

def application(environ, start_response):
    barrier.wait()
    thread = threading.current_thread()
    body = "%s %s %s" % (thread.name, type(thread).__name__, environ["wsgi.multithread"])
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode()]
)";

struct Answer final : server::PoolJob {
  std::vector<server::InProcessServer>* servers = nullptr;  // one per thread
  std::string response;
  void run(std::size_t thread) override {
    const server::Peer peer{"192.0.2.7", "5555", false, false, "127.0.0.1", "8000"};
    response = server::respond_in_process((*servers)[thread], "GET / HTTP/1.1\r\nHost: t\r\n\r\n", peer);
  }
};

std::string body_after_head(const std::string& response) {
  const std::size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

}  // namespace

TEST_SUITE("gateway_wsgi threads") {
  TEST_CASE("three Python threads with their own app handles are inside the app at once") {
    REQUIRE(python::start_for_serving().has_value());
    const deployctl::testing::TempDir dir;
    const std::string module = "threads_test_app_" + std::to_string(::getpid());
    dir.write(module + ".py", meeting_app);
    wsgi::LoadOptions options{dir.root(), {}, {}, false};
    options.multithread = true;
    auto loaded = wsgi::WsgiApp::load({module, "application"}, options);
    REQUIRE_MESSAGE(loaded.has_value(), (loaded ? "" : loaded.error().message));
    std::unique_ptr<wsgi::WsgiApp> app = std::move(*loaded);
    std::vector<std::unique_ptr<wsgi::WsgiApp>> siblings;
    for (int i = 0; i < 2; ++i) {
      siblings.push_back(app->sibling());
      REQUIRE(siblings.back() != nullptr);
    }
    auto trust = server::ForwardedTrust::parse("127.0.0.1");
    REQUIRE(trust.has_value());
    // Each pool thread runs its own in-process connection, taking the GIL per request, as in a worker.
    std::vector<server::InProcessServer> servers;
    for (wsgi::WsgiApp* each : {app.get(), siblings[0].get(), siblings[1].get()})
      servers.push_back({each, nullptr, *trust, {}});

    auto made = server::ThreadPool::create();
    REQUIRE(made);
    server::ThreadPool& pool = **made;
    REQUIRE(pool.start(3, "t", python::start_python_thread).has_value());
    std::vector<Answer> jobs(3);
    std::vector<server::PoolJob*> done;
    python::release_gil();  // the threads need it; this thread waits like a worker's event loop
    for (Answer& job : jobs) {
      job.servers = &servers;
      pool.submit(job);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (done.size() < jobs.size() && std::chrono::steady_clock::now() < deadline) {
      pollfd entry{pool.ready_fd(), POLLIN, 0};
      if (::poll(&entry, 1, 100) == 1) pool.take_finished(done);
    }
    const bool stopped = pool.stop(5000);
    python::acquire_gil();
    CHECK(stopped);
    REQUIRE(done.size() == jobs.size());
    std::set<std::string> bodies;
    for (const Answer& job : jobs) {
      CHECK_MESSAGE(job.response.rfind("HTTP/1.1 200 ", 0) == 0, job.response);
      bodies.insert(body_after_head(job.response));
    }
    // Distinct named threading.Thread objects (not the main thread, not dummies), each seeing multithread True.
    CHECK(bodies == std::set<std::string>{"t-1 Thread True", "t-2 Thread True", "t-3 Thread True"});
  }
}
