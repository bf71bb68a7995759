// A dotenv reader with python-dotenv's grammar (django-environ's read_env reads a subset), and the --env-file /
// --env merge. Errors name file and line but never echo the line: it may hold a secret.
#include "checks/settings/env_file.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "core/files.hpp"

namespace deployctl::checks::settings {

namespace fs = std::filesystem;

namespace {

bool is_inline_space(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }
bool is_space(char c) { return is_inline_space(c) || c == '\n'; }

// A cursor over the text (line endings already normalized to \n) that counts lines.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ >= text_.size(); }
  bool at_line_end() const { return at_end() || text_[pos_] == '\n'; }
  bool next_is(char c) const { return !at_end() && text_[pos_] == c; }
  bool next_is(std::string_view s) const { return text_.substr(pos_).starts_with(s); }
  char peek(std::size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  int line() const { return line_; }

  char take() {
    const char c = text_[pos_++];
    if (c == '\n') ++line_;
    return c;
  }
  void skip(std::size_t count) {
    for (std::size_t i = 0; i < count && !at_end(); ++i) take();
  }
  void skip_inline_space() {
    while (!at_end() && is_inline_space(text_[pos_])) take();
  }
  void skip_space() {
    while (!at_end() && is_space(text_[pos_])) take();
  }
  void skip_rest_of_line() {
    while (!at_line_end()) take();
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

// The variables visible to ${VAR}: the keys read so far in this file, then what earlier sources set.
class Scope {
 public:
  explicit Scope(const Environment& earlier) : earlier_(earlier) {}
  void set(const std::string& name, const std::string& value) { own_[name] = value; }
  void unset(const std::string& name) { own_.erase(name); }
  const std::string* get(std::string_view name) const {
    if (const auto it = own_.find(name); it != own_.end()) return &it->second;
    return earlier_.get(name);
  }

 private:
  const Environment& earlier_;
  std::map<std::string, std::string, std::less<>> own_;
};

// Single quotes know only \\ and \'; double quotes also the C escapes. Any other backslash stays as written.
std::string decode_escapes(std::string_view raw, char quote) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c != '\\' || i + 1 == raw.size()) {
      out += c;
      continue;
    }
    const char next = raw[i + 1];
    std::optional<char> decoded;
    if (next == '\\' || next == '\'') decoded = next;
    if (quote == '"') {
      switch (next) {
        case '"': decoded = '"'; break;
        case 'a': decoded = '\a'; break;
        case 'b': decoded = '\b'; break;
        case 'f': decoded = '\f'; break;
        case 'n': decoded = '\n'; break;
        case 'r': decoded = '\r'; break;
        case 't': decoded = '\t'; break;
        case 'v': decoded = '\v'; break;
        default: break;
      }
    }
    if (decoded) {
      out += *decoded;
      ++i;
    } else {
      out += c;
    }
  }
  return out;
}

// The next `c` at or after a position, for positions that only grow: each byte is searched once, so that
// expanding a line of a million "${" stays linear.
class NextOf {
 public:
  NextOf(std::string_view text, char c) : text_(text), c_(c) {}
  std::size_t from(std::size_t position) {
    if (!searched_ || (found_ != std::string_view::npos && found_ < position)) {
      found_ = text_.find(c_, position);
      searched_ = true;
    }
    return found_;
  }

