// Static files on real files in a temp dir: mounts, 404/405, traversal and symlink escape, content types,
// validators and 304, ranges (206/416), precompressed variants, and the manifest's immutable names.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gateway/http/request_parser.hpp"
#include "gateway/static/negotiation.hpp"
#include "gateway/static/open_beneath.hpp"
#include "gateway/static/static_files.hpp"
#include "temp_dir.hpp"

using namespace deployctl::gateway;
using namespace deployctl::gateway::static_files;
namespace fs = std::filesystem;

namespace {

// Writes a file of the tree `age_seconds` old: the precompressed-variant rules compare modification times.
fs::path write_aged(const deployctl::testing::TempDir& tree, const std::string& relative, const std::string& content,
                    int age_seconds = 100) {
  tree.write(relative, content);
  const fs::path path = tree.root() / relative;
  fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::seconds(age_seconds));
  return path;
}

std::optional<std::string> header(const ResponsePlan& plan, std::string_view name) {
  for (const auto& h : plan.headers())
    if (http::equals_ignore_case(h.name, name)) return std::string(h.value);
  return std::nullopt;
}

std::string file_bytes(const ResponsePlan& plan) {
  REQUIRE(plan.fd);
  std::string bytes(plan.length, '\0');
  REQUIRE(::pread(plan.fd.get(), bytes.data(), bytes.size(), static_cast<off_t>(plan.offset)) ==
          static_cast<ssize_t>(plan.length));
  return bytes;
}

struct Fixture {
  deployctl::testing::TempDir tree;
  fs::path static_root = tree.root() / "static";
  StaticFiles files = open_files();
  ResponsePlan plan;

  StaticFiles open_files() {
    write_aged(tree, "static/css/base.css", "body{color:red}");
    write_aged(tree, "static/css/base.6b5ad2f1.css", "body{color:red}");
    write_aged(tree, "static/app.js", std::string(1000, 'j'));
    write_aged(tree, "static/app.js.br", "BROTLI", 50);
    write_aged(tree, "static/app.js.gz", "GZIPPED", 50);
    write_aged(tree, "static/old.js", "old");
    write_aged(tree, "static/old.js.gz", "stale", 500);  // older than old.js: never used
    write_aged(tree, "static/data.bin", "0123456789");
    write_aged(tree, "static/staticfiles.json",
               R"({"paths": {"css/base.css": "css/base.6b5ad2f1.css"}, "version": "1.0"})");
    write_aged(tree, "secret.txt", "top secret");
    write_aged(tree, "media/m.txt", "media");
    fs::create_symlink(tree.root() / "secret.txt", static_root / "escape.txt");
    fs::create_symlink("css/base.css", static_root / "inside.css");
    fs::create_symlink(tree.root(), static_root / "up");
    auto opened = StaticFiles::open({{"/static/", static_root}, {"/static/media", tree.root() / "media"}});
    REQUIRE(opened.has_value());
    return std::move(*opened);
  }

  Resolution get(std::string_view path, std::vector<http::Header> headers = {}, std::string_view method = "GET") {
    return files.resolve(method, path, headers, plan);
  }
};

}  // namespace

