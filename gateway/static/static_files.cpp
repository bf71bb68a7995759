// Resolving a request under a static mount to a response plan: safe open, precompressed variant, validators,
// conditional requests and ranges. One open() per candidate file and no heap allocation once the plan is warm.
#include "gateway/static/static_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <utility>

#include "core/unique_fd.hpp"
#include "gateway/http/response_head.hpp"
#include "gateway/static/manifest.hpp"
#include "gateway/static/negotiation.hpp"
#include "gateway/static/open_beneath.hpp"

namespace deployctl::gateway::static_files {

struct StaticFiles::MountState {
  std::string prefix;  // always ends with '/'
  std::filesystem::path directory;
  UniqueFd directory_fd;
  NameSet immutable_names;
};

namespace {

constexpr std::string_view not_found_body = "Not Found\n";
constexpr std::string_view not_allowed_body = "Method Not Allowed\n";
constexpr std::string_view unsatisfiable_body = "Range Not Satisfiable\n";

// A regular file opened beneath the mount, with its status; fd -1 when absent or not a regular file.
struct OpenedFile {
  UniqueFd fd;
  struct stat status {};
};

OpenedFile open_regular(int directory_fd, std::string_view relative) {
  OpenedFile file;
  file.fd = UniqueFd(open_beneath(directory_fd, relative));
  if (file.fd.get() < 0) return file;
  if (::fstat(file.fd.get(), &file.status) != 0 || !S_ISREG(file.status.st_mode)) file.fd = UniqueFd();
  return file;
}

std::int64_t mtime_ns(const struct stat& status) {
  return static_cast<std::int64_t>(status.st_mtim.tv_sec) * 1'000'000'000 + status.st_mtim.tv_nsec;
}

bool at_least_as_new(const struct stat& sibling, const struct stat& original) {
  return mtime_ns(sibling) >= mtime_ns(original);
}

std::string_view put_decimal(char* buffer, std::size_t size, std::uint64_t value) {
  const auto result = std::to_chars(buffer, buffer + size, value);
  return {buffer, static_cast<std::size_t>(result.ptr - buffer)};
}

// The request headers the static server looks at, found in one pass.
struct Conditions {
  std::string_view if_none_match;
  std::string_view if_modified_since;
  std::string_view range;
  std::string_view if_range;
  std::string_view accept_encoding;
  bool has_if_none_match = false;
  bool has_if_range = false;
};

Conditions read_conditions(std::span<const http::Header> headers) {
  Conditions c;
  for (const auto& h : headers) {
    if (http::equals_ignore_case(h.name, "if-none-match")) {
      c.if_none_match = h.value;
      c.has_if_none_match = true;
    } else if (http::equals_ignore_case(h.name, "if-modified-since")) {
      c.if_modified_since = h.value;
    } else if (http::equals_ignore_case(h.name, "range")) {
      c.range = h.value;
    } else if (http::equals_ignore_case(h.name, "if-range")) {
      c.if_range = h.value;
      c.has_if_range = true;
    } else if (http::equals_ignore_case(h.name, "accept-encoding")) {
      c.accept_encoding = h.value;
    }
  }
  return c;
}

std::string normalized_prefix(std::string prefix) {
  if (prefix.empty() || prefix.front() != '/') prefix.insert(prefix.begin(), '/');
  if (prefix.back() != '/') prefix.push_back('/');
  return prefix;
}

}  // namespace

// ---- ResponsePlan --------------------------------------------------------------------------------------------

ResponsePlan::~ResponsePlan() { reset(); }

ResponsePlan::ResponsePlan(ResponsePlan&& other) noexcept { *this = std::move(other); }

ResponsePlan& ResponsePlan::operator=(ResponsePlan&& other) noexcept {
  if (this == &other) return *this;
  reset();
  status = other.status;
  status_line = other.status_line;
  body = other.body;
  fd = std::move(other.fd);
  offset = other.offset;
  length = other.length;
  std::copy(std::begin(other.etag_), std::end(other.etag_), etag_);
  std::copy(std::begin(other.last_modified_), std::end(other.last_modified_), last_modified_);
  std::copy(std::begin(other.content_length_), std::end(other.content_length_), content_length_);
  std::copy(std::begin(other.content_range_), std::end(other.content_range_), content_range_);
  headers_ = std::move(other.headers_);
  // Values formatted into the other plan's arrays must now point into ours.
  const auto* other_begin = reinterpret_cast<const char*>(&other);
  const auto* other_end = other_begin + sizeof other;
  for (auto& header : headers_) {
    const char* data = header.value.data();
    if (data >= other_begin && data < other_end)
      header.value = std::string_view(reinterpret_cast<const char*>(this) + (data - other_begin), header.value.size());
  }
  other.reset();
  return *this;
}

void ResponsePlan::reset() noexcept {
  fd.reset();
  status = 200;
  status_line = {};
  body = {};
  offset = 0;
  length = 0;
  headers_.clear();
}

void ResponsePlan::add_header(std::string_view name, std::string_view value) { headers_.push_back({name, value}); }

// ---- StaticFiles ---------------------------------------------------------------------------------------------

StaticFiles::StaticFiles(std::vector<std::unique_ptr<MountState>> mounts) : mounts_(std::move(mounts)) {}
StaticFiles::StaticFiles(StaticFiles&&) noexcept = default;
StaticFiles& StaticFiles::operator=(StaticFiles&&) noexcept = default;
StaticFiles::~StaticFiles() = default;

bool StaticFiles::empty() const noexcept { return mounts_.empty(); }

Result<StaticFiles> StaticFiles::open(std::vector<Mount> mounts) {
  std::vector<std::unique_ptr<MountState>> states;
  for (auto& mount : mounts) {
    auto state = std::make_unique<MountState>();
    state->prefix = normalized_prefix(std::move(mount.prefix));
    state->directory = std::move(mount.directory);
    state->directory_fd.reset(::open(state->directory.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!state->directory_fd)
      return fail("static files: cannot open directory " + state->directory.string() + " for " + state->prefix +
                  ": it must exist (run `manage.py collectstatic`, or fix --static " + state->prefix + "=DIR)");
    auto names = read_manifest(state->directory / "staticfiles.json");
    if (!names) return std::unexpected(names.error());
    state->immutable_names = std::move(*names);
    states.push_back(std::move(state));
  }
  std::stable_sort(states.begin(), states.end(),
                   [](const auto& a, const auto& b) { return a->prefix.size() > b->prefix.size(); });
  return StaticFiles(std::move(states));
}

Result<void> StaticFiles::reload_manifests() {
  std::vector<NameSet> fresh;
  for (const auto& mount : mounts_) {
    auto names = read_manifest(mount->directory / "staticfiles.json");
    if (!names) return std::unexpected(names.error());
    fresh.push_back(std::move(*names));
  }
  for (std::size_t i = 0; i < mounts_.size(); ++i) mounts_[i]->immutable_names = std::move(fresh[i]);
  return {};
}

Resolution StaticFiles::resolve(std::string_view method, std::string_view path, std::span<const http::Header> headers,
                                ResponsePlan& plan) const {
  plan.reset();
  const MountState* mount = nullptr;
  for (const auto& candidate : mounts_) {
    const std::string_view prefix = candidate->prefix;
    if (path.starts_with(prefix) || path == prefix.substr(0, prefix.size() - 1)) {
      mount = candidate.get();
      break;
    }
  }
  if (mount == nullptr) return Resolution::not_mine;

  const auto answer_error = [&plan](int status, std::string_view status_line, std::string_view body) {
    plan.status = status;
    plan.status_line = status_line;
    plan.body = body;
    plan.add_header("Content-Type", "text/plain; charset=utf-8");
    plan.add_header("Content-Length", put_decimal(plan.content_length_, sizeof plan.content_length_, body.size()));
    return Resolution::planned;
  };

  const bool head = method == "HEAD";
  if (!head && method != "GET") {
    plan.add_header("Allow", "GET, HEAD");
    return answer_error(405, "405 Method Not Allowed", not_allowed_body);
  }
  auto relative = path.size() > mount->prefix.size() ? path.substr(mount->prefix.size()) : std::string_view();
  while (relative.starts_with('/')) relative.remove_prefix(1);
  if (!is_safe_relative_path(relative)) return answer_error(404, "404 Not Found", not_found_body);

  OpenedFile original = open_regular(mount->directory_fd.get(), relative);
  if (original.fd.get() < 0) return answer_error(404, "404 Not Found", not_found_body);

  const Conditions conditions = read_conditions(headers);

  // Precompressed siblings: offered (and Vary sent) only when they are at least as new as the original.
  char sibling_name[PATH_MAX];
  bool vary = false;
  std::string_view content_encoding;
  OpenedFile chosen_variant;
  if (relative.size() + 4 < sizeof sibling_name) {
    std::copy(relative.begin(), relative.end(), sibling_name);
    const auto preferences = parse_accept_encoding(conditions.accept_encoding);
    int best_q = 0;
    constexpr std::string_view suffixes[] = {".br", ".gz"};
    for (std::size_t i = 0; i < 2; ++i) {
      std::copy(suffixes[i].begin(), suffixes[i].end(), sibling_name + relative.size());
      const std::string_view sibling(sibling_name, relative.size() + suffixes[i].size());
      OpenedFile variant = open_regular(mount->directory_fd.get(), sibling);
      if (variant.fd.get() < 0 || !at_least_as_new(variant.status, original.status)) continue;
      vary = true;
      const int q = i == 0 ? preferences.brotli : preferences.gzip;
      if (q > best_q) {  // strictly greater: on a tie the earlier (brotli) stays
        best_q = q;
        chosen_variant = std::move(variant);
        content_encoding = i == 0 ? "br" : "gzip";
      }
    }
  }
  OpenedFile& file = chosen_variant.fd.get() >= 0 ? chosen_variant : original;
  const auto size = static_cast<std::uint64_t>(file.status.st_size);

  // Validators of the representation actually sent: ETag from its size and mtime, Last-Modified.
  {
    char* e = plan.etag_;
    *e++ = '"';
    e = std::to_chars(e, plan.etag_ + 40, static_cast<std::uint64_t>(mtime_ns(file.status)), 16).ptr;
    *e++ = '-';
    e = std::to_chars(e, plan.etag_ + 46, size, 16).ptr;
    *e++ = '"';
    plan.add_header("ETag", std::string_view(plan.etag_, static_cast<std::size_t>(e - plan.etag_)));
  }
  const std::string_view etag = plan.headers_.back().value;
  const auto last_modified =
      http::format_http_date(static_cast<std::int64_t>(file.status.st_mtim.tv_sec), plan.last_modified_);
  plan.add_header("Last-Modified", last_modified);
  const bool immutable = mount->immutable_names.find(relative) != mount->immutable_names.end();
  plan.add_header("Cache-Control", immutable ? immutable_cache_control : short_cache_control);
  if (vary) plan.add_header("Vary", "Accept-Encoding");

  // Conditional GET: If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
  bool not_modified = false;
  if (conditions.has_if_none_match) {
    not_modified = if_none_match_matches(conditions.if_none_match, etag);
  } else if (!conditions.if_modified_since.empty()) {
    const auto since = http::parse_http_date(conditions.if_modified_since);
    not_modified = since && static_cast<std::int64_t>(file.status.st_mtim.tv_sec) <= *since;
  }
  if (not_modified) {
    plan.status = 304;
    plan.status_line = "304 Not Modified";
    return Resolution::planned;
  }

  plan.add_header("Content-Type", content_type_for(relative));
  if (!content_encoding.empty()) plan.add_header("Content-Encoding", content_encoding);
  plan.add_header("Accept-Ranges", "bytes");

  ByteRange range;
  if (!conditions.range.empty()) {
    // If-Range: the range applies only if the client's copy is current (strong ETag or exact date).
    bool range_applies = true;
    if (conditions.has_if_range) {
      const auto if_range = conditions.if_range;
      range_applies = if_range.starts_with('"') ? if_range == etag : if_range == last_modified;
    }
    if (range_applies) range = parse_range(conditions.range, size);
  }
  if (range.kind == RangeKind::unsatisfiable) {
    char* r = plan.content_range_;
    const std::string_view star = "bytes */";
    r = std::copy(star.begin(), star.end(), r);
    r = std::to_chars(r, plan.content_range_ + sizeof plan.content_range_, size).ptr;
    plan.add_header("Content-Range",
                    std::string_view(plan.content_range_, static_cast<std::size_t>(r - plan.content_range_)));
    // The file's Content-Type was for a body we do not send: answer_error sets the text one.
    plan.headers_.erase(
        std::remove_if(plan.headers_.begin(), plan.headers_.end(),
                       [](const http::Header& h) { return h.name == "Content-Type" || h.name == "Content-Encoding"; }),
        plan.headers_.end());
    return answer_error(416, "416 Range Not Satisfiable", unsatisfiable_body);
  }
  if (range.kind == RangeKind::single) {
    plan.status = 206;
    plan.status_line = "206 Partial Content";
    plan.offset = range.first;
    plan.length = range.length;
    char* r = plan.content_range_;
    const std::string_view unit = "bytes ";
    const auto end = plan.content_range_ + sizeof plan.content_range_;
    r = std::copy(unit.begin(), unit.end(), r);
    r = std::to_chars(r, end, range.first).ptr;
    *r++ = '-';
    r = std::to_chars(r, end, range.first + range.length - 1).ptr;
    *r++ = '/';
    r = std::to_chars(r, end, size).ptr;
    plan.add_header("Content-Range",
                    std::string_view(plan.content_range_, static_cast<std::size_t>(r - plan.content_range_)));
  } else {
    plan.status = 200;
    plan.status_line = "200 OK";
    plan.offset = 0;
    plan.length = size;
  }
  plan.add_header("Content-Length", put_decimal(plan.content_length_, sizeof plan.content_length_, plan.length));
  if (!head) plan.fd = std::move(file.fd);
  return Resolution::planned;
}

}  // namespace deployctl::gateway::static_files
