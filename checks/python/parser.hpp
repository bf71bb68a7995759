// Parses Python source with the embedded CPython's own parser (ast only: nothing is compiled or run).
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "checks/python/ast.hpp"

namespace deployctl::checks::python {

// A syntax (or indentation, or encoding) error as CPython reports it.
struct SyntaxError {
  std::string message;  // CPython's message, e.g. "invalid syntax" or "unexpected indent"
  int line = 0;         // 1-based; 0 when CPython gives none
  int column = 0;       // 1-based code point column; 0 when CPython gives none
};

using ParseResult = std::variant<Module, SyntaxError>;

// `filename` is used only in messages. The same text is parsed once per process (the result is remembered, up
// to a bound). Thread-compatible, not thread-safe (one interpreter per process).
ParseResult parse_module(std::string_view source, const std::string& filename);

}  // namespace deployctl::checks::python
