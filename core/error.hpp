// The one error policy: low layers return Result<T>; the CLI turns an Error into `deployctl: error: ...` and exit 2.
#pragma once

#include <expected>
#include <stdexcept>
#include <string>

namespace deployctl {

// Exit codes shared by every subcommand.
enum class ExitCode : int { ok = 0, findings = 1, tool_failure = 2 };

struct Error {
  std::string message;  // complete sentence(s): names the file, line and the fix where there is one
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message) { return std::unexpected(Error{std::move(message)}); }

// Thrown by upper layers (CLI, orchestration) when a Result carries an error they cannot handle;
// caught once in deployctl::run.
class Failure : public std::runtime_error {
 public:
  explicit Failure(const Error& error) : std::runtime_error(error.message) {}
  explicit Failure(const std::string& message) : std::runtime_error(message) {}
};

// Unwraps a Result or throws its error as a Failure.
template <typename T>
T value_or_throw(Result<T> result) {
  if (!result) throw Failure(result.error());
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

}  // namespace deployctl