 private:
  std::string_view text_;
  char c_;
  std::size_t found_ = std::string_view::npos;
  bool searched_ = false;
};

// ${NAME} and ${NAME:-default}; an unset NAME without default is empty. Anything else with a $ is literal.
std::string expand_variables(std::string_view value, const Scope& scope) {
  std::string out;
  NextOf next_close(value, '}');
  NextOf next_colon(value, ':');
  std::size_t i = 0;
  while (i < value.size()) {
    if (!value.substr(i).starts_with("${")) {
      out += value[i++];
      continue;
    }
    const std::size_t name_start = i + 2;
    const std::size_t close_after_name = next_close.from(name_start);
    const std::size_t name_end = std::min(close_after_name, next_colon.from(name_start));
    if (close_after_name == std::string_view::npos) {  // no '}' anywhere after: nothing more can expand
      out += value.substr(i);
      break;
    }
    std::string_view fallback;
    std::size_t close = name_end;
    if (value[name_end] == ':') {
      close = close_after_name;
      if (!value.substr(name_end).starts_with(":-")) {
        out += value[i++];
        continue;
      }
      fallback = value.substr(name_end + 2, close - name_end - 2);
    }
    const std::string* found = scope.get(value.substr(name_start, name_end - name_start));
    out += found ? std::string_view(*found) : fallback;
    i = close + 1;
  }
  return out;
}

// Up to the first whitespace-then-# (python-dotenv's ` # comment`), without trailing whitespace.
std::string_view strip_unquoted(std::string_view raw) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (!is_inline_space(raw[i])) continue;
    std::size_t j = i;
    while (j < raw.size() && is_inline_space(raw[j])) ++j;
    if (j < raw.size() && raw[j] == '#') {
      raw = raw.substr(0, i);
      break;
    }
    i = j - 1;
  }
  while (!raw.empty() && is_inline_space(raw.back())) raw.remove_suffix(1);
  return raw;
}

class EnvParser {
 public:
  EnvParser(std::string_view text, const std::string& filename, const Environment& earlier)
      : in_(text), filename_(filename), scope_(earlier) {}

  Result<std::vector<EnvFileEntry>> parse() {
    std::vector<EnvFileEntry> entries;
    std::vector<bool> dropped;                                              // parallel to entries
    std::map<std::string, std::vector<std::size_t>, std::less<>> assigned;  // name -> its live entries
    while (true) {
      in_.skip_space();
      if (in_.at_end()) break;
      if (in_.next_is('#')) {
        in_.skip_rest_of_line();
        continue;
      }
      auto statement = parse_assignment();
      if (!statement) return std::unexpected(statement.error());
      if (statement->name.empty()) continue;
      if (!statement->value) {
        // A bare name: python-dotenv maps it to None, which drops what this file set for it before.
        if (const auto it = assigned.find(statement->name); it != assigned.end()) {
          for (const std::size_t index : it->second) dropped[index] = true;
          assigned.erase(it);
        }
        scope_.unset(statement->name);
        continue;
      }
      scope_.set(statement->name, *statement->value);
      assigned[statement->name].push_back(entries.size());
      entries.push_back({std::move(statement->name), std::move(*statement->value), statement->line});
      dropped.push_back(false);
    }
    std::vector<EnvFileEntry> kept;
    for (std::size_t i = 0; i < entries.size(); ++i)
      if (!dropped[i]) kept.push_back(std::move(entries[i]));
    return kept;
  }

 private:
  std::unexpected<Error> error(int line, std::string_view what) const {
    return fail(filename_ + ":" + std::to_string(line) + ": " + std::string(what));
  }

  struct Statement {
    std::string name;
    std::optional<std::string> value;  // nullopt: a bare name without '=' (python-dotenv accepts it)
    int line = 0;
  };

  Result<Statement> parse_assignment() {
    const int line = in_.line();
    if (in_.next_is("export") && is_inline_space(in_.peek(6))) {
      in_.skip(6);
      in_.skip_inline_space();
      if (in_.next_is('#')) {  // `export  # note` is a comment in python-dotenv
        in_.skip_rest_of_line();
        return Statement{"", std::nullopt, line};
      }
    }
    auto name = parse_name(line);
    if (!name) return std::unexpected(name.error());
    in_.skip_inline_space();
    if (in_.at_line_end() || in_.next_is('#')) {
      in_.skip_rest_of_line();
      return Statement{std::move(*name), std::nullopt, line};
    }
    if (!in_.next_is('='))
      return error(line, "expected '=' after the variable name (names cannot contain spaces; write NAME=value)");
    in_.take();
    in_.skip_inline_space();
    auto value = parse_value(line);
    if (!value) return std::unexpected(value.error());
    return Statement{std::move(*name), std::move(*value), line};
  }

  Result<std::string> parse_name(int line) {
    std::string name;
    if (in_.next_is('\'')) {
      in_.take();
      while (!in_.at_line_end() && !in_.next_is('\'')) name += in_.take();
      if (!in_.next_is('\'')) return error(line, "the quoted variable name has no closing quote");
      in_.take();
    } else {
      while (!in_.at_end() && !is_space(in_.peek()) && !in_.next_is('=') && !in_.next_is('#')) name += in_.take();
    }
    if (name.empty()) return error(line, "expected a variable name before '='");
    return name;
  }

