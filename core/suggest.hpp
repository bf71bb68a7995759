// "Did you mean" for unknown commands, flags, rule ids, config keys and render targets.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace deployctl {

// Edit distance (insertions, deletions, substitutions, adjacent transpositions), case-insensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate when it is close enough to be a plausible typo, else nothing.
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates);

// " Did you mean 'x'?" or "" — ready to append to an error message.
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

}  // namespace deployctl
