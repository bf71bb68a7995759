// `deployctl serve` and the [serve] table: flags named as gunicorn names them.
#include "core/options.hpp"

#include <array>

namespace deployctl {

namespace {

using S = ServeConfig;
constexpr unsigned everywhere = use_flag | use_key | use_print;
constexpr std::array<std::string_view, 5> log_levels = {"debug", "info", "warning", "error", "critical"};

const Option<S> rows[] = {
    {.name = "app", .member = &S::app, .help = "The WSGI app as module:callable (default: the project's */wsgi.py)",
     .value_name = "APP", .uses = everywhere, .positional = true},
    {.name = "chdir", .member = &S::chdir, .help = "The project directory, put on sys.path (default: .)",
     .fallback = ".", .value_name = "DIR", .uses = everywhere, .paths = ConfigPaths::whole},
    {.name = "bind", .member = &S::bind,
     .help = "HOST:PORT, [IPV6]:PORT, unix:/PATH or fd://N (repeatable; default 127.0.0.1:8000)",
     .fallback = "127.0.0.1:8000", .value_name = "ADDR", .flags = "-b,--bind", .uses = everywhere},
    {.name = "workers", .member = &S::workers, .help = "Worker processes (default: 2 x cores + 1, up to 12)",
     .value_name = "N", .flags = "-w,--workers", .uses = everywhere, .minimum = 1, .maximum = 255},
    {.name = "threads", .member = &S::threads,
     .help = "Threads per worker, each answering one request at a time, as gunicorn's gthread (default 1)",
     .fallback = "1", .value_name = "N", .uses = everywhere, .minimum = 1, .maximum = 256},
    {.name = "timeout", .member = &S::timeout,
     .help = "Kill a worker stuck on one request this long, after logging its stack (default 30; 0 never)",
     .fallback = "30", .value_name = "S", .flags = "-t,--timeout", .uses = everywhere, .minimum = 0},
    {.name = "graceful-timeout", .member = &S::graceful_timeout,
     .help = "Seconds to finish in-flight requests on TERM (default 30)", .fallback = "30", .value_name = "S",
     .uses = everywhere, .minimum = 0},
    {.name = "keep-alive", .member = &S::keep_alive,
     .help = "Seconds an idle keep-alive connection stays open (default 2)", .fallback = "2", .value_name = "S",
     .uses = everywhere, .minimum = 0},
    // 0 would answer every request 408 at once, and no limit would let slowloris hold the worker: at least 1 s.
    {.name = "header-timeout", .member = &S::header_timeout,
     .help = "Seconds a request head may take to arrive, and the grace before --min-body-rate applies: slow clients "
             "get 408 (default 10)",
     .fallback = "10", .value_name = "S", .uses = everywhere, .minimum = 1},
    {.name = "min-body-rate", .member = &S::min_body_rate,
     .help = "Slowest request body accepted, in bytes per second averaged from its start; slower ones get 408 "
             "(default 1024; 0 no minimum)",
     .fallback = "1024", .value_name = "BYTES_PER_S", .uses = everywhere, .minimum = 0},
    {.name = "worker-connections", .member = &S::worker_connections,
     .help = "Most connections a worker holds open; at it, a new client takes the place of an idle keep-alive "
             "connection, else of the unfinished request that sent nothing for longest (408) (default 1000)",
     .fallback = "1000", .value_name = "N", .uses = everywhere, .minimum = 1},
    // Below 1 MiB a single head at the parser's hard limit could not be held.
    {.name = "worker-request-memory", .member = &S::worker_request_memory,
     .help = "Bytes a worker holds for requests still arriving, all connections together; past it the "
             "connection holding the most is refused (431 in its head, 413 in its body) (default 33554432)",
     .fallback = "33554432", .value_name = "BYTES", .uses = everywhere, .minimum = 1048576},
    {.name = "max-requests", .member = &S::max_requests, .help = "Recycle a worker after this many requests (0: never)",
     .fallback = "0", .value_name = "N", .uses = everywhere, .minimum = 0},
    {.name = "max-requests-jitter", .member = &S::max_requests_jitter,
     .help = "Add up to this many to --max-requests, per worker", .fallback = "0", .value_name = "N",
     .uses = everywhere, .minimum = 0},
    {.name = "limit-request-line", .member = &S::limit_request_line,
     .help = "Longest request line without its CRLF, as gunicorn counts it; longer is 414 (default 4094; 0 no limit)",
     .fallback = "4094", .value_name = "N",
     .uses = everywhere, .minimum = 0},
    {.name = "limit-request-fields", .member = &S::limit_request_fields, .help = "Most header fields (default 100)",
     .fallback = "100", .value_name = "N", .uses = everywhere, .minimum = 0},
    {.name = "limit-request-field_size", .member = &S::limit_request_field_size,
     .help = "Longest header (or trailer) line: name, colon, value with its whitespace, and the CRLF, as gunicorn "
             "counts it; longer is 431 (default 8190; 0 no limit)",
     .fallback = "8190", .value_name = "N", .uses = everywhere,
     .minimum = 0},
    {.name = "limit-request-body", .member = &S::limit_request_body,
     .help = "Largest request body (default 0: no limit)", .fallback = "0", .value_name = "N", .uses = everywhere,
     .minimum = 0},
    // Content-Length bodies are streamed to the app; a chunked one is de-chunked first (Django needs
    // CONTENT_LENGTH), so it is what can reach memory and disk.
    {.name = "limit-chunked-body", .member = &S::limit_chunked_body,
     .help = "Largest chunked request body, de-chunked before the app runs; larger is 413 (default 16777216; 0 no "
             "limit)",
     .fallback = "16777216", .value_name = "BYTES", .uses = everywhere, .minimum = 0},
    {.name = "worker-spill-limit", .member = &S::worker_spill_limit,
     .help = "Bytes of chunked request bodies a worker keeps in temporary files at once (past 1 MiB each); past it "
             "503 (default 67108864; 0 no limit)",
     .fallback = "67108864", .value_name = "BYTES", .uses = everywhere, .minimum = 0},
    {.name = "forwarded-allow-ips", .member = &S::forwarded_allow_ips,
     .help = "Proxies trusted for X-Forwarded-For/-Proto and Forwarded (default 127.0.0.1,::1; '*' all)",
     .fallback = "127.0.0.1,::1", .value_name = "LIST", .uses = everywhere},
    {.name = "static", .member = &S::statics,
     .help = "Serve URL_PREFIX from DIR natively (repeatable; default STATIC_URL=STATIC_ROOT)",
     .value_name = "PREFIX=DIR", .uses = everywhere, .paths = ConfigPaths::after_equals},
    {.name = "no-static", .member = &S::no_static, .help = "Serve no static files natively", .uses = everywhere},
    {.name = "access-logfile", .member = &S::access_logfile,
     .help = "Access log file, '-' for stdout (default: none)", .value_name = "FILE", .uses = everywhere},
    {.name = "access-logformat", .member = &S::access_logformat, .help = "Access log format with gunicorn's atoms",
     .value_name = "FMT", .uses = everywhere},
    {.name = "access-log-json", .member = &S::access_log_json, .help = "Access log as JSON lines",
     .uses = everywhere},
    {.name = "error-logfile", .member = &S::error_logfile, .help = "Error log file, '-' for stderr (default)",
     .fallback = "-", .value_name = "FILE", .flags = "--error-logfile,--log-file", .uses = everywhere},
    {.name = "log-level", .member = &S::log_level, .help = "debug, info (default), warning, error, critical",
     .fallback = "info", .value_name = "LEVEL", .uses = everywhere, .choices = log_levels},
    {.name = "metrics-bind", .member = &S::metrics_bind, .help = "Serve Prometheus metrics on this address",
     .value_name = "ADDR", .uses = everywhere},
    {.name = "pid", .member = &S::pid, .help = "Write the master's pid to this file", .value_name = "FILE",
     .flags = "-p,--pid", .uses = everywhere},
    {.name = "umask", .member = &S::umask, .help = "umask for unix sockets, e.g. 007", .value_name = "OCTAL",
     .uses = everywhere},
    {.name = "reload", .member = &S::reload, .help = "Development: reload when a .py file under --chdir changes",
     .uses = everywhere},
    {.name = "print-config", .member = &S::print_config, .help = "Print the effective settings and exit",
     .uses = use_flag, .command_line_only = "an action: prints the effective values of every other key"},
};

}  // namespace

std::span<const Option<ServeConfig>> serve_options() { return rows; }

}  // namespace deployctl
