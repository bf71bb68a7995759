// The decision table behind GIT001 and GIT002's severities, applied top to bottom: the value first (a placeholder
// is nothing wherever it is), then the file it is in, then where a URL points, then well-known defaults.
#include "checks/git/secret_weight.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace deployctl::checks::git {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Lower case without separators, so that CHANGE_ME, change-me and Change Me compare alike.
std::string squeezed(std::string_view text) {
  std::string out;
  for (const char c : lower(text))
    if (c != '-' && c != '_' && c != ' ' && c != '.') out += c;
  return out;
}

std::vector<std::string_view> path_parts(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

std::string_view stem(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  return dot == std::string_view::npos || dot == 0 ? name : name.substr(0, dot);
}

// A character of an upper-case variable name: DB_PASSWORD.
bool is_name_character(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

// %s, %(password)s, {}, {password}, {{ secret_key }}, ${DB_PASSWORD}, $(cat file), <your-key>: filled in later.
bool is_template_or_format(std::string_view value) {
  if (value.find("%s") != std::string_view::npos || value.find("%(") != std::string_view::npos) return true;
  if (value.find("{{") != std::string_view::npos || value.find("${") != std::string_view::npos ||
      value.find("$(") != std::string_view::npos)
    return true;
  if (value.front() == '{' && value.back() == '}') return true;
  if (value.front() == '<' && value.back() == '>') return true;
  if (value.front() == '$' && value.size() > 1 && std::all_of(value.begin() + 1, value.end(), is_name_character))
    return true;
  return false;
}

// Letters typed along the keyboard's home row ("shjbalkfbdskjlbdsk"): filler, not a generated token. Random
// letters fall on the home row a third of the time, English words rarely more often; 80% of 12 or more letters is
// a hand drumming on the keys (a shorter word such as "flashglass" may fall there too).
bool is_keyboard_mash(std::string_view value) {
  if (value.size() < 12) return false;
  std::size_t home_row = 0;
  for (const char c : value) {
    if (c < 'a' || c > 'z') return false;
    if (std::string_view("asdfghjkl").find(c) != std::string_view::npos) ++home_row;
  }
  return home_row * 5 >= value.size() * 4;
}

bool is_placeholder(std::string_view value) {
  if (value.size() < 4) return true;  // "x", "xyz", "...": nothing anyone could use as a credential
  if (is_keyboard_mash(value)) return true;
  if (std::all_of(value.begin(), value.end(), [&](char c) { return c == value.front(); })) return true;  // *****
  const std::string word = squeezed(value);
  if (word.starts_with("your")) return true;  // your-secret-key, YOUR_API_SECRET
  if (word.starts_with("my"))                 // mysecretpassword, my-token
    for (const std::string_view noun : {"secret", "pass", "key", "token"})
      if (word.find(noun) != std::string::npos) return true;
  for (const std::string_view marker :
       {"changeme",      "changethis", "replaceme",    "replacethis", "placeholder", "example",  "dummy",
        "notsecret",     "notasecret", "notreal",      "fake",        "xxxx",        "redacted", "todo",
        "fixme",         "insertkey",  "putyour",      "enteryour",   "setme",       "setthis",  "yourkey",
        "secretkeyhere", "keyhere",    "passwordhere", "tokenhere"})
    if (word.find(marker) != std::string::npos) return true;
  for (const std::string_view whole : {"secret", "password", "passwd", "token", "key", "secretkey", "apikey", "none",
                                       "null", "empty", "unset", "default", "abcd", "abcdef", "qwerty"})
    if (word == whole) return true;
  return false;
}

// Keys the provider itself marks as test-mode or development-only.
std::string throwaway_value_reason(std::string_view value) {
  for (const std::string_view prefix : {"sk_test_", "pk_test_", "rk_test_", "whsec_test"})
    if (value.starts_with(prefix)) return "a test-mode key, which reaches only the provider's test data";
  if (value.starts_with("django-insecure-"))
    return "a key `startproject` generated and marked insecure, meant for development";
  return {};
}

// The host of `scheme://user:password@host:port/...`, lower case.
std::string url_host(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.starts_with("[")) return lower(authority.substr(1, authority.find(']') - 1));
  return lower(authority.substr(0, authority.find(':')));
}

std::string local_host_reason(const std::string& host) {
  if (host.empty()) return "a URL without a host (a local socket)";
  if (host == "localhost" || host == "::1" || host == "0.0.0.0" || host.starts_with("127."))
    return "a URL to this machine (" + host + ")";
  for (const std::string_view suffix : {".local", ".localhost", ".test", ".example", ".invalid", ".internal"})
    if (host.ends_with(suffix)) return "a URL to a local or reserved name (" + host + ")";
  for (const std::string_view reserved : {"example.com", "example.org", "example.net"})
    if (host == reserved || host.ends_with("." + std::string(reserved))) return "a URL to a reserved example domain";
  if (host.find('.') == std::string::npos && host.find(':') == std::string::npos)
    return "a URL to a single-label host (" + host + "), a container or local service name";
  return {};
}

// The HOST beside a database PASSWORD: "" and local names reach a database on this machine or its compose
// network only.
std::string local_database_reason(const std::string& host) {
  if (host.empty() || host.starts_with("/")) return "the password of a database reached by its local socket";
  std::string reason = local_host_reason(host);
  if (reason.empty()) return {};
  return "the password of a database on " + host + ", a local or container host";
}

// DJANGO_SECRET_KEY, PAPERLESS_SHARED_SECRET: the name of a variable passed along (a deprecated name mapped to
// its new one), not a value.
bool is_variable_name(std::string_view value) {
  if (value.find('_') == std::string_view::npos) return false;
  if (!std::all_of(value.begin(), value.end(), is_name_character)) return false;
  for (const std::string_view word : {"SECRET", "PASSWORD", "PASSWD", "TOKEN", "KEY"})
    if (value.find(word) != std::string_view::npos) return true;
  return false;
}

bool is_default_password(std::string_view value) {
  static constexpr std::array<std::string_view, 14> defaults = {
      "postgres", "postgresql", "mysql",  "root",     "admin", "guest",  "test",
      "testing",  "pass",       "django", "rabbitmq", "redis", "123456", "12345678"};
  const std::string word = lower(value);
  return std::find(defaults.begin(), defaults.end(), word) != defaults.end();
}

}  // namespace

