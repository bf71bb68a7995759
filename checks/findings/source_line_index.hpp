// The scanned lines of the analysed files, looked up by file and line number and scanned once per file: what
// the text reporter's snippets and the fingerprints' normalised snippets both read.
#pragma once

#include <algorithm>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "checks/findings/source_file.hpp"
#include "checks/findings/source_lines.hpp"

namespace deployctl::checks {

class SourceLineIndex {
 public:
  explicit SourceLineIndex(std::span<const SourceFile> sources) : sources_(sources) {}

  // The 1-based line `number` of `file`; nullptr when the file is not among the sources or has no such line.
  const SourceLine* line(const std::string& file, int number) {
    if (number < 1) return nullptr;
    auto it = scanned_.find(file);
    if (it == scanned_.end()) {
      const auto source = std::ranges::find(sources_, file, &SourceFile::path);
      if (source == sources_.end()) return nullptr;
      it = scanned_.emplace(file, scan_source_lines(source->text)).first;
    }
    const auto index = static_cast<std::size_t>(number - 1);
    return index < it->second.size() ? &it->second[index] : nullptr;
  }

 private:
  std::span<const SourceFile> sources_;
  std::map<std::string, std::vector<SourceLine>, std::less<>> scanned_;
};

}  // namespace deployctl::checks
