// Finds secret literals in one file's text without evaluating it: assignments of string literals to SECRET_KEY
// and *PASSWORD*/*SECRET*/*TOKEN*-like names, such dict keys (DATABASES' 'PASSWORD'), the defaults of environment
// reads of such variables, and passwords inside URLs. The value itself is never kept: only its size and a digest
// that tells equal values apart.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "checks/git/secret_weight.hpp"

namespace deployctl::checks::git {

struct SecretLiteral {
  std::string name;  // what it is bound to: "SECRET_KEY", "PASSWORD", "DB_PASSWORD", "a URL's password"
  std::string size;  // "a 50-character literal": how messages mention it
  int line = 0;      // 1-based, in the file it was found in
  int column = 0;
  std::uint64_t digest = 0;  // equal values give equal digests; the value cannot be recovered from it
  bool is_setting = false;   // `name` is a module-level-style assignment target (a setting), not a key or variable
  SecretWeighing weight;     // live or throwaway: placeholders and format arguments are never listed
};

// Python sources (by `path`'s suffix) are read through the CPython ast: a file that does not parse yields
// nothing. Anything else is read as dotenv KEY=VALUE lines. Each literal is weighed (secret_weight.hpp) and
// the ones that are no secret at all are left out.
std::vector<SecretLiteral> find_secret_literals(std::string_view text, std::string_view path);

}  // namespace deployctl::checks::git
