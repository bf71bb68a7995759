// --threads N without a server: the pool runs jobs concurrently and hands them back through its eventfd, stops
// cleanly, and the in-flight board publishes the oldest request to the worker's slot for --timeout.
#include <doctest/doctest.h>

#include <poll.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gateway/server/in_flight.hpp"
#include "gateway/server/shared_state.hpp"
#include "gateway/server/thread_pool.hpp"

namespace server = deployctl::gateway::server;
namespace http = deployctl::gateway::http;

namespace {

// Plain std::threads for the pool, joined when the test ends.
struct TestThreads {
  std::vector<std::thread> threads;
  std::vector<std::string> names;
  server::ThreadPool::ThreadStarter starter() {
    return [this](const std::string& name, std::function<void()> body) -> deployctl::Result<void> {
      names.push_back(name);
      threads.emplace_back(std::move(body));
      return {};
    };
  }
  ~TestThreads() {
    for (std::thread& thread : threads) thread.join();
  }
};

// Blocks each job until `expected` jobs are inside run() at once (or a second passes), recording who met whom.
struct Rendezvous {
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t inside = 0;
  std::size_t expected = 0;
  bool release = false;
};

struct MeetingJob final : server::PoolJob {
  Rendezvous* rendezvous = nullptr;
  bool met_everyone = false;
  std::size_t thread = 99;
  std::thread::id ran_on;
  void run(std::size_t index) override {
    thread = index;
    ran_on = std::this_thread::get_id();
    std::unique_lock lock(rendezvous->mutex);
    ++rendezvous->inside;
    rendezvous->changed.notify_all();
    met_everyone = rendezvous->changed.wait_for(lock, std::chrono::seconds(1),
                                                [this] { return rendezvous->inside >= rendezvous->expected; });
    rendezvous->changed.wait_for(lock, std::chrono::seconds(5), [this] { return rendezvous->release; });
  }
};

struct CountingJob final : server::PoolJob {
  std::size_t runs = 0;
  void run(std::size_t) override { ++runs; }
};

bool readable(int fd, int wait_ms) {
  pollfd entry{fd, POLLIN, 0};
  return ::poll(&entry, 1, wait_ms) == 1 && (entry.revents & POLLIN) != 0;
}

// Waits for the eventfd and collects finished jobs until `count` came back (or 5 s passed).
std::vector<server::PoolJob*> collect(server::ThreadPool& pool, std::size_t count) {
  std::vector<server::PoolJob*> done;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (done.size() < count && std::chrono::steady_clock::now() < deadline) {
    if (readable(pool.ready_fd(), 100)) pool.take_finished(done);
  }
  return done;
}

http::Request request(std::string_view method, std::string_view target, int http_minor = 1) {
  http::Request made;
  made.method = method;
  made.target = target;
  made.http_minor = http_minor;
  return made;
}

}  // namespace

TEST_SUITE("gateway_server threads pool") {
  TEST_CASE("jobs run at the same time on distinct named threads and come back through the eventfd") {
    TestThreads threads;
    auto made = server::ThreadPool::create();
    REQUIRE(made);
    server::ThreadPool& pool = **made;
    REQUIRE(pool.start(4, "deployctl-thread", threads.starter()).has_value());
    CHECK(pool.size() == 4);
    CHECK(threads.names == std::vector<std::string>{"deployctl-thread-1", "deployctl-thread-2", "deployctl-thread-3",
                                                    "deployctl-thread-4"});
    CHECK_FALSE(readable(pool.ready_fd(), 0));

    Rendezvous rendezvous;
    rendezvous.expected = 4;
    std::vector<MeetingJob> jobs(4);
    for (MeetingJob& job : jobs) {
      job.rendezvous = &rendezvous;
      pool.submit(job);
    }
    {
      std::unique_lock lock(rendezvous.mutex);
      rendezvous.changed.wait_for(lock, std::chrono::seconds(5), [&] { return rendezvous.inside == 4; });
      CHECK(rendezvous.inside == 4);              // four jobs inside run() together: none waited for another to finish
      CHECK_FALSE(readable(pool.ready_fd(), 0));  // nothing finished yet
      rendezvous.release = true;
      rendezvous.changed.notify_all();
    }
    const std::vector<server::PoolJob*> done = collect(pool, 4);
    REQUIRE(done.size() == 4);
    std::set<server::PoolJob*> returned(done.begin(), done.end());
    std::set<std::size_t> indexes;
    std::set<std::thread::id> ids;
    for (MeetingJob& job : jobs) {
      CHECK(returned.count(&job) == 1);
      CHECK(job.met_everyone);
      indexes.insert(job.thread);
      ids.insert(job.ran_on);
    }
    CHECK(indexes == std::set<std::size_t>{0, 1, 2, 3});
    CHECK(ids.size() == 4);
    CHECK(ids.count(std::this_thread::get_id()) == 0);
    CHECK_FALSE(readable(pool.ready_fd(), 0));  // taken: the eventfd is reset
    CHECK(pool.stop(2000));
  }

  TEST_CASE("more jobs than threads all run, and each comes back exactly once") {
    TestThreads threads;
    auto made = server::ThreadPool::create();
    REQUIRE(made);
    server::ThreadPool& pool = **made;
    REQUIRE(pool.start(2, "t", threads.starter()).has_value());
    std::vector<CountingJob> jobs(50);
    for (CountingJob& job : jobs) pool.submit(job);
    const std::vector<server::PoolJob*> done = collect(pool, jobs.size());
    CHECK(done.size() == jobs.size());
    CHECK(std::set<server::PoolJob*>(done.begin(), done.end()).size() == jobs.size());
    for (const CountingJob& job : jobs) CHECK(job.runs == 1);
    CHECK(pool.stop(2000));
  }

  TEST_CASE("stop runs what is queued first, and reports a thread still busy") {
    TestThreads threads;
    auto made = server::ThreadPool::create();
    REQUIRE(made);
    server::ThreadPool& pool = **made;
    REQUIRE(pool.start(1, "t", threads.starter()).has_value());
    Rendezvous rendezvous;
    rendezvous.expected = 1;
    MeetingJob busy;
    busy.rendezvous = &rendezvous;
    CountingJob queued;
    pool.submit(busy);
    pool.submit(queued);
    {
      std::unique_lock lock(rendezvous.mutex);
      rendezvous.changed.wait_for(lock, std::chrono::seconds(5), [&] { return rendezvous.inside == 1; });
    }
    CHECK_FALSE(pool.stop(50));  // the one thread is still inside a job
    {
      const std::lock_guard lock(rendezvous.mutex);
      rendezvous.release = true;
    }
    rendezvous.changed.notify_all();
    CHECK(pool.stop(5000));
    CHECK(queued.runs == 1);  // queued before stop(): still run
    CHECK(collect(pool, 2).size() == 2);
  }

  TEST_CASE("a thread that cannot be started is an error") {
    auto made = server::ThreadPool::create();
    REQUIRE(made);
    server::ThreadPool& pool = **made;
    int calls = 0;
    const auto refusing = [&](const std::string&, std::function<void()>) -> deployctl::Result<void> {
      ++calls;
      return deployctl::fail("no threads today");
    };
    const auto started = pool.start(3, "t", refusing);
    REQUIRE_FALSE(started.has_value());
    CHECK(started.error().message == "no threads today");
    CHECK(calls == 1);
    CHECK(pool.size() == 0);
    CHECK(pool.stop(0));  // nothing is running
  }
}

