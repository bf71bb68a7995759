// Static files served natively under --static PREFIX=DIR mounts: which requests are ours, and for those the
// response to send (status, headers, an open file and a byte range for sendfile). No Python is involved.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/unique_fd.hpp"
#include "gateway/http/request.hpp"

namespace deployctl::gateway::static_files {

struct Mount {
  std::string prefix;               // URL prefix, e.g. "/static/" (a missing trailing '/' is added)
  std::filesystem::path directory;  // e.g. STATIC_ROOT; must exist
};

// The response for a request under a mount. Reused between requests (its buffers keep their capacity).
// Lifetime: headers() and status_line point into the plan; valid until the next resolve() into it or its
// destruction. The plan owns `fd` and closes it (reset(), destructor); the caller must not close it.
class ResponsePlan {
 public:
  ResponsePlan() = default;
  ~ResponsePlan();
  ResponsePlan(ResponsePlan&&) noexcept;
  ResponsePlan& operator=(ResponsePlan&&) noexcept;
  ResponsePlan(const ResponsePlan&) = delete;
  ResponsePlan& operator=(const ResponsePlan&) = delete;

  int status = 200;              // 200, 206, 304, 404, 405, 416
  std::string_view status_line;  // "200 OK" ... (static storage)
  // Content-Length except on 304 (for HEAD the length GET would send), Content-Type when there is a body,
  // and for files ETag, Last-Modified, Cache-Control, Accept-Ranges, Vary/Content-Encoding/Content-Range as
  // apt. No Date and no Connection: the response head builder adds those.
  std::span<const http::Header> headers() const noexcept { return {headers_.data(), headers_.size()}; }
  // The body to send after the head (nothing at all for HEAD, 304, or when both are empty):
  std::string_view body;  // a short text body (404, 405, 416), static storage
  UniqueFd fd;            // valid: send `length` bytes of this file from `offset` (sendfile); none for HEAD
  std::uint64_t offset = 0;
  std::uint64_t length = 0;

  // Closes the file and empties the plan.
  void reset() noexcept;

 private:
  friend class StaticFiles;
  void add_header(std::string_view name, std::string_view value);
  std::vector<http::Header> headers_;
  // Storage for the formatted header values (ETag, Last-Modified, Content-Length, Content-Range); fixed arrays
  // so that the views in headers_ never move.
  char etag_[48] = {};
  char last_modified_[32] = {};
  char content_length_[24] = {};
  char content_range_[72] = {};
};

enum class Resolution {
  not_mine,  // the path is under no mount: the request goes to the app
  planned,   // the plan is filled in: send it (a miss under a mount is a 404 plan, never the app's)
};

// Cache-Control for files that are not hashed names of the manifest: short, since their content may change
// under the same name (whitenoise uses the same 60 seconds).
inline constexpr std::string_view short_cache_control = "public, max-age=60";
inline constexpr std::string_view immutable_cache_control = "public, max-age=31536000, immutable";

// Security choices: the decoded path is refused (404) if it holds a NUL, a backslash, or a "." or ".."
// segment; files are opened with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) from the mount's directory
// descriptor, so symlinks that stay inside the directory work (collectstatic layouts) and any symlink or path
// leaving it fails, decided by the kernel at open time (no check-then-open race). Where openat2 is missing
// (Linux < 5.6) each component is opened with openat(O_NOFOLLOW), so no symlink is followed at all.
// Only regular files are served; directories are 404. Multiple byte ranges are answered 200 with the whole
// file (allowed by RFC 9110). Thread-safe for concurrent resolve(); reload_manifests() must not run
// concurrently with resolve().
class StaticFiles {
 public:
  // Opens every mount's directory and reads its staticfiles.json (Django's ManifestStaticFilesStorage) if
  // present. Fails with a message naming the directory when one is missing or unreadable, or naming the
  // manifest when it is not valid JSON of the expected shape.
  static Result<StaticFiles> open(std::vector<Mount> mounts);

  StaticFiles(StaticFiles&&) noexcept;
  StaticFiles& operator=(StaticFiles&&) noexcept;
  ~StaticFiles();

  // `path` is the request's percent-decoded path (Request::path); `headers` the request's headers (for
  // If-None-Match, If-Modified-Since, Range, If-Range, Accept-Encoding). The longest matching prefix wins.
  Resolution resolve(std::string_view method, std::string_view path, std::span<const http::Header> headers,
                     ResponsePlan& plan) const;

  // Re-reads every mount's staticfiles.json (e.g. on HUP, after a new collectstatic). On error the old
  // manifests stay in use.
  Result<void> reload_manifests();

  bool empty() const noexcept;

 private:
  struct MountState;
  explicit StaticFiles(std::vector<std::unique_ptr<MountState>> mounts);
  std::vector<std::unique_ptr<MountState>> mounts_;  // longest prefix first
};

// The Content-Type for a file name from the built-in extension table ("text/css; charset=utf-8", ...);
// "application/octet-stream" for unknown extensions.
std::string_view content_type_for(std::string_view file_name) noexcept;

}  // namespace deployctl::gateway::static_files
