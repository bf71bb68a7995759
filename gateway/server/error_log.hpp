// The error log shared by the master and its workers: gunicorn's line format, one write(2) per line so that
// lines from several processes never interleave.
#pragma once

#include <string>
#include <string_view>

namespace deployctl::gateway {

enum class LogLevel { debug = 0, info = 1, warning = 2, error = 3, critical = 4 };

// "debug", "info", "warning", "error", "critical"; nothing for an unknown name.
bool parse_log_level(std::string_view name, LogLevel& level);
std::string_view log_level_name(LogLevel level);

class ErrorLog {
 public:
  // Logs to stderr at level info until configured.
  static ErrorLog& instance();

  void set_fd(int fd) { fd_ = fd; }
  int fd() const { return fd_; }
  void set_level(LogLevel level) { level_ = level; }
  bool enabled(LogLevel level) const { return level >= level_; }

  // `[2026-11-23 22:00:00 +0000] [PID] [LEVEL] message`; a multi-line message (a traceback) is written as is
  // after the prefix of its first line.
  void log(LogLevel level, std::string_view message) const;
  // Writes text unchanged (the readiness line, wsgi.errors output).
  void write_raw(std::string_view text) const;

 private:
  int fd_ = 2;
  LogLevel level_ = LogLevel::info;
};

inline void log_debug(std::string_view m) { ErrorLog::instance().log(LogLevel::debug, m); }
inline void log_info(std::string_view m) { ErrorLog::instance().log(LogLevel::info, m); }
inline void log_warning(std::string_view m) { ErrorLog::instance().log(LogLevel::warning, m); }
inline void log_error(std::string_view m) { ErrorLog::instance().log(LogLevel::error, m); }
inline void log_critical(std::string_view m) { ErrorLog::instance().log(LogLevel::critical, m); }

}  // namespace deployctl::gateway
