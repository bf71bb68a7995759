// The request parser alone, for bench/http_parser_instructions.sh: one parser (one keep-alive connection) fed N
// copies of a request, each in one slice as a socket read brings it. `http_parser_driver KIND N`, KIND one of
// small (a 74-byte GET), browser (Chrome's GET, 1.1 KB of headers), chunked (a 1 KiB upload in 4 chunks),
// length (the same with Content-Length). Exits 1 if a request is refused.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "gateway/http/request_parser.hpp"

using namespace deployctl::gateway::http;

namespace {

std::string browser_get() {
  return "GET /posts/hello-world/?page=2&sort=new HTTP/1.1\r\n"
         "Host: blog.example.com\r\n"
         "Connection: keep-alive\r\n"
         "sec-ch-ua: \"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n"
         "sec-ch-ua-mobile: ?0\r\n"
         "sec-ch-ua-platform: \"Linux\"\r\n"
         "Upgrade-Insecure-Requests: 1\r\n"
         "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
         "Safari/537.36\r\n"
         "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;"
         "q=0.8,application/signed-exchange;v=b3;q=0.7\r\n"
         "Sec-Fetch-Site: same-origin\r\n"
         "Sec-Fetch-Mode: navigate\r\n"
         "Sec-Fetch-User: ?1\r\n"
         "Sec-Fetch-Dest: document\r\n"
         "Referer: https://blog.example.com/posts/\r\n"
         "Accept-Encoding: gzip, deflate, br\r\n"
         "Accept-Language: en-GB,en;q=0.9,fr;q=0.8\r\n"
         "Cookie: csrftoken=Zx8b3kQ1r9VYp2mW7c0LhT5nE4sA6dJf; sessionid=q2w3e4r5t6y7u8i9o0p1a2s3d4f5g6h7\r\n"
         "\r\n";
}

std::string small_get() { return "GET /api/health/ HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUser-Agent: bench\r\n\r\n"; }

std::string chunked_post() {
  std::string body(1024, 'x');
  std::string r =
      "POST /api/echo/ HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nContent-Type: application/octet-stream\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  r += "200\r\n" + body.substr(0, 512) + "\r\n100\r\n" + body.substr(0, 256) + "\r\n100\r\n" + body.substr(0, 256) +
       "\r\n0\r\n\r\n";
  return r;
}

std::string length_post() {
  return "POST /api/echo/ HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nContent-Type: application/octet-stream\r\n"
         "Content-Length: 1024\r\n\r\n" +
         std::string(1024, 'x');
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  const std::string_view kind = argv[1];
  const std::string request = kind == "browser"   ? browser_get()
                              : kind == "small"   ? small_get()
                              : kind == "chunked" ? chunked_post()
                                                  : length_post();
  const long count = std::atol(argv[2]);
  RequestParser parser;
  long served = 0;
  for (long i = 0; i < count; ++i) {
    ParseStatus status = parser.feed(request);
    while (status == ParseStatus::request_ready) {
      ++served;
      status = parser.next();
    }
    if (status == ParseStatus::rejected) {
      std::fprintf(stderr, "rejected: %d %.*s\n", parser.rejection().status,
                   static_cast<int>(parser.rejection().reason.size()), parser.rejection().reason.data());
      return 1;
    }
  }
  return served == count ? 0 : 1;
}