TEST_SUITE("gateway static") {
  TEST_CASE("paths under no mount are not ours, longest prefix wins") {
    Fixture f;
    CHECK(f.get("/") == Resolution::not_mine);
    CHECK(f.get("/admin/") == Resolution::not_mine);
    CHECK(f.get("/staticfoo/app.js") == Resolution::not_mine);
    REQUIRE(f.get("/static/media/m.txt") == Resolution::planned);
    CHECK(f.plan.status == 200);
    CHECK(file_bytes(f.plan) == "media");
    REQUIRE(f.get("/static/app.js") == Resolution::planned);
    CHECK(f.plan.status == 200);
  }

  TEST_CASE("a file is planned with its headers and an open descriptor") {
    Fixture f;
    REQUIRE(f.get("/static/css/base.css") == Resolution::planned);
    CHECK(f.plan.status == 200);
    CHECK(f.plan.status_line == "200 OK");
    CHECK(header(f.plan, "Content-Type") == "text/css; charset=utf-8");
    CHECK(header(f.plan, "Content-Length") == "15");
    CHECK(header(f.plan, "Accept-Ranges") == "bytes");
    CHECK(header(f.plan, "ETag").value_or("").starts_with("\""));
    CHECK(header(f.plan, "Last-Modified").value_or("").ends_with(" GMT"));
    CHECK(header(f.plan, "Cache-Control") == std::string(short_cache_control));
    CHECK_FALSE(header(f.plan, "Vary").has_value());
    CHECK(file_bytes(f.plan) == "body{color:red}");
  }

  TEST_CASE("HEAD has the GET headers and no descriptor, other methods are 405") {
    Fixture f;
    REQUIRE(f.get("/static/css/base.css", {}, "HEAD") == Resolution::planned);
    CHECK(f.plan.status == 200);
    CHECK(header(f.plan, "Content-Length") == "15");
    CHECK(f.plan.fd.get() == -1);
    REQUIRE(f.get("/static/css/base.css", {}, "POST") == Resolution::planned);
    CHECK(f.plan.status == 405);
    CHECK(header(f.plan, "Allow") == "GET, HEAD");
    CHECK(f.plan.body == "Method Not Allowed\n");
    CHECK(header(f.plan, "Content-Length") == std::to_string(f.plan.body.size()));
  }

  TEST_CASE("misses, directories and traversal are 404 and never fall through") {
    Fixture f;
    for (const auto* path :
         {"/static/nope.css", "/static/css", "/static/css/", "/static/", "/static", "/static/../secret.txt",
          "/static/css/../../secret.txt", "/static/./app.js", "/static/css\\..\\..\\secret.txt"}) {
      CAPTURE(path);
      REQUIRE(f.get(path) == Resolution::planned);
      CHECK(f.plan.status == 404);
      CHECK(f.plan.fd.get() == -1);
      CHECK(f.plan.body == "Not Found\n");
    }
    // Request::path is already percent-decoded: %2e%2e arrives as ".." and a NUL as a NUL byte
    REQUIRE(f.get(std::string_view("/static/app.js\0.txt", 19)) == Resolution::planned);
    CHECK(f.plan.status == 404);
  }

  TEST_CASE("percent-encoded traversal from a real request line is a 404") {
    Fixture f;
    for (const auto* target :
         {"/static/%2e%2e/secret.txt", "/static/%2E%2E%2Fsecret.txt", "/static/css/..%2f..%2fsecret.txt",
          "/static/app.js%00.txt", "/static/css%5c..%5c..%5csecret.txt"}) {
      CAPTURE(target);
      http::RequestParser parser;
      REQUIRE(parser.feed("GET " + std::string(target) + " HTTP/1.1\r\nHost: h\r\n\r\n") ==
              http::ParseStatus::request_ready);
      const auto& request = parser.request();
      REQUIRE(f.files.resolve(request.method, request.path, request.headers, f.plan) == Resolution::planned);
      CHECK(f.plan.status == 404);
    }
    http::RequestParser parser;
    REQUIRE(parser.feed("GET /static/css/base%2Ecss HTTP/1.1\r\nHost: h\r\n\r\n") == http::ParseStatus::request_ready);
    REQUIRE(f.files.resolve("GET", parser.request().path, parser.request().headers, f.plan) == Resolution::planned);
    CHECK(f.plan.status == 200);
  }

  TEST_CASE("symlinks may not leave the mount, with openat2 or with the fallback") {
    for (bool with_openat2 : {true, false}) {
      CAPTURE(with_openat2);
      use_openat2(with_openat2);
      Fixture f;
      REQUIRE(f.get("/static/escape.txt") == Resolution::planned);
      CHECK(f.plan.status == 404);
      REQUIRE(f.get("/static/up/secret.txt") == Resolution::planned);
      CHECK(f.plan.status == 404);
      REQUIRE(f.get("/static/inside.css") == Resolution::planned);
      // the fallback follows no symlink at all; openat2 allows one that stays inside
      CHECK(f.plan.status == (with_openat2 ? 200 : 404));
      REQUIRE(f.get("/static/css/base.css") == Resolution::planned);
      CHECK(f.plan.status == 200);
    }
    use_openat2(true);
  }

  TEST_CASE("a FIFO is not served and does not block") {
    Fixture f;
    REQUIRE(::mkfifo((f.static_root / "pipe.txt").c_str(), 0644) == 0);
    REQUIRE(f.get("/static/pipe.txt") == Resolution::planned);
    CHECK(f.plan.status == 404);
  }

  TEST_CASE("If-None-Match and If-Modified-Since give 304") {
    Fixture f;
    REQUIRE(f.get("/static/data.bin") == Resolution::planned);
    const auto etag = *header(f.plan, "ETag");
    const auto last_modified = *header(f.plan, "Last-Modified");

    REQUIRE(f.get("/static/data.bin", {{"If-None-Match", etag}}) == Resolution::planned);
    CHECK(f.plan.status == 304);
    CHECK(f.plan.fd.get() == -1);
    CHECK(header(f.plan, "ETag") == etag);
    CHECK_FALSE(header(f.plan, "Content-Length").has_value());
    f.get("/static/data.bin", {{"If-None-Match", "\"other\", W/" + etag}});
    CHECK(f.plan.status == 304);
    f.get("/static/data.bin", {{"If-None-Match", "*"}});
    CHECK(f.plan.status == 304);
    f.get("/static/data.bin", {{"If-None-Match", "\"other\""}});
    CHECK(f.plan.status == 200);

    f.get("/static/data.bin", {{"If-Modified-Since", last_modified}});
    CHECK(f.plan.status == 304);
    f.get("/static/data.bin", {{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}});
    CHECK(f.plan.status == 200);
    f.get("/static/data.bin", {{"If-Modified-Since", "garbage"}});
    CHECK(f.plan.status == 200);
    // If-None-Match wins over If-Modified-Since
    f.get("/static/data.bin", {{"If-None-Match", "\"other\""}, {"If-Modified-Since", last_modified}});
    CHECK(f.plan.status == 200);
  }

  TEST_CASE("single byte ranges are 206, unsatisfiable ones 416, multiple ones the whole file") {
    Fixture f;
    f.get("/static/data.bin", {{"Range", "bytes=2-5"}});
    CHECK(f.plan.status == 206);
    CHECK(header(f.plan, "Content-Range") == "bytes 2-5/10");
    CHECK(header(f.plan, "Content-Length") == "4");
    CHECK(file_bytes(f.plan) == "2345");
    f.get("/static/data.bin", {{"Range", "bytes=7-"}});
    CHECK(file_bytes(f.plan) == "789");
    f.get("/static/data.bin", {{"Range", "bytes=-3"}});
    CHECK(header(f.plan, "Content-Range") == "bytes 7-9/10");
    f.get("/static/data.bin", {{"Range", "bytes=5-100"}});
    CHECK(header(f.plan, "Content-Range") == "bytes 5-9/10");

    f.get("/static/data.bin", {{"Range", "bytes=10-"}});
    CHECK(f.plan.status == 416);
    CHECK(header(f.plan, "Content-Range") == "bytes */10");
    CHECK(f.plan.fd.get() == -1);
    CHECK(header(f.plan, "Content-Type") == "text/plain; charset=utf-8");

    f.get("/static/data.bin", {{"Range", "bytes=0-1,4-5"}});
    CHECK(f.plan.status == 200);
    CHECK(header(f.plan, "Content-Length") == "10");
    f.get("/static/data.bin", {{"Range", "lines=1-2"}});
    CHECK(f.plan.status == 200);
    f.get("/static/data.bin", {{"Range", "bytes=5-2"}});
    CHECK(f.plan.status == 200);
  }

  TEST_CASE("If-Range keeps the range only for the current representation") {
    Fixture f;
    f.get("/static/data.bin");
    const auto etag = *header(f.plan, "ETag");
    f.get("/static/data.bin", {{"Range", "bytes=0-0"}, {"If-Range", etag}});
    CHECK(f.plan.status == 206);
    f.get("/static/data.bin", {{"Range", "bytes=0-0"}, {"If-Range", "\"stale\""}});
    CHECK(f.plan.status == 200);
  }

  TEST_CASE("precompressed variants follow Accept-Encoding q-values and need to be at least as new") {
    Fixture f;
    f.get("/static/app.js", {{"Accept-Encoding", "gzip, deflate, br"}});
    CHECK(header(f.plan, "Content-Encoding") == "br");
    CHECK(header(f.plan, "Vary") == "Accept-Encoding");
    CHECK(header(f.plan, "Content-Type") == "text/javascript; charset=utf-8");
    CHECK(file_bytes(f.plan) == "BROTLI");
    f.get("/static/app.js", {{"Accept-Encoding", "gzip"}});
    CHECK(header(f.plan, "Content-Encoding") == "gzip");
    CHECK(file_bytes(f.plan) == "GZIPPED");
    f.get("/static/app.js", {{"Accept-Encoding", "br;q=0.5, gzip;q=0.8"}});
    CHECK(header(f.plan, "Content-Encoding") == "gzip");
    f.get("/static/app.js", {{"Accept-Encoding", "br;q=0, *"}});
    CHECK(header(f.plan, "Content-Encoding") == "gzip");
    f.get("/static/app.js", {{"Accept-Encoding", "*;q=0"}});
    CHECK_FALSE(header(f.plan, "Content-Encoding").has_value());
    f.get("/static/app.js");
    CHECK_FALSE(header(f.plan, "Content-Encoding").has_value());
    CHECK(header(f.plan, "Vary") == "Accept-Encoding");
    CHECK(header(f.plan, "Content-Length") == "1000");
    // the variant has its own validator
    f.get("/static/app.js", {{"Accept-Encoding", "br"}});
    const auto br_etag = *header(f.plan, "ETag");
    f.get("/static/app.js");
    CHECK(header(f.plan, "ETag") != br_etag);
    // a stale variant is ignored and does not make the response vary
    f.get("/static/old.js", {{"Accept-Encoding", "gzip"}});
    CHECK_FALSE(header(f.plan, "Content-Encoding").has_value());
    CHECK_FALSE(header(f.plan, "Vary").has_value());
    CHECK(file_bytes(f.plan) == "old");
  }

  TEST_CASE("Accept-Encoding parsing") {
    CHECK(parse_accept_encoding("br").brotli == 1000);
    CHECK(parse_accept_encoding("br").gzip == 0);
    CHECK(parse_accept_encoding("gzip;q=0.25").gzip == 250);
    CHECK(parse_accept_encoding("x-gzip").gzip == 1000);
    CHECK(parse_accept_encoding("*;q=0.5, br;q=0").brotli == 0);
    CHECK(parse_accept_encoding("*;q=0.5, br;q=0").gzip == 500);
    CHECK(parse_accept_encoding("gzip;q=2").gzip == 0);
    CHECK(parse_accept_encoding("GZIP ; Q=1.000").gzip == 1000);
  }

  TEST_CASE("hashed names from staticfiles.json are immutable, and reload picks up a new manifest") {
    Fixture f;
    f.get("/static/css/base.6b5ad2f1.css");
    CHECK(header(f.plan, "Cache-Control") == std::string(immutable_cache_control));
    f.get("/static/css/base.css");
    CHECK(header(f.plan, "Cache-Control") == std::string(short_cache_control));
    write_aged(f.tree, "static/staticfiles.json", R"({"paths": {"app.js": "data.bin"}, "version": "1.0"})");
    REQUIRE(f.files.reload_manifests().has_value());
    f.get("/static/data.bin");
    CHECK(header(f.plan, "Cache-Control") == std::string(immutable_cache_control));
    f.get("/static/css/base.6b5ad2f1.css");
    CHECK(header(f.plan, "Cache-Control") == std::string(short_cache_control));
    write_aged(f.tree, "static/staticfiles.json", "{not json");
    const auto reloaded = f.files.reload_manifests();
    REQUIRE_FALSE(reloaded.has_value());
    CHECK(reloaded.error().message.find("staticfiles.json") != std::string::npos);
    f.get("/static/data.bin");  // the old manifest stays in use
    CHECK(header(f.plan, "Cache-Control") == std::string(immutable_cache_control));
  }

  TEST_CASE("opening fails clearly for a missing directory or a bad manifest") {
    deployctl::testing::TempDir tree;
    auto missing = StaticFiles::open({{"/static/", tree.root() / "nope"}});
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().message.find("nope") != std::string::npos);
    write_aged(tree, "s/staticfiles.json", R"({"version": "1.0"})");
    auto bad = StaticFiles::open({{"static", tree.root() / "s"}});
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().message.find("paths") != std::string::npos);
  }

  TEST_CASE("content types from the extension table") {
    CHECK(content_type_for("a/b.CSS") == "text/css; charset=utf-8");
    CHECK(content_type_for("x.mjs") == "text/javascript; charset=utf-8");
    CHECK(content_type_for("x.woff2") == "font/woff2");
    CHECK(content_type_for("x.svg") == "image/svg+xml");
    CHECK(content_type_for("x.wasm") == "application/wasm");
    CHECK(content_type_for("x.map") == "application/json");
    CHECK(content_type_for("x.avif") == "image/avif");
    CHECK(content_type_for("x.tar") == "application/octet-stream");
    CHECK(content_type_for("dir.d/noext") == "application/octet-stream");
  }

  TEST_CASE("a plan survives being moved, and closes its descriptor") {
    Fixture f;
    f.get("/static/data.bin", {{"Range", "bytes=1-2"}});
    const auto range = *header(f.plan, "Content-Range");
    ResponsePlan moved = std::move(f.plan);
    CHECK(f.plan.fd.get() == -1);
    CHECK(header(moved, "Content-Range") == range);
    CHECK(file_bytes(moved) == "12");
    const int fd = moved.fd.get();
    moved.reset();
    CHECK(::fcntl(fd, F_GETFD) == -1);
  }
}
