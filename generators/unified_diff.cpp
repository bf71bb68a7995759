// LCS over lines, then hunks with up to three lines of context on each side, as `diff -u` prints them.
#include "generators/unified_diff.hpp"

#include <algorithm>
#include <vector>

namespace deployctl::generators {

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t newline = text.find('\n', start);
    const std::size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

struct Edit {
  char kind;  // ' ', '-', '+'
  std::string_view line;
};

std::vector<Edit> edits(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::vector<Edit> out;
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      out.push_back({' ', a[i]}), ++i, ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push_back({'-', a[i]}), ++i;  // deletions first, as diff -u prints them
    } else {
      out.push_back({'+', b[j]}), ++j;
    }
  }
  return out;
}

}  // namespace

std::string unified_diff(std::string_view old_text, std::string_view new_text, std::string_view old_name,
                         std::string_view new_name) {
  if (old_text == new_text) return {};
  const auto all = edits(split_lines(old_text), split_lines(new_text));
  constexpr std::size_t context = 3;
  std::string out = "--- " + std::string(old_name) + "\n+++ " + std::string(new_name) + "\n";
  std::size_t index = 0;
  std::size_t old_line = 1, new_line = 1;  // numbers of all[index]
  while (index < all.size()) {
    // Find the next change.
    std::size_t change = index;
    std::size_t old_at = old_line, new_at = new_line;
    while (change < all.size() && all[change].kind == ' ') ++change, ++old_at, ++new_at;
    if (change == all.size()) break;
    const std::size_t lead = std::min(context, change - index);
    std::size_t start = change - lead;
    std::size_t hunk_old = old_at - lead, hunk_new = new_at - lead;
    // Extend while changes are closer than 2 * context apart.
    std::size_t end = change, equal_run = 0;
    for (std::size_t k = change; k < all.size(); ++k) {
      if (all[k].kind == ' ') {
        if (++equal_run > 2 * context) break;
      } else {
        equal_run = 0;
        end = k + 1;
      }
    }
    const std::size_t stop = std::min(all.size(), end + context);
    std::size_t old_count = 0, new_count = 0;
    std::string body;
    for (std::size_t k = start; k < stop; ++k) {
      if (all[k].kind != '+') ++old_count;
      if (all[k].kind != '-') ++new_count;
      body += all[k].kind;
      body += all[k].line;
      if (!all[k].line.ends_with('\n')) body += "\n\\ No newline at end of file\n";
    }
    out += "@@ -" + std::to_string(old_count ? hunk_old : hunk_old - 1) + "," + std::to_string(old_count) + " +" +
           std::to_string(new_count ? hunk_new : hunk_new - 1) + "," + std::to_string(new_count) + " @@\n" + body;
    // Advance the line counters past the hunk.
    for (std::size_t k = index; k < stop; ++k) {
      if (all[k].kind != '+') ++old_line;
      if (all[k].kind != '-') ++new_line;
    }
    index = stop;
  }
  return out;
}

}  // namespace deployctl::generators
