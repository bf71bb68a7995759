// A source file the findings point into, kept whole for carets, snippets, fingerprints and suppressions.
#pragma once

#include <string>

namespace deployctl::checks {

struct SourceFile {
  std::string path;    // relative to the project dir, '/' separators
  std::string module;  // dotted module name, e.g. "mysite.settings.production"
  std::string text;    // the source, for carets, snippets and suppressions
};

}  // namespace deployctl::checks
