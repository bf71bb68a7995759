// DEPLOYCTL_ASSERT stays on in the builds the Makefile makes (RelWithDebInfo defines NDEBUG) and reports where.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include "core/assert.hpp"

namespace {

// Runs `body` in a child with stderr on a pipe; returns what it wrote and how it ended.
template <typename Body>
std::string stderr_of_child(Body body, int& wait_status) {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::signal(SIGABRT, SIG_DFL);  // doctest's crash handler would report the abort as this test's failure
    ::dup2(pipe_fds[1], 2);
    ::close(pipe_fds[0]);
    body();
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string text;
  char buffer[512];
  ssize_t got = 0;
  while ((got = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(got));
  ::close(pipe_fds[0]);
  ::waitpid(child, &wait_status, 0);
  return text;
}

}  // namespace

TEST_SUITE("core") {
  TEST_CASE("a broken invariant aborts and names the place, in this build type too") {
#if !defined(DEPLOYCTL_ASSERTIONS)
    FAIL("the unit tests are built without DEPLOYCTL_ASSERTIONS: the CI build would not check invariants");
#endif
    int status = 0;
    const int answer = 41;
    const std::string text = stderr_of_child([&] { DEPLOYCTL_ASSERT(answer == 42, "the answer is 42"); }, status);
    CHECK(WIFSIGNALED(status));
    if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == SIGABRT);
    CHECK(text.find("deployctl: internal error") == 0);
    CHECK(text.find("core_assert_test.cpp:") != std::string::npos);
    CHECK(text.find("the answer is 42 (answer == 42)") != std::string::npos);
  }

  TEST_CASE("a holding invariant costs nothing visible") {
    int status = 0;
    const std::string text = stderr_of_child([] { DEPLOYCTL_ASSERT(1 + 1 == 2, "arithmetic"); }, status);
    CHECK(WIFEXITED(status));
    CHECK(text.empty());
  }
}