TEST_SUITE("gateway_server threads in-flight board") {
  TEST_CASE("the slot shows the oldest request's start, the count, and every line oldest first") {
    server::WorkerSlot slot;
    slot.requests_in_flight.store(7);  // left by an earlier worker in this slot
    server::InFlightBoard board(slot, 3);
    CHECK(slot.requests_in_flight.load() == 0);

    board.begin(2, 5000, request("GET", "/late"));
    CHECK(slot.request_started_ms.load() == 5000);
    CHECK(std::string(slot.request_line) == "GET /late HTTP/1.1");
    board.begin(0, 4000, request("POST", "/early?x=1", 0));
    CHECK(slot.request_started_ms.load() == 4000);
    CHECK(slot.requests_in_flight.load() == 2);
    CHECK(std::string(slot.request_line) == "POST /early?x=1 HTTP/1.0 | GET /late HTTP/1.1");

    board.end(0);
    CHECK(slot.request_started_ms.load() == 5000);
    CHECK(slot.requests_in_flight.load() == 1);
    CHECK(std::string(slot.request_line) == "GET /late HTTP/1.1");
    board.end(2);
    CHECK(slot.request_started_ms.load() == 0);
    CHECK(slot.requests_in_flight.load() == 0);
  }

  TEST_CASE("long targets are cut so that every request keeps its place in the line") {
    server::WorkerSlot slot;
    server::InFlightBoard board(slot, 4);
    const std::string long_target = "/" + std::string(400, 'a');
    for (std::size_t thread = 0; thread < 4; ++thread)
      board.begin(thread, static_cast<std::int64_t>(1000 + thread), request("GET", long_target));
    const std::string line(slot.request_line);
    CHECK(line.size() < sizeof slot.request_line);
    std::size_t count = 0;
    for (std::size_t at = line.find("HTTP/1.1"); at != std::string::npos; at = line.find("HTTP/1.1", at + 1)) ++count;
    CHECK(count == 4);
    CHECK(line.rfind("GET /aaa", 0) == 0);
  }

  TEST_CASE("publish_request_line writes a single-threaded worker's request, the target cut at 200 bytes") {
    server::WorkerSlot slot;
    server::publish_request_line(slot, "POST", "/upload?id=7", 0);
    CHECK(std::string(slot.request_line) == "POST /upload?id=7 HTTP/1.0");
    server::publish_request_line(slot, "GET", "/", 1);
    CHECK(std::string(slot.request_line) == "GET / HTTP/1.1");  // nothing left of the longer line before
    const std::string long_target = "/" + std::string(400, 'b');
    server::publish_request_line(slot, "GET", long_target, 1);
    CHECK(std::string(slot.request_line) == "GET " + long_target.substr(0, 200) + " HTTP/1.1");
    const std::string long_method(300, 'M');  // the parser caps it far lower; the slot must hold anyway
    server::publish_request_line(slot, long_method, "/", 1);
    const std::string line(slot.request_line);
    CHECK(line.size() == sizeof slot.request_line - 1);
    CHECK(line.ends_with(" HTTP/1.1"));
  }

  TEST_CASE("request_line_text cuts only the target") {
    CHECK(server::request_line_text("GET", "/abcdef", 1, 3) == "GET /ab HTTP/1.1");
    CHECK(server::request_line_text("HEAD", "/", 0, 100) == "HEAD / HTTP/1.0");
  }
}