  Result<std::string> parse_value(int line) {
    if (in_.next_is('\'') || in_.next_is('"')) {
      const char quote = in_.take();
      // python-dotenv's rule: the value ends at the first quote not right after a backslash; when there is
      // none, at the last quote of the file (so 'C:\dir\' still reads as C:\dir\).
      std::string raw;
      std::optional<std::pair<Reader, std::size_t>> last_quote;  // position after it, length of raw before it
      char previous = '\0';
      while (true) {
        if (in_.at_end()) {
          if (!last_quote) {
            return error(line, std::string(quote == '"' ? "the double-quoted" : "the single-quoted") +
                                   " value has no closing quote");
          }
          in_ = last_quote->first;
          raw.resize(last_quote->second);
          break;
        }
        const char c = in_.take();
        if (c == quote) {
          if (previous != '\\') break;
          last_quote.emplace(in_, raw.size());
        }
        raw += c;
        previous = c;
      }
      in_.skip_inline_space();
      if (in_.next_is('#')) in_.skip_rest_of_line();
      if (!in_.at_line_end())
        return error(line, "unexpected text after the closing quote; only a # comment may follow it");
      std::string value = decode_escapes(raw, quote);
      return quote == '"' ? expand_variables(value, scope_) : value;
    }
    std::string raw;
    while (!in_.at_line_end()) raw += in_.take();
    return expand_variables(strip_unquoted(raw), scope_);
  }

  Reader in_;
  const std::string& filename_;
  Scope scope_;
};

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s.front()))) return false;
  for (const char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

// `--env KEY=VALUE` split at the first '='. The argument is echoed only when it cannot hold a value.
Result<std::pair<std::string, std::string>> parse_assignment_argument(std::string_view argument, std::size_t index) {
  const std::string which = "--env argument " + std::to_string(index + 1);
  const auto equals = argument.find('=');
  if (equals == std::string_view::npos) {
    if (is_identifier(argument))
      return fail("--env " + std::string(argument) + ": expected KEY=VALUE, like --env " + std::string(argument) +
                  "=value");
    return fail(which + " is not KEY=VALUE, like --env DJANGO_DEBUG=False");
  }
  const std::string_view name = argument.substr(0, equals);
  if (name.empty()) return fail(which + " has no variable name before '=' (expected KEY=VALUE)");
  for (const char c : name)
    if (is_space(c)) return fail(which + ": the variable name before '=' contains whitespace");
  return std::pair{std::string(name), std::string(argument.substr(equals + 1))};
}

}  // namespace

Result<std::vector<EnvFileEntry>> parse_env_text(std::string_view text, const std::string& filename,
                                                 const Environment& earlier) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte order mark some editors write
  // Python reads the file with universal newlines: \r\n and a lone \r are \n, also inside quoted values.
  std::string normalized;
  normalized.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      normalized += text[i];
    } else {
      normalized += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    }
  }
  return EnvParser(normalized, filename, earlier).parse();
}

Result<void> load_env_file(const fs::path& file, Environment& environment) {
  auto text = read_text_file(file);
  if (!text) return fail("cannot read env file " + text.error().message);
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  const std::string shown = ec ? file.generic_string() : display_path(file, cwd);
  auto entries = parse_env_text(*text, shown, environment);
  if (!entries) return std::unexpected(entries.error());
  for (auto& entry : *entries) environment.variables[std::move(entry.name)] = std::move(entry.value);
  return {};
}

Result<Environment> build_environment(std::span<const fs::path> env_files,
                                      std::span<const std::string> env_assignments) {
  Environment environment;
  for (const auto& file : env_files) {
    if (auto loaded = load_env_file(file, environment); !loaded) return std::unexpected(loaded.error());
  }
  for (std::size_t i = 0; i < env_assignments.size(); ++i) {
    auto assignment = parse_assignment_argument(env_assignments[i], i);
    if (!assignment) return std::unexpected(assignment.error());
    environment.variables[std::move(assignment->first)] = std::move(assignment->second);
  }
  return environment;
}

}  // namespace deployctl::checks::settings
