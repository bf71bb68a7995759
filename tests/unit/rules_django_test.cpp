// The Django-parity rules (DJ...): every registered rule against its own examples, then the exact conditions of
// Django's checks on hand-built settings (so the Python semantics are pinned independently of the evaluator),
// then a few end-to-end cases through the evaluator.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checks/rules/django_helpers.hpp"
#include "checks/rules/registry.hpp"
#include "checks/settings/django_defaults.hpp"
#include "checks/settings/evaluator.hpp"
#include "rule_examples_support.hpp"

namespace deployctl::checks::rules_django_test {
namespace {

using rule_examples::check_example;
using rule_examples::count_rule;
using settings::Origin;
using settings::SettingsModel;
using settings::Value;

std::vector<Finding> run(const rules::Rule& rule, const SettingsModel& model) {
  std::vector<Finding> findings;
  rules::FindingSink sink(rule.info, findings);
  rule.check(rules::RuleContext{model}, sink);
  return findings;
}

std::vector<Finding> run(std::string_view id, const SettingsModel& model) {
  const rules::Rule* rule = rules::find_rule(id);
  REQUIRE_MESSAGE(rule != nullptr, "rule " << id << " is not in the registry");
  return run(*rule, model);
}

// The ids of every DJ rule that fires on the model.
std::set<std::string> fired(const SettingsModel& model) {
  std::set<std::string> ids;
  for (const rules::Rule& rule : rules::all_rules())
    if (rule.info.id.starts_with("DJ") && !run(rule, model).empty()) ids.insert(std::string(rule.info.id));
  return ids;
}

std::string messages(const std::vector<Finding>& findings) {
  std::string joined;
  for (const Finding& finding : findings) joined += "[" + finding.rule + "] " + finding.message + "\n";
  return joined;
}

Origin at(int line) { return Origin{"settings.py", python::Position{line, 1, line, 20}}; }

// A settings model built by hand: name = value, each on its own line.
struct Model {
  SettingsModel model;
  int next_line = 1;

