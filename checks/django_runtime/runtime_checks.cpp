// The --django child: fork, start (or adopt) the embedded interpreter there, run the script, answer through a
// pipe. The parent only reads the answer, with a timeout, so nothing the project's code does reaches it.
#define PY_SSIZE_T_CLEAN
#include <Python.h>  // first, as CPython requires

#include "checks/django_runtime/runtime_checks.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "checks/django_runtime/runtime_script.hpp"
#include "checks/findings/secret_text.hpp"
#include "python/interpreter.hpp"

extern char** environ;

namespace deployctl::checks::django_runtime {

namespace {

// Values that must never come back in a message: the analysis environment's (they may be secrets read from an
// env file), and the process environment's under secret-like names or long enough to be tokens.
std::vector<std::string> hidden_values(const settings::Environment& environment) {
  std::vector<std::string> hidden;
  for (const auto& [name, value] : environment.variables)
    if (value.size() >= 4 || is_secret_name(name)) hidden.push_back(value);
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string_view text(*entry);
    const std::size_t equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view name = text.substr(0, equals);
    const std::string_view value = text.substr(equals + 1);
    if (name == "PATH" || name == "PWD" || name == "HOME" || name == "PYTHONPATH" || name == "VIRTUAL_ENV") continue;
    if ((is_secret_name(name) && value.size() >= 3) || value.size() >= 16) hidden.emplace_back(value);
  }
  return hidden;
}

// Runs in the child; never returns.
[[noreturn]] void run_child(const RuntimeRequest& request, int answer_fd) {
  const int null_fd = ::open("/dev/null", O_RDWR);
  if (null_fd >= 0) {
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(null_fd, STDOUT_FILENO);
    ::dup2(null_fd, STDERR_FILENO);
  }
  nlohmann::json message = {{"fd", answer_fd},
                            {"project_dir", request.project_dir.string()},
                            {"settings_module", request.settings_module},
                            {"environment", request.environment.variables},
                            {"hide", hidden_values(request.environment)}};
  try {
    if (Py_IsInitialized()) PyOS_AfterFork_Child();
    value_or_throw(::deployctl::python::ensure_full_interpreter());
    PyObject* globals = PyDict_New();
    if (globals == nullptr) ::_exit(3);
    PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
    PyObject* text =
        PyUnicode_FromString(message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    if (text == nullptr) ::_exit(3);
    PyDict_SetItemString(globals, "_deployctl_request", text);
    const std::string script(runtime_script);
    PyObject* result = PyRun_String(script.c_str(), Py_file_input, globals, globals);
    ::_exit(result == nullptr ? 4 : 0);
  } catch (...) {
    ::_exit(5);
  }
}

// Everything the child writes, until it closes the pipe or the deadline passes.
Result<std::string> read_answer(int fd, int timeout_seconds) {
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  char buffer[65536];
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return fail("Django's checks did not finish within " + std::to_string(timeout_seconds) + " seconds");
    pollfd waiting{fd, POLLIN, 0};
    const int ready = ::poll(&waiting, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    const ssize_t count = ::read(fd, buffer, sizeof buffer);
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) return answer;
    answer.append(buffer, static_cast<std::size_t>(count));
    if (answer.size() > 64 * 1024 * 1024) return fail("Django's checks answered with more than 64 MiB");
  }
}

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) return "the interpreter was killed by signal " + std::to_string(WTERMSIG(status));
  if (WIFEXITED(status)) return "the interpreter exited with status " + std::to_string(WEXITSTATUS(status));
  return "the interpreter stopped";
}

Result<std::vector<DjangoMessage>> parse_answer(const std::string& answer, int status) {
  if (answer.empty())
    return fail(describe_exit(status) +
                " before Django's checks answered (does the settings module exit, e.g. "
                "sys.exit() or os._exit()?)");
  const nlohmann::json parsed = nlohmann::json::parse(answer, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return fail("Django's checks gave an unreadable answer");
  if (!parsed.value("ok", false)) return fail(parsed.value("error", std::string("unknown error")));
  std::vector<DjangoMessage> messages;
  for (const nlohmann::json& item : parsed.value("messages", nlohmann::json::array())) {
    DjangoMessage message;
    message.id = item.value("id", std::string());
    message.level = item.value("level", 30);
    message.message = item.value("msg", std::string());
    message.hint = item.value("hint", std::string());
    if (item.contains("obj") && item["obj"].is_string()) message.obj = item["obj"].get<std::string>();
    messages.push_back(std::move(message));
  }
  return messages;
}

}  // namespace

Result<std::vector<DjangoMessage>> run_django_checks(const RuntimeRequest& request) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return fail("cannot start Django's checks: no pipe");
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return fail("cannot start Django's checks: fork failed");
  }
  if (child == 0) {
    ::close(fds[0]);
    run_child(request, fds[1]);  // close-on-exec: a process the project's code starts does not hold the pipe open
  }
  ::close(fds[1]);
  auto answer = read_answer(fds[0], request.timeout_seconds);
  ::close(fds[0]);
  if (!answer) ::kill(child, SIGKILL);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!answer) return std::unexpected(answer.error());
  return parse_answer(*answer, status);
}

}  // namespace deployctl::checks::django_runtime
