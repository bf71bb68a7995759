// LOG001-LOG007: every way logging.config.dictConfig (CPython 3.11) rejects a LOGGING dict, and the two ways
// a LOGGING loses errors (relative log files, Django's loggers disabled).
#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "rules_own_support.hpp"

namespace deployctl::checks::rules_own_test {

namespace {

// A valid LOGGING with `extra` spliced into its top level; handlers and loggers given whole.
std::string logging(const std::string& handlers, const std::string& loggers, const std::string& extra = "") {
  return "LOGGING = {\n    'version': 1,\n    'disable_existing_loggers': False,\n" + extra + "    'handlers': {" +
         handlers + "},\n    'loggers': {" + loggers + "},\n}\n";
}

const std::string console = "'console': {'class': 'logging.StreamHandler'}";

}  // namespace

TEST_SUITE("rules-own logging") {
  TEST_CASE("rules-own LOG001: version missing or not 1") {
    const auto missing = run_rule("LOG001", "LOGGING = {'handlers': {}}\n");
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].message.find("no 'version'") != std::string::npos);
    CHECK(missing[0].setting == std::optional<std::string>("LOGGING"));
    CHECK(run_rule("LOG001", "LOGGING = {'version': 2}\n").size() == 1);
    CHECK(run_rule("LOG001", "LOGGING = {'version': '1'}\n").size() == 1);
    CHECK(run_rule("LOG001", "LOGGING = {'version': 1}\n").empty());
    CHECK(run_rule("LOG001", "LOGGING = {'version': True}\n").empty());  // True == 1 in Python
    CHECK(run_rule("LOG001", "LOGGING = {}\n").empty());                 // Django skips an empty LOGGING
    CHECK(run_rule("LOG001", "LOGGING_CONFIG = None\nLOGGING = {'handlers': {}}\n").empty());
  }

  TEST_CASE("rules-own LOG002: undefined handlers, formatters and filters") {
    SUBCASE("a logger's handler, with the hint about Django's defaults") {
      const auto f = run_rule("LOG002", logging(console, "'django': {'handlers': ['console', 'mail_admins']}"));
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("'mail_admins'") != std::string::npos);
      CHECK(f[0].message.find("DEFAULT_LOGGING") != std::string::npos);
    }
    SUBCASE("a handler's formatter") {
      const auto f =
          run_rule("LOG002", logging("'console': {'class': 'logging.StreamHandler', 'formatter': 'verbose'}", ""));
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("formatter 'verbose'") != std::string::npos);
    }
    SUBCASE("a handler's filter") {
      CHECK(run_rule("LOG002",
                     logging("'console': {'class': 'logging.StreamHandler', 'filters': ['require_debug_false']}", ""))
                .size() == 1);
    }
    SUBCASE("the root logger's handler") {
      CHECK(run_rule("LOG002", logging(console, "", "    'root': {'handlers': ['file']},\n")).size() == 1);
    }
    SUBCASE("handlers given as a string") {
      const auto f = run_rule("LOG002", logging(console, "'django': {'handlers': 'console'}"));
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("character by character") != std::string::npos);
    }
    SUBCASE("a MemoryHandler target") {
      CHECK(run_rule("LOG002", logging("'buffer': {'class': 'logging.handlers.MemoryHandler', 'capacity': 100, "
                                       "'target': 'file'}",
                                       ""))
                .size() == 1);
    }
    CHECK(run_rule("LOG002", logging(console + ", 'mail_admins': {'class': 'django.utils.log.AdminEmailHandler'}",
                                     "'django': {'handlers': ['console', 'mail_admins']}"))
              .empty());
    CHECK(run_rule("LOG002",
                   "import os\nLOGGING = {'version': 1, 'handlers': os.environ.get('H'),"
                   " 'loggers': {'django': {'handlers': ['x']}}}\n")
              .empty());  // unknown section: silent
  }

  TEST_CASE("rules-own LOG003: unknown level names, also from an env default") {
    CHECK(run_rule("LOG003", logging("'console': {'class': 'logging.StreamHandler', 'level': 'info'}", "")).size() ==
          1);
    CHECK(run_rule("LOG003", logging(console, "'django': {'handlers': ['console'], 'level': 'WARNINGS'}")).size() == 1);
    CHECK(run_rule("LOG003", logging(console, "'django': {'level': 10.5}")).size() == 1);
    const auto from_env =
        run_rule("LOG003", "import os\n" + logging(console, "'django': {'level': os.getenv('LOG_LEVEL', 'debug')}"));
    REQUIRE(from_env.size() == 1);
    CHECK(from_env[0].message.find("LOG_LEVEL") != std::string::npos);
    CHECK(run_rule("LOG003", "import os\n" + logging(console, "'django': {'level': os.getenv('LOG_LEVEL', 'debug')}"),
                   environment({{"LOG_LEVEL", "DEBUG"}}))
              .empty());
    CHECK(
        run_rule("LOG003", logging(console, "'django': {'level': 'WARN'}, 'app': {'level': 20}, 'x': {'level': None}"))
            .empty());
  }

  TEST_CASE("rules-own LOG004: missing or non-existent handler classes, file handlers without filename") {
    const auto missing = run_rule("LOG004", logging("'console': {'level': 'INFO'}", ""));
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].message.find("no 'class'") != std::string::npos);
    const auto wrong = run_rule(
        "LOG004", logging("'file': {'class': 'logging.RotatingFileHandler', 'filename': '/var/log/x.log'}", ""));
    REQUIRE(wrong.size() == 1);
    CHECK(wrong[0].message.find("logging.handlers.RotatingFileHandler") != std::string::npos);
    CHECK(run_rule("LOG004", logging("'x': {'class': 'logging.handlers.RotatingHandler'}", "")).size() == 1);
    CHECK(run_rule("LOG004", logging("'file': {'class': 'logging.FileHandler'}", "")).size() == 1);
    CHECK(run_rule("LOG004", logging("'x': {'()': 'mysite.log.make_handler'}", "")).empty());
    CHECK(run_rule("LOG004", logging("'x': {'class': 'mysite.log.Handler'}", "")).empty());
    CHECK(run_rule("LOG004", logging("'x': {'class': 'logging.NullHandler'}", "")).empty());
  }

  TEST_CASE("rules-own LOG005: relative file handler paths, literal or from an env default") {
    const auto f = run_rule("LOG005", logging("'file': {'class': 'logging.FileHandler', 'filename': 'debug.log'}", ""));
    REQUIRE(f.size() == 1);
    CHECK(f[0].message.find("'debug.log'") != std::string::npos);
    CHECK(f[0].severity == Severity::warning);
    CHECK(run_rule("LOG005", "import os\n" + logging("'file': {'class': 'logging.handlers.TimedRotatingFileHandler', "
                                                     "'filename': os.environ.get('LOG_FILE', 'logs/app.log')}",
                                                     ""))
              .size() == 1);
    CHECK(run_rule("LOG005", logging("'file': {'class': 'logging.FileHandler', 'filename': '/var/log/app.log'}", ""))
              .empty());
    CHECK(
        run_rule(
            "LOG005",
            "import os\nBASE_DIR = '/srv/app'\n" +
                logging("'file': {'class': 'logging.FileHandler', 'filename': os.path.join(BASE_DIR, 'app.log')}", ""))
            .empty());
    CHECK(run_rule("LOG005", logging("'file': {'class': 'mysite.FileHandler', 'filename': 'app.log'}", "")).empty());
  }

  TEST_CASE("rules-own LOG006: disable_existing_loggers true naming neither 'django' nor 'django.request'") {
    const std::string omitted = "LOGGING = {'version': 1, 'handlers': {" + console +
                                "}, "
                                "'root': {'handlers': ['console']}}\n";
    const auto f = run_rule("LOG006", omitted);
    REQUIRE(f.size() == 1);
    CHECK(f[0].message.find("the default when the key is omitted") != std::string::npos);
    CHECK(run_rule("LOG006", "LOGGING = {'version': 1, 'disable_existing_loggers': True, 'loggers': {'app': {}}}\n")
              .size() == 1);
    // Only the loggers that exist when LOGGING is applied, and that it neither names nor keeps as children of a
    // logger it names, are said to be switched off (what Django 3.2's setup() shows).
    CHECK(f[0].message.find("('django', 'django.request', 'django.server', 'django.db.backends', "
                            "'django.template')") != std::string::npos);
    const auto some_named =
        run_rule("LOG006", "LOGGING = {'version': 1, 'loggers': {'django.server': {}, 'django.db': {}}}\n");
    REQUIRE(some_named.size() == 1);
    CHECK(some_named[0].message.find("('django', 'django.request', 'django.template')") != std::string::npos);
    // django.request named: errors in views are still logged.
    CHECK(run_rule("LOG006", "LOGGING = {'version': 1, 'loggers': {'django.request': {}}}\n").empty());
    CHECK(run_rule("LOG006", "LOGGING = {'version': 1, 'disable_existing_loggers': False}\n").empty());
    CHECK(run_rule("LOG006", "LOGGING = {'version': 1, 'loggers': {'django': {'level': 'INFO'}}}\n").empty());
    CHECK(run_rule("LOG006", "LOGGING = {'version': 1, 'incremental': True}\n").empty());
  }

  TEST_CASE("rules-own LOG007: bad styles and %-formats without fields") {
    CHECK(run_rule("LOG007",
                   "LOGGING = {'version': 1, 'disable_existing_loggers': False, "
                   "'formatters': {'f': {'format': '{message}'}}}\n")
              .size() == 1);
    CHECK(run_rule("LOG007",
                   "LOGGING = {'version': 1, 'disable_existing_loggers': False, "
                   "'formatters': {'f': {'format': '%(message)s', 'style': '#'}}}\n")
              .size() == 1);
    CHECK(run_rule("LOG007",
                   "LOGGING = {'version': 1, 'disable_existing_loggers': False, "
                   "'formatters': {'f': {'format': '%(levelname)-8s %(message)s'}}}\n")
              .empty());
    CHECK(run_rule("LOG007",
                   "LOGGING = {'version': 1, 'disable_existing_loggers': False, "
                   "'formatters': {'f': {'()': 'django.utils.log.ServerFormatter', 'format': '[{server_time}] "
                   "{message}', 'style': '{'}}}\n")
              .empty());
    CHECK(run_rule("LOG007",
                   "LOGGING = {'version': 1, 'disable_existing_loggers': False, "
                   "'formatters': {'f': {'format': '{message}', 'validate': False}}}\n")
              .empty());
  }

  TEST_CASE("rules-own LOG007: a %-field is what logging's validation pattern accepts") {
    // Expected values from Python: re.search(r'%\(\w+\)[#0+ -]*(\*|\d+)?(\.(\*|\d+))?[diouxefgcrsa%]', f, re.I).
    const std::pair<const char*, bool> formats[] = {
        {"%(message)s", true}, {"%(x)05.2f", true},   {"%(x).d", false},        {"%(x)-8.d", false}, {"%()s", false},
        {"%(x)S", true},       {"%(x)*.*d", true},    {"%(x)#0+ -12.3E", true}, {"%(x", false},      {"%%(x)s", true},
        {"%(a b)s", false},    {"%(x)q %(y)s", true}, {"100% (sure)", false},
    };
    for (const auto& [format, has_field] : formats) {
      CAPTURE(format);
      const auto findings =
          run_rule("LOG007", std::string("LOGGING = {'version': 1, 'disable_existing_loggers': False, "
                                         "'formatters': {'f': {'format': '") +
                                 format + "'}}}\n");
      CHECK(findings.empty() == has_field);
    }
  }

  TEST_CASE("rules-own logging: Django's own DEFAULT_LOGGING-style config passes every LOG rule") {
    const std::string source = R"(LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'filters': {
        'require_debug_false': {'()': 'django.utils.log.RequireDebugFalse'},
        'require_debug_true': {'()': 'django.utils.log.RequireDebugTrue'},
    },
    'formatters': {
        'django.server': {'()': 'django.utils.log.ServerFormatter', 'format': '[{server_time}] {message}', 'style': '{'},
    },
    'handlers': {
        'console': {'level': 'INFO', 'filters': ['require_debug_true'], 'class': 'logging.StreamHandler'},
        'django.server': {'level': 'INFO', 'class': 'logging.StreamHandler', 'formatter': 'django.server'},
        'mail_admins': {'level': 'ERROR', 'filters': ['require_debug_false'], 'class': 'django.utils.log.AdminEmailHandler'},
    },
    'loggers': {
        'django': {'handlers': ['console', 'mail_admins'], 'level': 'INFO'},
        'django.server': {'handlers': ['django.server'], 'level': 'INFO', 'propagate': False},
    },
}
)";
    const auto findings = run_all_rules(source);
    for (const Finding& finding : findings) CHECK_MESSAGE(!finding.rule.starts_with("LOG"), finding.message);
  }
}

}  // namespace deployctl::checks::rules_own_test