  Model() {
    model.settings_module = "settings";
    model.settings_file = "settings.py";
  }
  Model& set(const std::string& name, Value value) {
    value.origin = at(next_line++);
    model.values.insert_or_assign(name, std::move(value));
    return *this;
  }
  operator const SettingsModel&() const { return model; }
};

Value str(std::string text) { return Value::from_string(std::move(text)); }
Value strings(std::initializer_list<const char*> texts) {
  std::vector<Value> items;
  for (const char* text : texts) items.push_back(str(text));
  return Value::list(std::move(items));
}
Value unknown() { return Value::unknown("test: not knowable"); }
Value merged(std::vector<Value> alternatives) {
  Value value = Value::unknown("test: if/else on an unknown condition");
  value.alternatives = std::move(alternatives);
  return value;
}
Value dict(std::vector<std::pair<std::string, Value>> entries) {
  std::vector<std::pair<Value, Value>> items;
  for (auto& [key, value] : entries) items.emplace_back(str(key), std::move(value));
  return Value::dict(std::move(items));
}

const char* const security_mw = "django.middleware.security.SecurityMiddleware";
const char* const session_mw = "django.contrib.sessions.middleware.SessionMiddleware";
const std::string strong_key = "q9#c!w2v@z0-4kq1^x7b8m$n3p5r6s_t(u)y*e&h+j=l%d~a{f}g[i]o|";

bool is_kebab(std::string_view name) {
  if (name.empty() || name.front() == '-' || name.back() == '-') return false;
  return std::ranges::all_of(name, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

}  // namespace

TEST_SUITE("rules-django registry") {
  TEST_CASE("rules-django: every registered rule fires on its example_fires and not on its example_passes") {
    for (const rules::Rule& rule : rules::all_rules()) {
      CAPTURE(rule.info.id);
      if (rule.info.example_language != "python") continue;  // shell examples: tests/e2e/git_repository.py
      const std::vector<Finding> fires = check_example(rule.info.example_fires);
      CHECK_MESSAGE(count_rule(fires, rule.info.id) > 0, rule.info.id << " does not fire on its example_fires:\n"
                                                                      << rule.info.example_fires);
      const std::vector<Finding> passes = check_example(rule.info.example_passes);
      CHECK_MESSAGE(count_rule(passes, rule.info.id) == 0, rule.info.id << " fires on its example_passes:\n"
                                                                        << rule.info.example_passes
                                                                        << messages(passes));
    }
  }

  TEST_CASE("rules-django: every rule has complete metadata and a unique id and name") {
    std::set<std::string_view> ids;
    std::set<std::string_view> names;
    for (const rules::Rule& rule : rules::all_rules()) {
      const rules::RuleInfo& info = rule.info;
      CAPTURE(info.id);
      CHECK(ids.insert(info.id).second);
      CHECK(names.insert(info.name).second);
      CHECK(is_kebab(info.name));
      CHECK_FALSE(info.summary.empty());
      CHECK_FALSE(info.rationale.empty());
      CHECK_FALSE(info.fix.empty());
      CHECK_FALSE(info.example_fires.empty());
      CHECK_FALSE(info.example_passes.empty());
      CHECK(static_cast<bool>(rule.check));
    }
  }

  TEST_CASE("rules-django: DJ rules carry their Django check id, with Django's severity") {
    for (const rules::Rule& rule : rules::all_rules()) {
      const rules::RuleInfo& info = rule.info;
      if (!info.id.starts_with("DJ")) continue;
      CAPTURE(info.id);
      REQUIRE_FALSE(info.django_check.empty());
      const auto dot = info.django_check.find('.');
      REQUIRE(dot != std::string_view::npos);
      const char level = info.django_check[dot + 1];
      CHECK(
          ((level == 'W' && info.severity == Severity::warning) || (level == 'E' && info.severity == Severity::error)));
    }
  }

  TEST_CASE("rules-django: each of current Django's statically decidable deploy checks has exactly one rule") {
    const std::vector<std::pair<std::string_view, std::string_view>> expected = {
        {"security.W001", "DJ001"}, {"security.W002", "DJ002"}, {"security.W003", "DJ003"}, {"security.W004", "DJ004"},
        {"security.W005", "DJ005"}, {"security.W006", "DJ006"}, {"security.W008", "DJ008"}, {"security.W009", "DJ009"},
        {"security.W010", "DJ010"}, {"security.W011", "DJ011"}, {"security.W012", "DJ012"}, {"security.W013", "DJ013"},
        {"security.W014", "DJ014"}, {"security.W015", "DJ015"}, {"security.W016", "DJ016"}, {"security.W018", "DJ018"},
        {"security.W019", "DJ019"}, {"security.W020", "DJ020"}, {"security.W021", "DJ021"}, {"security.W022", "DJ022"},
        {"security.E023", "DJ023"}, {"security.E024", "DJ024"}, {"security.W025", "DJ025"}, {"security.E026", "DJ026"},
        {"caches.E001", "DJ101"},   {"caches.W002", "DJ102"},   {"caches.W003", "DJ103"},   {"urls.E006", "DJ106"},
        {"4_0.E001", "DJ140"},
    };
    for (const auto& [check, id] : expected) {
      CAPTURE(check);
      std::vector<std::string_view> matching;
      for (const rules::Rule& rule : rules::all_rules())
        if (rule.info.django_check == check) matching.push_back(rule.info.id);
      REQUIRE(matching.size() == 1);
      CHECK(matching[0] == id);
    }
  }
}

TEST_SUITE("rules-django defaults") {
  TEST_CASE("rules-django: an unassigned setting has Django's default, located at the settings module's 1:1") {
    Model m;
    const Value hosts = settings::setting_or_default(m, "ALLOWED_HOSTS");
    CHECK(hosts.kind == Value::Kind::list);
    CHECK(hosts.items.empty());
    CHECK(hosts.origin.file == "settings.py");
    CHECK(hosts.origin.position.line == 1);
    CHECK(hosts.origin.position.column == 1);
    CHECK(settings::setting_or_default(m, "X_FRAME_OPTIONS").text == "DENY");
    CHECK(settings::setting_or_default(m, "SECURE_CONTENT_TYPE_NOSNIFF").is_true());
    CHECK(settings::setting_or_default(m, "SESSION_COOKIE_HTTPONLY").is_true());
    CHECK(settings::setting_or_default(m, "STATIC_URL").kind == Value::Kind::none);
    CHECK(settings::setting_or_default(m, "CACHES").get("default") != nullptr);
  }

  TEST_CASE("rules-django: an assigned setting is the assigned value, an unknown name's default is unknown") {
    Model m;
    m.set("DEBUG", Value::from_bool(true));
    const Value debug = settings::setting_or_default(m, "DEBUG");
    CHECK(debug.is_true());
    CHECK(debug.origin.position.line == 1);
    CHECK_FALSE(settings::setting_or_default(m, "NOT_A_DJANGO_SETTING").is_known());
    CHECK(settings::django_default("NOT_A_DJANGO_SETTING") == nullptr);
  }

  TEST_CASE("rules-django: after a star import deployctl cannot see, an absent setting is unknown, not default") {
    Model m;
    m.model.namespace_complete = false;
    m.set("DEBUG", Value::from_bool(true));
    CHECK_FALSE(settings::setting_or_default(m, "ALLOWED_HOSTS").is_known());
    CHECK(settings::setting_or_default(m, "DEBUG").is_true());
    CHECK(fired(m) == std::set<std::string>{"DJ018"});
  }
}

TEST_SUITE("rules-django conditions") {
  TEST_CASE("rules-django: unknown values never fire, merged branches fire only when every branch does") {
    CHECK(run("DJ018", Model().set("DEBUG", unknown())).empty());
    CHECK(run("DJ018", Model().set("DEBUG", merged({Value::from_bool(true), Value::from_bool(false)}))).empty());
    CHECK(run("DJ018", Model().set("DEBUG", merged({Value::from_bool(true), str("yes")}))).size() == 1);
    CHECK(run("DJ018", Model().set("DEBUG", merged({Value::from_bool(true), unknown()}))).empty());
    CHECK(run("DJ020", Model().set("ALLOWED_HOSTS", unknown())).empty());
    CHECK(run("DJ009", Model().set("SECRET_KEY", unknown())).empty());
    CHECK(run("DJ001", Model().set("MIDDLEWARE", unknown())).empty());
    // A list with an unknown element might hold the middleware: silent. With the middleware present: silent too.
    CHECK(run("DJ001", Model().set("MIDDLEWARE", Value::list({unknown()}))).empty());
    CHECK(run("DJ001", Model().set("MIDDLEWARE", Value::list({unknown(), str(security_mw)}))).empty());
    CHECK(run("DJ001", Model().set("MIDDLEWARE", Value::list({str("x.Middleware")}))).size() == 1);
  }

  TEST_CASE("rules-django: DEBUG is judged by truthiness, like Django") {
    CHECK(run("DJ018", Model().set("DEBUG", str("False"))).size() == 1);
    CHECK(run("DJ018", Model().set("DEBUG", Value::from_int(1))).size() == 1);
    CHECK(run("DJ018", Model().set("DEBUG", str(""))).empty());
    CHECK(run("DJ018", Model().set("DEBUG", Value::from_int(0))).empty());
    CHECK(run("DJ018", Model()).empty());
  }

  TEST_CASE("rules-django: findings point at the assignment, or at line 1 of the settings module when unset") {
    Model m;
    m.set("DEBUG", Value::from_bool(false)).set("ALLOWED_HOSTS", Value::list({}));
    const auto assigned = run("DJ020", m);
    REQUIRE(assigned.size() == 1);
    CHECK(assigned[0].where.file == "settings.py");
    CHECK(assigned[0].where.line == 2);
    CHECK(assigned[0].setting == std::optional<std::string>("ALLOWED_HOSTS"));
    CHECK(assigned[0].django_check == std::optional<std::string>("security.W020"));
    CHECK(assigned[0].message.find("ALLOWED_HOSTS is []") != std::string::npos);

    const auto unset = run("DJ020", Model());
    REQUIRE(unset.size() == 1);
    CHECK(unset[0].where.line == 1);
    CHECK(unset[0].where.column == 1);
    CHECK(unset[0].message.find("not set") != std::string::npos);
  }

  TEST_CASE("rules-django: ALLOWED_HOSTS = [''] is truthy, so Django (and DJ020) accept it") {
    CHECK(run("DJ020", Model().set("ALLOWED_HOSTS", strings({""}))).empty());
  }

  TEST_CASE("rules-django: HSTS checks need SecurityMiddleware, and test SECURE_HSTS_SECONDS by truthiness") {
    const auto hsts = [](Value seconds) {
      Model m;
      m.set("MIDDLEWARE", strings({security_mw}));
      m.set("SECURE_HSTS_SECONDS", std::move(seconds));
      return fired(m);
    };
    const std::set<std::string> zero = hsts(Value::from_int(0));
    CHECK(zero.contains("DJ004"));
    CHECK_FALSE(zero.contains("DJ005"));
    CHECK_FALSE(zero.contains("DJ021"));
    const std::set<std::string> string_zero = hsts(str("0"));  // "0" is truthy: HSTS "on"
    CHECK_FALSE(string_zero.contains("DJ004"));
    CHECK(string_zero.contains("DJ005"));
    CHECK(string_zero.contains("DJ021"));
    CHECK(hsts(unknown()).count("DJ004") + hsts(unknown()).count("DJ005") == 0);

    Model without;
    without.set("SECURE_HSTS_SECONDS", Value::from_int(0));
    const std::set<std::string> none = fired(without);
    CHECK(none.contains("DJ001"));
    for (const char* id : {"DJ004", "DJ005", "DJ006", "DJ008", "DJ021", "DJ022", "DJ023", "DJ024"})
      CHECK_FALSE(none.contains(id));
  }

  TEST_CASE("rules-django: boolean security settings must be `True` itself") {
    const auto with = [](const char* name, Value value) {
      Model m;
      m.set("MIDDLEWARE", strings({security_mw, "django.middleware.csrf.CsrfViewMiddleware"}));
      m.set("SECURE_HSTS_SECONDS", Value::from_int(3600));
      m.set(name, std::move(value));
      return fired(m);
    };
    CHECK(with("SECURE_SSL_REDIRECT", Value::from_int(1)).contains("DJ008"));
    CHECK_FALSE(with("SECURE_SSL_REDIRECT", Value::from_bool(true)).contains("DJ008"));
    CHECK(with("SECURE_HSTS_INCLUDE_SUBDOMAINS", str("True")).contains("DJ005"));
    CHECK(with("SECURE_CONTENT_TYPE_NOSNIFF", Value::from_int(1)).contains("DJ006"));
    CHECK_FALSE(with("SECURE_CONTENT_TYPE_NOSNIFF", Value::from_bool(true)).contains("DJ006"));
    CHECK(with("CSRF_COOKIE_SECURE", Value::from_int(1)).contains("DJ016"));
    CHECK_FALSE(with("CSRF_COOKIE_SECURE", Value::from_bool(true)).contains("DJ016"));
    CHECK_FALSE(with("CSRF_USE_SESSIONS", Value::from_bool(true)).contains("DJ016"));
    CHECK_FALSE(with("SECURE_SSL_REDIRECT", unknown()).contains("DJ008"));
  }

  TEST_CASE("rules-django: session cookie warnings split by app, middleware, or both, as Django's do") {
    const auto scope = [](bool app, bool middleware, const char* flag, Value value) {
      Model m;
      if (app) m.set("INSTALLED_APPS", strings({"django.contrib.contenttypes", "django.contrib.sessions"}));
      if (middleware) m.set("MIDDLEWARE", strings({session_mw}));
      m.set(flag, std::move(value));
      std::set<std::string> ids = fired(m);
      std::erase_if(ids, [](const std::string& id) { return id < "DJ010" || id > "DJ015"; });
      return ids;
    };
    using Ids = std::set<std::string>;
    CHECK(scope(true, false, "SESSION_COOKIE_SECURE", Value::from_bool(false)) == Ids{"DJ010"});
    CHECK(scope(false, true, "SESSION_COOKIE_SECURE", Value::from_bool(false)) == Ids{"DJ011"});
    CHECK(scope(true, true, "SESSION_COOKIE_SECURE", Value::from_int(1)) == Ids{"DJ012"});
    CHECK(scope(true, true, "SESSION_COOKIE_SECURE", Value::from_bool(true)).empty());
    CHECK(scope(false, false, "SESSION_COOKIE_SECURE", Value::from_bool(false)).empty());
    CHECK(scope(true, false, "SESSION_COOKIE_HTTPONLY", Value::from_bool(false)) == Ids{"DJ010", "DJ013"});
    CHECK(scope(false, true, "SESSION_COOKIE_HTTPONLY", str("yes")) == Ids{"DJ011", "DJ014"});
    CHECK(scope(true, true, "SESSION_COOKIE_HTTPONLY", Value::from_bool(false)) == Ids{"DJ012", "DJ015"});
    CHECK(scope(true, true, "SESSION_COOKIE_SECURE", unknown()).empty());
  }

  TEST_CASE("rules-django: SECRET_KEY strength follows Django's _check_secret_key, and is never printed") {
    const auto weak = [](Value key) { return run("DJ009", Model().set("SECRET_KEY", std::move(key))); };
    CHECK(weak(str(strong_key)).empty());
    CHECK(weak(str("django-insecure-" + strong_key)).size() == 1);
    CHECK(weak(str(strong_key.substr(0, 49))).size() == 1);
    CHECK(weak(str(strong_key.substr(0, 50))).empty());
    CHECK(weak(str(std::string(25, 'a') + std::string(25, 'b') + "cd")).size() == 1);  // 4 distinct characters
    CHECK(weak(str("")).size() == 1);
    CHECK(weak(Value::none()).size() == 1);
    CHECK(weak(Value::from_int(12345)).empty());  // Django's check would crash: stay silent
    // Python counts code points: 30 two-byte characters are 60 bytes but 30 characters.
    std::string accented;
    for (int i = 0; i < 30; ++i) accented += (i % 2 ? "\xc3\xa9" : "\xc3\xa8");
    CHECK(weak(str(accented + "abcde")).size() == 1);
    std::string long_accented;
    for (int i = 0; i < 50; ++i) long_accented += (i % 2 ? "\xc3\xa9" : "\xc3\xa8");
    CHECK(weak(str(long_accented + "abc")).empty());

    const auto unset = run("DJ009", Model());
    REQUIRE(unset.size() == 1);
    CHECK(unset[0].where.line == 1);
    CHECK(unset[0].message.find("is empty") != std::string::npos);

    const std::string secret = "my-s3cr3t-but-too-short";
    const auto found = weak(str(secret));
    REQUIRE(found.size() == 1);
    CHECK(found[0].message.find("s3cr3t") == std::string::npos);
    CHECK(found[0].concerns_secret);
  }

  TEST_CASE("rules-django: every weak SECRET_KEY_FALLBACKS entry is reported, by index, without its value") {
    Model m;
    m.set("SECRET_KEY_FALLBACKS", Value::list({str("old-s3cr3t"), str(strong_key), str("")}));
    const auto found = run("DJ025", m);
    REQUIRE(found.size() == 2);
    CHECK(found[0].message.find("SECRET_KEY_FALLBACKS[0]") != std::string::npos);
    CHECK(found[1].message.find("SECRET_KEY_FALLBACKS[2]") != std::string::npos);
    CHECK(found[0].message.find("s3cr3t") == std::string::npos);
    CHECK(run("DJ025", Model()).empty());
    CHECK(run("DJ025", Model().set("SECRET_KEY_FALLBACKS", Value::list({unknown()}))).empty());
    CHECK(run("DJ025", Model().set("SECRET_KEY_FALLBACKS", str("abc"))).size() == 1);
  }

  TEST_CASE("rules-django: X_FRAME_OPTIONS must equal 'DENY' exactly when the middleware is installed") {
    const auto frame = [](Value option) {
      Model m;
      m.set("MIDDLEWARE", strings({"django.middleware.clickjacking.XFrameOptionsMiddleware"}));
      m.set("X_FRAME_OPTIONS", std::move(option));
      return run("DJ019", m).size();
    };
    CHECK(frame(str("SAMEORIGIN")) == 1);
    CHECK(frame(str("deny")) == 1);
    CHECK(frame(str("DENY")) == 0);
    CHECK(frame(unknown()) == 0);
    CHECK(run("DJ019", Model().set("X_FRAME_OPTIONS", str("SAMEORIGIN"))).empty());
  }

  TEST_CASE("rules-django: referrer and opener policies are validated like Django does") {
    const auto policy = [](const char* name, Value value) {
      Model m;
      m.set("MIDDLEWARE", strings({security_mw}));
      m.set(name, std::move(value));
      return fired(m);
    };
    CHECK(policy("SECURE_REFERRER_POLICY", Value::none()).contains("DJ022"));
    CHECK_FALSE(policy("SECURE_REFERRER_POLICY", Value::none()).contains("DJ023"));
    CHECK_FALSE(policy("SECURE_REFERRER_POLICY", str(" same-origin ,no-referrer")).contains("DJ023"));
    CHECK(policy("SECURE_REFERRER_POLICY", str("same-origin,, no-referrer")).contains("DJ023"));
    CHECK(policy("SECURE_REFERRER_POLICY", str("")).contains("DJ023"));
    CHECK_FALSE(policy("SECURE_REFERRER_POLICY", Value::list({})).contains("DJ023"));
    CHECK_FALSE(policy("SECURE_REFERRER_POLICY", strings({"origin", "unsafe-url"})).contains("DJ023"));
    CHECK(policy("SECURE_REFERRER_POLICY", Value::tuple({str("origin"), Value::from_int(5)})).contains("DJ023"));
    CHECK_FALSE(policy("SECURE_REFERRER_POLICY", Value::list({str("bogus"), unknown()})).contains("DJ023"));
    CHECK_FALSE(policy("SECURE_REFERRER_POLICY", Value::from_int(5)).contains("DJ023"));  // set(5) raises

    CHECK_FALSE(policy("SECURE_CROSS_ORIGIN_OPENER_POLICY", Value::none()).contains("DJ024"));
    CHECK_FALSE(policy("SECURE_CROSS_ORIGIN_OPENER_POLICY", str("unsafe-none")).contains("DJ024"));
    CHECK(policy("SECURE_CROSS_ORIGIN_OPENER_POLICY", str("same_origin")).contains("DJ024"));
    CHECK(policy("SECURE_CROSS_ORIGIN_OPENER_POLICY", Value::from_bool(true)).contains("DJ024"));
    CHECK_FALSE(policy("SECURE_CROSS_ORIGIN_OPENER_POLICY", strings({"same-origin"})).contains("DJ024"));
  }

  TEST_CASE("rules-django: CSP settings must be dicts or None, one finding per setting") {
    Model m;
    m.set("SECURE_CSP", str("default-src 'self'")).set("SECURE_CSP_REPORT_ONLY", Value::list({}));
    const auto found = run("DJ026", m);
    REQUIRE(found.size() == 2);
    CHECK(found[0].setting == std::optional<std::string>("SECURE_CSP"));
    CHECK(found[1].setting == std::optional<std::string>("SECURE_CSP_REPORT_ONLY"));
    CHECK(run("DJ026", Model().set("SECURE_CSP", Value::none())).empty());
    CHECK(run("DJ026", Model().set("SECURE_CSP", dict({}))).empty());
    CHECK(run("DJ026", Model()).empty());
  }

  TEST_CASE("rules-django: STATIC_URL and MEDIA_URL must end with a slash when set") {
    const auto url = [](const char* name, Value value) { return run("DJ106", Model().set(name, std::move(value))); };
    CHECK(url("STATIC_URL", str("static")).size() == 1);
    CHECK(url("STATIC_URL", str("https://cdn.example.com/static")).size() == 1);
    CHECK(url("MEDIA_URL", str("/media")).size() == 1);
    CHECK(url("STATIC_URL", str("/static/")).empty());
    CHECK(url("MEDIA_URL", str("")).empty());
    CHECK(url("STATIC_URL", Value::none()).empty());
    CHECK(url("STATIC_URL", unknown()).empty());
    CHECK(run("DJ106", Model()).empty());
  }

  TEST_CASE("rules-django: CSRF_TRUSTED_ORIGINS entries need a scheme") {
    const auto found = run("DJ140", Model().set("CSRF_TRUSTED_ORIGINS", strings({"example.com", "https://ok.com"})));
    REQUIRE(found.size() == 1);
    CHECK(found[0].message.find("'example.com'") != std::string::npos);
    CHECK(run("DJ140", Model()).empty());
    CHECK(run("DJ140", Model().set("CSRF_TRUSTED_ORIGINS", Value::list({unknown()}))).empty());
  }

  TEST_CASE("rules-django: caches need a 'default' alias and an absolute file-based LOCATION") {
    const auto filebased = [](Value location) {
      return dict({{"default", dict({{"BACKEND", str("django.core.cache.backends.filebased.FileBasedCache")},
                                     {"LOCATION", std::move(location)}})}});
    };
    CHECK(run("DJ101", Model().set("CACHES", dict({}))).size() == 1);
    CHECK(run("DJ101", Model()).empty());
    CHECK(run("DJ101", Model().set("CACHES", filebased(str("/tmp/c")))).empty());
    CHECK(run("DJ103", Model().set("CACHES", filebased(str("cache")))).size() == 1);
    CHECK(run("DJ103", Model().set("CACHES", filebased(Value::from_path("cache/dir")))).size() == 1);
    CHECK(run("DJ103", Model().set("CACHES", filebased(str("/var/cache")))).empty());
    CHECK(run("DJ103", Model().set("CACHES", filebased(unknown()))).empty());
  }

  TEST_CASE("rules-django: a file-based cache at, inside or around a served directory is reported") {
    const auto exposed = [](const char* name, Value served, Value location) {
      Model m;
      m.set(name, std::move(served));
      m.set("CACHES", dict({{"default", dict({{"BACKEND", str("django.core.cache.backends.filebased.FileBasedCache")},
                                              {"LOCATION", std::move(location)}})}}));
      return run("DJ102", m);
    };
    const auto inside = exposed("STATIC_ROOT", Value::from_path("/srv/site/static"), str("/srv/site/static/cache"));
    REQUIRE(inside.size() == 1);
    CHECK(inside[0].message.find("is inside STATIC_ROOT") != std::string::npos);
    const auto matches = exposed("MEDIA_ROOT", str("/srv/site/media/"), Value::from_path("/srv/site/./media"));
    REQUIRE(matches.size() == 1);
    CHECK(matches[0].message.find("matches MEDIA_ROOT") != std::string::npos);
    const auto contains = exposed("MEDIA_ROOT", str("/srv/site/media"), str("/srv/site"));
    REQUIRE(contains.size() == 1);
    CHECK(contains[0].message.find("contains MEDIA_ROOT") != std::string::npos);
    CHECK(exposed("MEDIA_ROOT", str("/srv/site/media"), str("/srv/site/media/../cache")).empty());
    CHECK(exposed("MEDIA_ROOT", str("media"), str("/srv/site/media")).empty());  // depends on the working dir
    CHECK(exposed("MEDIA_ROOT", str("media"), str("media/cache")).size() == 1);
    CHECK(exposed("MEDIA_ROOT", str(""), str("/x")).empty());
    const auto dirs = exposed("STATICFILES_DIRS", Value::list({Value::tuple({str("assets"), str("/srv/site/assets")})}),
                              str("/srv/site/assets/cache"));
    CHECK(dirs.size() == 1);
    CHECK(exposed("STATIC_ROOT", unknown(), str("/srv/site/static")).empty());
  }
}

TEST_SUITE("rules-django evaluated") {
  TEST_CASE("rules-django: environment-driven DEBUG fires only in the environment that turns it on") {
    const std::string source = "import os\nDEBUG = os.environ.get(\"DJANGO_DEBUG\", \"\") == \"1\"\n";
    settings::Environment on;
    on.variables.emplace("DJANGO_DEBUG", "1");
    CHECK(run("DJ018", settings::evaluate_source(source, {})).empty());
    const auto found = run("DJ018", settings::evaluate_source(source, on));
    REQUIRE(found.size() == 1);
    CHECK(found[0].where.line == 2);
  }

  TEST_CASE("rules-django: startproject's settings give Django's familiar warnings") {
    const std::string source =
        "SECRET_KEY = 'django-insecure-7x!b0k$u1v(2w)3y*4z&5a^6c%8d#9e@f+g=h-i_j~k'\n"
        "DEBUG = True\n"
        "ALLOWED_HOSTS = []\n"
        "INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'django.contrib.sessions']\n"
        "MIDDLEWARE = [\n"
        "    'django.middleware.security.SecurityMiddleware',\n"
        "    'django.contrib.sessions.middleware.SessionMiddleware',\n"
        "    'django.middleware.common.CommonMiddleware',\n"
        "    'django.middleware.csrf.CsrfViewMiddleware',\n"
        "    'django.middleware.clickjacking.XFrameOptionsMiddleware',\n"
        "]\n"
        "STATIC_URL = 'static/'\n";
    const std::set<std::string> expected = {"DJ004", "DJ008", "DJ009", "DJ012", "DJ016", "DJ018", "DJ020"};
    CHECK(fired(settings::evaluate_source(source, {})) == expected);
  }
}

}  // namespace deployctl::checks::rules_django_test
