// How much a secret-looking literal found in the repository matters: nothing (a placeholder or a format
// argument), little (a credential for something local or throwaway) or a lot (it may grant access somewhere).
// GIT001 and GIT002 take their severity from it; their docs carry the decision table.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace deployctl::checks::git {

enum class SecretWeight {
  not_a_secret,  // a placeholder, template or format argument: grants nothing, never reported
  throwaway,     // test files, dev settings, local services, test-mode keys, well-known defaults: info
  live,          // anything else: it may grant access somewhere, an error
};

struct SecretWeighing {
  SecretWeight weight = SecretWeight::live;
  std::string reason;  // for the message, "" for live secrets: "a placeholder", "in a test file", ...
};

// Where a literal was found, beyond its value.
struct SecretPlace {
  std::string_view path;  // the file it is in (relative, '/'-separated)
  std::string_view url;   // the whole URL when the value is a URL's password, "" otherwise
  // The host beside it, when it is the PASSWORD of a dict that also names a HOST (DATABASES: "" is the local
  // socket); nothing when no host is known.
  std::optional<std::string_view> host;
  bool debug_only = false;  // assigned only when DEBUG is on (`if DEBUG:`)
};

// The row of the decision table `value` falls in.
SecretWeighing weigh_secret(std::string_view value, const SecretPlace& place);
inline SecretWeighing weigh_secret(std::string_view value, std::string_view path, std::string_view url = {}) {
  return weigh_secret(value, SecretPlace{path, url, std::nullopt, false});
}

// Why `path` holds only throwaway credentials (a test or CI file, dev settings, a dev container), or "".
std::string throwaway_path_reason(std::string_view path);

}  // namespace deployctl::checks::git
