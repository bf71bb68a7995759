// Fuzz target: any bytes as a settings module. Parsing and static evaluation must never crash, hang or
// exhaust memory, whatever the source: broken code becomes problems in the model, not a failure.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checks/settings/evaluator.hpp"

// CPython keeps interned strings and caches for the life of the process: not leaks of ours.
extern "C" const char* __lsan_default_suppressions() { return "leak:libpython3\n"; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using deployctl::checks::settings::Environment;
  static const Environment environment = [] {
    Environment env;
    env.variables["DJANGO_DEBUG"] = "False";
    env.variables["SECRET_KEY"] = "fuzz-secret-key-value-that-is-long-enough-1234567890";
    env.variables["ALLOWED_HOSTS"] = "example.com,www.example.com";
    env.variables["DATABASE_URL"] = "postgres://user:pass@db:5432/app";
    return env;
  }();
  const std::string_view source(reinterpret_cast<const char*>(data), size);
  const auto model = deployctl::checks::settings::evaluate_source(source, environment, "settings.py");
  (void)model;
  return 0;
}
