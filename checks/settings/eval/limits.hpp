// Bounds that keep the evaluator's time and memory proportional to the settings, whatever the input:
// past any of them the value concerned is unknown, never a crash or a hang.
#pragma once

#include <cstddef>
#include <cstdint>

namespace deployctl::checks::settings::eval {

inline constexpr int max_expression_depth = 120;  // nested sub-expressions evaluated
inline constexpr int max_block_depth = 120;       // nested statement blocks (if inside if ...)
// Python itself gives up around 140 nested imports (RecursionError at the default limit of 1000 frames).
inline constexpr int max_import_depth = 128;
inline constexpr int max_include_depth = 32;              // split-settings include() nesting
inline constexpr std::size_t max_value_nodes = 20000;     // values and entries in one value, nested ones counted
inline constexpr int max_value_nesting = 48;              // containers inside containers
inline constexpr std::size_t max_text_bytes = 1 << 20;    // computed strings
inline constexpr std::size_t max_alternatives = 32;       // possible values kept for a merged name
inline constexpr std::size_t max_iterations = 10000;      // elements a comprehension or builtin walks through
inline constexpr std::uint64_t max_work = 50'000'000;     // evaluation steps for one run, a guard against blow-ups
inline constexpr std::size_t max_call_depth = 8;          // project functions calling project functions
inline constexpr std::size_t max_loop_iterations = 1000;  // iterations of one for loop the evaluator follows
inline constexpr int max_env_proxy_depth = 8;             // django-environ's '$OTHER_VAR' indirections

}  // namespace deployctl::checks::settings::eval
