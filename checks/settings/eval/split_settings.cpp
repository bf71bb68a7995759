// django-split-settings: include('components/base.py', optional('local.py')) runs each file (glob patterns
// allowed, relative to the including file) in the including module's globals, once per file; a required
// file that matches nothing raises OSError, a DPL003 problem when nothing catches it.
#include <algorithm>

#include "checks/settings/eval/calls.hpp"
#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/library.hpp"
#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/paths.hpp"
#include "checks/settings/eval/statements.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace fs = std::filesystem;
using Kind = Value::Kind;

namespace {

constexpr std::string_view optional_producer = "split_settings.tools.optional";

// fnmatch for one path component: *, ?, [seq], [!seq].
bool component_matches(std::string_view pattern, std::string_view name) {
  if (pattern.empty()) return name.empty();
  if (pattern.front() == '*') {
    for (std::size_t skip = 0; skip <= name.size(); ++skip)
      if (component_matches(pattern.substr(1), name.substr(skip))) return true;
    return false;
  }
  if (name.empty()) return false;
  if (pattern.front() == '?') return component_matches(pattern.substr(1), name.substr(1));
  if (pattern.front() == '[') {
    const std::size_t close = pattern.find(']', 2);
    if (close != std::string_view::npos) {
      std::string_view set = pattern.substr(1, close - 1);
      const bool negate = set.starts_with('!');
      if (negate) set.remove_prefix(1);
      bool found = false;
      for (std::size_t i = 0; i < set.size(); ++i) {
        if (i + 2 < set.size() && set[i + 1] == '-') {
          found = found || (name.front() >= set[i] && name.front() <= set[i + 2]);
          i += 2;
        } else {
          found = found || name.front() == set[i];
        }
      }
      return found != negate && component_matches(pattern.substr(close + 1), name.substr(1));
    }
  }
  return pattern.front() == name.front() && component_matches(pattern.substr(1), name.substr(1));
}

bool has_magic(std::string_view text) { return text.find_first_of("*?[") != std::string_view::npos; }

// glob.glob(pattern) for an absolute pattern; sorted (Python returns directory order, which varies).
std::vector<fs::path> glob(const std::string& pattern) {
  std::vector<fs::path> current = {fs::path("/")};
  std::error_code ec;
  std::size_t start = 1;
  while (start <= pattern.size()) {
    const std::size_t slash = pattern.find('/', start);
    const std::string part = pattern.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    start = slash == std::string::npos ? pattern.size() + 1 : slash + 1;
    if (part.empty()) continue;
    std::vector<fs::path> next;
    for (const fs::path& directory : current) {
      if (!has_magic(part)) {
        next.push_back(directory / part);
        continue;
      }
      for (const auto& entry : fs::directory_iterator(directory, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.starts_with('.') && !part.starts_with('.')) continue;  // glob skips hidden files
        if (component_matches(part, name)) next.push_back(entry.path());
      }
    }
    std::sort(next.begin(), next.end());
    current = std::move(next);
    if (current.size() > max_iterations) current.resize(max_iterations);
  }
  std::vector<fs::path> files;
  for (const fs::path& path : current)
    if (fs::exists(path, ec)) files.push_back(path);
  return files;
}

ValuePtr optional(CallSite& site) {
  const ValuePtr name = site.args.get(0, "filename");
  if (!name || name->kind != Kind::string) return unknown_value("optional() of an unknown file name", site.origin);
  Value marked = *name;
  marked.producer = std::string(optional_producer);
  return share(std::move(marked));
}

ValuePtr include(CallSite& site) {
  Frame& frame = site.frame;
  Evaluation& run = frame.run;
  const ValuePtr none = share(Value::none(site.origin));
  if (run.project_dir.empty() || site.args.unexpanded) {
    mark_incomplete(frame.module, "the include() at " + site.origin.file + ":" +
                                      std::to_string(site.origin.position.line) +
                                      ", whose files deployctl cannot tell");
    return none;
  }
  if (frame.include_depth >= max_include_depth) return none;
  const std::string base = frame.file_path.parent_path().string();
  for (const ValuePtr& argument : site.args.positional) {
    if (argument->kind != Kind::string) {
      mark_incomplete(frame.module, "the include() at " + site.origin.file + ":" +
                                        std::to_string(site.origin.position.line) + " of a file deployctl cannot tell");
      continue;
    }
    const bool is_optional = argument->producer == optional_producer;
    const std::string pattern = normalize_path(join_path(base, argument->text));
    const auto files = glob(pattern);
    if (files.empty()) {
      if (is_optional) continue;
      if (!frame.catches(PyException::os_error) && frame.uncertainty == 0)
        run.problem("DPL003",
                    "include('" + argument->text + "') finds no file (" + run.display_path(pattern) +
                        "); django-split-settings raises OSError and Django fails to load the settings",
                    site.origin, "create the file, fix the path, or wrap it in optional(...) if it is optional");
      frame.raise(PyException::os_error);
      if (frame.raised) return unknown_value("include() raised OSError", site.origin);
      continue;
    }
    for (const fs::path& file : files) {
      const std::string absolute = file.lexically_normal().string();
      auto& done = frame.module.included_files;
      if (std::find(done.begin(), done.end(), absolute) != done.end()) continue;
      done.push_back(absolute);
      const std::string display = run.display_path(absolute);
      const auto code = run.parse_file(absolute, display, site.origin);
      if (!code) {
        mark_incomplete(frame.module, "the include() at " + site.origin.file + ":" +
                                          std::to_string(site.origin.position.line) + " of " + display +
                                          ", which deployctl could not read or parse");
        continue;
      }
      // The file runs in the including module's globals: same scope, same __file__, its own origins.
      Frame included(run, frame.module, display, absolute, frame.scope);
      included.tries = frame.tries;
      included.uncertainty = frame.uncertainty;
      included.include_depth = frame.include_depth + 1;
      execute_block(included, code->body);
      if (included.raised) {
        frame.raised = included.raised;
        return unknown_value("an included file raised", site.origin);
      }
    }
  }
  return none;
}

}  // namespace

void add_split_settings_handlers(HandlerTable& table) {
  table.emplace("split_settings.tools.include", &include);
  table.emplace("split_settings.tools.optional", &optional);
}

}  // namespace deployctl::checks::settings::eval
