// Fuzz target: any bytes as a dotenv file. The parser must return entries or an Error, never crash or hang,
// and an error must never carry the file's content.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "checks/settings/env_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  deployctl::checks::settings::Environment earlier;
  earlier.variables["HOME"] = "/home/app";
  auto entries = deployctl::checks::settings::parse_env_text(text, ".env", earlier);
  if (!entries) {
    // Every message is "<file>:<line>: <what>", with a line inside the input.
    const auto& message = entries.error().message;
    if (!message.starts_with(".env:")) std::abort();
  } else {
    for (const auto& entry : *entries)
      if (entry.name.empty() || entry.line < 1) std::abort();
  }
  return 0;
}