std::string throwaway_path_reason(std::string_view path) {
  const std::vector<std::string_view> parts = path_parts(path);
  if (parts.empty()) return {};
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string dir = lower(parts[i]);
    if (dir == "tests" || dir == "test" || dir == "testing" || dir == "fixtures" || dir == "testdata")
      return "in a test file";
    if (dir == ".github" || dir == ".circleci" || dir == ".gitlab") return "in a CI file";
    if (dir == ".devcontainer") return "in a dev-container file";
  }
  const std::string name = lower(parts.back());
  const std::string base(stem(name));
  if (name.starts_with("test_") || base.ends_with("_test") || base.ends_with("_tests") || name == "conftest.py" ||
      base == "test" || base == "tests" || base == "testing" || base.starts_with("test_settings") ||
      base.starts_with("settings_test") || name.starts_with(".env.test"))
    return "in a test file";
  if (base == "ci" || base.ends_with("_ci") || base.starts_with("ci_") || name == ".gitlab-ci.yml" ||
      name == ".travis.yml" || name.starts_with(".env.ci") || base == "travis" || base.ends_with("_travis") ||
      base == "circleci" || base == "jenkins" || base == "github_actions" || base == "gitlab_ci")
    return "in a CI file";
  if (name.starts_with("docker-compose") || name.starts_with("compose.")) return "in a docker-compose file";
  if (base == "dev" || base == "development" || base == "devel" || base == "local_dev" || base.ends_with("_dev") ||
      base.ends_with("_development") || base.starts_with("dev_") || base.starts_with("settings_dev") ||
      name == ".env.dev" || name == ".env.development" || name == ".env.local.dev")
    return "in development settings";
  return {};
}

SecretWeighing weigh_secret(std::string_view value, const SecretPlace& place) {
  if (value.empty() || is_template_or_format(value) || is_placeholder(value) || is_variable_name(value))
    return {SecretWeight::not_a_secret, "a placeholder"};
  if (std::string reason = throwaway_value_reason(value); !reason.empty())
    return {SecretWeight::throwaway, std::move(reason)};
  if (std::string reason = throwaway_path_reason(place.path); !reason.empty())
    return {SecretWeight::throwaway, std::move(reason)};
  if (place.debug_only) return {SecretWeight::throwaway, "set only when DEBUG is on, i.e. in development"};
  if (!place.url.empty())
    if (std::string reason = local_host_reason(url_host(place.url)); !reason.empty())
      return {SecretWeight::throwaway, std::move(reason)};
  if (place.host)
    if (std::string reason = local_database_reason(lower(*place.host)); !reason.empty())
      return {SecretWeight::throwaway, std::move(reason)};
  if (is_default_password(value)) return {SecretWeight::throwaway, "a well-known default password"};
  return {SecretWeight::live, {}};
}

}  // namespace deployctl::checks::git
