// Reads what git itself reads to answer "what does HEAD name" and "which files decide the facts", and nothing
// more: whatever it does not recognise makes it give up, so a look never claims more than it read.
#include "checks/git/repository_look.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "checks/git/cache_text.hpp"
#include "core/unique_fd.hpp"

namespace deployctl::checks::git {

namespace fs = std::filesystem;

namespace {

// "/a/b/" and "/a/b" alike, as "/a/b".
fs::path without_trailing_slash(const fs::path& path) {
  fs::path normal = path.lexically_normal();
  if (normal.has_relative_path() && normal.filename().empty()) normal = normal.parent_path();
  return normal;
}

std::vector<fs::path> ceiling_directories(const char* list) {
  std::vector<fs::path> ceilings;
  if (list == nullptr) return ceilings;
  std::string_view rest(list);
  while (!rest.empty()) {
    const std::size_t colon = rest.find(':');
    const std::string_view entry = rest.substr(0, colon);
    if (!entry.empty()) ceilings.push_back(without_trailing_slash(fs::path(entry)));
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return ceilings;
}

// A whole file in one read; nothing when it cannot be opened (missing, or a directory).
std::optional<std::string> read_whole(const fs::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  std::string content(static_cast<std::size_t>(info.st_size), '\0');
  std::size_t filled = 0;
  while (filled < content.size()) {
    const ssize_t got = ::read(fd.get(), content.data() + filled, content.size() - filled);
    if (got < 0) return std::nullopt;
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  content.resize(filled);
  return content;
}

// A digest of a file's bytes, eight at a time (an index can be megabytes): tells versions apart, nothing more.
std::string content_digest(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ULL ^ bytes.size();
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes.data() + i, 8);
    hash = (hash ^ word) * 0x9e3779b97f4a7c15ULL;
    hash ^= hash >> 29;
  }
  hash ^= fnv1a(bytes.substr(i));
  char text[17] = {};
  static constexpr char digits[] = "0123456789abcdef";
  for (int nibble = 15; nibble >= 0; --nibble, hash >>= 4) text[nibble] = digits[hash & 15];
  return text;
}

void add_file_line(std::string& state, std::string_view label, const fs::path& path,
                   const std::optional<std::string>& content) {
  state.append(label).append("\t").append(path.string()).append("\t");
  state.append(content ? content_digest(*content) : "absent").append("\n");
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  return std::string(text);
}

bool is_hex_id(std::string_view text) {
  return text.size() == 40 &&
         std::ranges::all_of(text, [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

// The .git entry's directory: itself, or the one a `gitdir: path` file names (relative to the file's directory).
std::optional<fs::path> git_dir_of(const fs::path& dot_git) {
  std::error_code ec;
  if (fs::is_directory(dot_git, ec)) return dot_git;
  const auto text = read_whole(dot_git);
  if (!text || !text->starts_with("gitdir:")) return std::nullopt;
  const fs::path named(trimmed(std::string_view(*text).substr(7)));
  if (named.empty()) return std::nullopt;
  return (named.is_absolute() ? named : dot_git.parent_path() / named).lexically_normal();
}

// The commit a ref names: its loose file, else its line in packed-refs; nothing for anything else.
std::optional<std::string> resolve_ref(const fs::path& common_dir, std::string_view name) {
  if (!(name.starts_with("refs/heads/") || name.starts_with("refs/tags/")) || name.find("..") != std::string_view::npos)
    return std::nullopt;
  if (const auto loose = read_whole(common_dir / fs::path(std::string(name)))) {
    std::string id = trimmed(*loose);
    return is_hex_id(id) ? std::optional<std::string>(std::move(id)) : std::nullopt;
  }
  const auto packed = read_whole(common_dir / "packed-refs");
  if (!packed) return std::nullopt;
  const std::string text = *packed + "\n";  // the last line may have no newline
  LineReader lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (line.size() < 42 || line[40] != ' ') continue;
    std::string_view ref = line.substr(41);
    if (!ref.empty() && ref.back() == '\r') ref.remove_suffix(1);
    if (ref == name && is_hex_id(line.substr(0, 40))) return std::string(line.substr(0, 40));
  }
  return std::nullopt;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The excludes files a config's text names (any `excludesfile = path` line: naming more than git reads only adds
// a digest). False when the text has includes, or an excludes file this look cannot expand.
bool excludes_files_of(std::string_view config, std::vector<fs::path>& out) {
  if (lowercase(config).find("[include") != std::string::npos) return false;
  const std::string text = std::string(config) + "\n";  // the last line may have no newline
  LineReader lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (lowercase(line).find("excludesfile") == std::string::npos) continue;
    // Only `excludesfile = path` on a line of its own is read; any other form gives up.
    if (line.find('=') == std::string_view::npos) return false;
    if (lowercase(trimmed(line.substr(0, line.find('=')))) != "excludesfile") return false;
    const std::string value = trimmed(line.substr(line.find('=') + 1));
    if (value.starts_with("~/")) {
      const char* home = std::getenv("HOME");
      if (home == nullptr || *home != '/') return false;
      out.push_back(fs::path(home) / value.substr(2));
    } else if (value.starts_with("/") && value.find_first_of("\"\\;#") == std::string::npos) {
      out.emplace_back(value);
    } else {
      return false;
    }
  }
  return true;
}

// $XDG_CONFIG_HOME/git/<name>, else ~/.config/git/<name>, as git and libgit2 look for them.
std::optional<fs::path> xdg_git_file(const char* name) {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg == '/') return fs::path(xdg) / "git" / name;
  if (const char* home = std::getenv("HOME"); home && *home == '/') return fs::path(home) / ".config" / "git" / name;
  return std::nullopt;
}

std::string file_type(const fs::path& path) {
  std::error_code ec;
  switch (fs::symlink_status(path, ec).type()) {
    case fs::file_type::not_found: return "absent";
    case fs::file_type::directory: return "directory";
    case fs::file_type::regular: return "file";
    default: return "other";
  }
}

}  // namespace

std::optional<fs::path> nearest_dot_git(const fs::path& start) {
  const std::vector<fs::path> ceilings = ceiling_directories(std::getenv("GIT_CEILING_DIRECTORIES"));
  std::error_code ec;
  for (fs::path dir = start;; dir = dir.parent_path()) {
    if (fs::symlink_status(dir / ".git", ec).type() != fs::file_type::not_found) return dir / ".git";
    const fs::path parent = dir.parent_path();
    if (parent == dir) return std::nullopt;
    for (const fs::path& ceiling : ceilings)
      if (parent == ceiling) return std::nullopt;
  }
}

std::optional<RepositoryLook> look_at_repository(const fs::path& start) {
  const auto dot_git = nearest_dot_git(start);
  if (!dot_git) return std::nullopt;
  // Without an absolute HOME (and XDG_CONFIG_HOME, when set) libgit2 finds the global configs elsewhere.
  const char* home = std::getenv("HOME");
  const char* xdg_config = std::getenv("XDG_CONFIG_HOME");
  if (home == nullptr || *home != '/' || (xdg_config != nullptr && *xdg_config != '/')) return std::nullopt;
  RepositoryLook look;
  const auto git_dir = git_dir_of(*dot_git);
  if (!git_dir) return std::nullopt;
  look.git_dir = *git_dir;
  look.common_dir = look.git_dir;
  if (const auto common = read_whole(look.git_dir / "commondir")) {
    const fs::path named(trimmed(*common));
    look.common_dir = (named.is_absolute() ? named : look.git_dir / named).lexically_normal();
  }

  const auto head = read_whole(look.git_dir / "HEAD");
  if (!head) return std::nullopt;
  const std::string head_text = trimmed(*head);
  if (is_hex_id(head_text)) {
    look.head = head_text;
  } else if (head_text.starts_with("ref: ")) {
    auto id = resolve_ref(look.common_dir, trimmed(std::string_view(head_text).substr(5)));
    if (!id) return std::nullopt;
    look.head = std::move(*id);
  } else {
    return std::nullopt;
  }
  look.head = lowercase(look.head);

  std::string& state = look.state;
  state = "dot_git\t" + dot_git->string() + "\ngit_dir\t" + look.git_dir.string() + "\ncommon_dir\t" +
          look.common_dir.string() + "\nhead\t" + look.head + "\n";
  // Where libgit2 finds the global configs and where discovery stops.
  for (const char* variable : {"HOME", "XDG_CONFIG_HOME", "GIT_CEILING_DIRECTORIES"}) {
    const char* value = std::getenv(variable);
    state.append("env ").append(variable).append("\t").append(value ? content_digest(value) : "unset").append("\n");
  }
  add_file_line(state, "index", look.git_dir / "index", read_whole(look.git_dir / "index"));
  add_file_line(state, "shallow", look.common_dir / "shallow", read_whole(look.common_dir / "shallow"));

  std::vector<fs::path> configs = {"/etc/gitconfig", look.common_dir / "config", look.git_dir / "config.worktree",
                                   fs::path(home) / ".gitconfig"};
  if (auto xdg = xdg_git_file("config")) configs.push_back(std::move(*xdg));
  for (const fs::path& config : configs) {
    const auto text = read_whole(config);
    if (text && !excludes_files_of(*text, look.excludes_files)) return std::nullopt;
    add_file_line(state, "config", config, text);
  }
  if (auto ignore = xdg_git_file("ignore")) look.excludes_files.push_back(std::move(*ignore));
  return look;
}

std::string ignore_state(const RepositoryLook& look, const fs::path& workdir, const std::vector<fs::path>& paths) {
  std::string state;
  add_file_line(state, "exclude", look.common_dir / "info" / "exclude",
                read_whole(look.common_dir / "info" / "exclude"));
  for (const fs::path& file : look.excludes_files) add_file_line(state, "excludes", file, read_whole(file));
  std::vector<fs::path> directories;
  for (const fs::path& path : paths) {
    state.append("type\t").append(path.string()).append("\t").append(file_type(path)).append("\n");
    const fs::path relative = path.lexically_relative(workdir);
    if (relative.empty() || *relative.begin() == "..") continue;
    fs::path directory = workdir;
    directories.push_back(directory);
    for (const fs::path& part : relative.parent_path()) directories.push_back(directory /= part);
  }
  std::ranges::sort(directories);
  const auto [first, last] = std::ranges::unique(directories);
  directories.erase(first, last);
  for (const fs::path& directory : directories)
    add_file_line(state, "gitignore", directory / ".gitignore", read_whole(directory / ".gitignore"));
  return state;
}

}  // namespace deployctl::checks::git
