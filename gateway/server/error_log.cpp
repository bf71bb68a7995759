// Formats error-log lines as gunicorn does and writes each with a single write(2).
#include "gateway/server/error_log.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <ctime>

namespace deployctl::gateway {

namespace {

constexpr std::array<std::string_view, 5> level_names = {"debug", "info", "warning", "error", "critical"};
constexpr std::array<std::string_view, 5> level_tags = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"};

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to report a broken log
    }
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

bool parse_log_level(std::string_view name, LogLevel& level) {
  for (std::size_t i = 0; i < level_names.size(); ++i) {
    if (level_names[i] == name) {
      level = static_cast<LogLevel>(i);
      return true;
    }
  }
  return false;
}

std::string_view log_level_name(LogLevel level) { return level_names[static_cast<std::size_t>(level)]; }

ErrorLog& ErrorLog::instance() {
  static ErrorLog log;
  return log;
}

void ErrorLog::log(LogLevel level, std::string_view message) const {
  if (!enabled(level)) return;
  std::array<char, 64> stamp{};
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  const std::size_t stamp_size = std::strftime(stamp.data(), stamp.size(), "[%Y-%m-%d %H:%M:%S +0000] ", &parts);
  std::string line(stamp.data(), stamp_size);
  line += "[" + std::to_string(::getpid()) + "] [";
  line += level_tags[static_cast<std::size_t>(level)];
  line += "] ";
  line += message;
  if (line.back() != '\n') line += '\n';
  write_all(fd_, line);
}

void ErrorLog::write_raw(std::string_view text) const { write_all(fd_, text); }

}  // namespace deployctl::gateway
