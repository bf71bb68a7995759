// SESS001 sessions-in-process-cache: sessions are kept in (or read through) a cache that lives inside each server
// process (LocMemCache, Django's default cache), or in the dummy cache that keeps nothing, while several worker
// processes serve.
#include <string>

#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

using settings::Value;

constexpr std::string_view cache_engine = "django.contrib.sessions.backends.cache";
constexpr std::string_view cached_db_engine = "django.contrib.sessions.backends.cached_db";
constexpr std::string_view locmem_cache = "django.core.cache.backends.locmem.LocMemCache";
constexpr std::string_view dummy_cache = "django.core.cache.backends.dummy.DummyCache";

django::Answer is_text(const Value& value, std::string_view text) { return value.is_string() && value.text == text; }

// Whether any cache of a known CACHES keeps its entries per process (LocMemCache), or keeps none (DummyCache, a
// problem only when sessions live in the cache alone); nullopt when a backend that might be one is unknown.
django::Answer keeps_per_process(const Value& caches, bool cache_only) {
  if (caches.kind != Value::Kind::dict) return false;  // not a dict: Django's own error, not this rule's
  django::Answer answer = false;
  for (const auto& [alias, cache] : caches.entries) {
    const Value* backend = cache.get("BACKEND");
    if (!backend) continue;
    const django::Answer local = django::decide(*backend, [&](const Value& value) {
      return django::Answer(is_text(value, locmem_cache) == true ||
                            (cache_only && is_text(value, dummy_cache) == true));
    });
    if (local == true) return true;
    if (!local) answer = std::nullopt;
  }
  return answer;
}

// "the 4 worker processes set at deployctl.toml:3:11", or the assumption the rule makes when no file says.
std::string workers_phrase(const settings::WorkerCount* workers) {
  if (workers) return "the " + std::to_string(workers->count) + " worker processes set at " + workers->source;
  return "several worker processes (no deployctl.toml or gunicorn.conf.py of the project gives a worker count; "
         "gunicorn, uWSGI and deployctl serve run several in production)";
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const Value engine = settings::setting_or_default(model, "SESSION_ENGINE");
  const django::Answer through_cache = django::decide(sink, "SESSION_ENGINE", engine, [](const Value& value) {
    return django::Answer(is_text(value, cache_engine) == true || is_text(value, cached_db_engine) == true);
  });
  if (through_cache != true) return;
  if (django::middleware_installed(model, django::session_middleware, &sink) == false) return;  // no sessions
  const bool cache_only = engine.is_known() && engine.text == cache_engine;

  const Value caches = settings::setting_or_default(model, "CACHES");
  // With no cache kept per process, whichever alias the sessions use is shared: nothing to ask of the alias.
  const django::Answer any_per_process =
      django::decide(sink, "CACHES", caches, [&](const Value& known) { return keeps_per_process(known, cache_only); });
  if (any_per_process != true) return;
  if (!caches.is_known()) {  // a per-process cache on every path, yet which alias is which is not known
    sink.cannot_decide("CACHES", caches);
    return;
  }
  const Value alias = settings::setting_or_default(model, "SESSION_CACHE_ALIAS");
  if (!alias.is_string()) {
    sink.cannot_decide("SESSION_CACHE_ALIAS", alias);
    return;
  }
  const Value* cache = caches.get(alias.text);
  const Value* backend = cache ? cache->get("BACKEND") : nullptr;
  if (!backend) return;  // a missing alias is DJ101's; a cache without BACKEND is Django's error
  if (!backend->is_known()) {
    sink.cannot_decide("CACHES", *backend);
    return;
  }
  const bool implicit = model.get("CACHES") == nullptr;
  const std::string which =
      implicit ? "Django's default cache (CACHES is not set, so it is LocMemCache)"
               : "CACHES['" + alias.text + "'], a " + std::string(backend->text.substr(backend->text.rfind('.') + 1));
  std::string message;
  if (backend->text == dummy_cache && cache_only) {
    message = "SESSION_ENGINE keeps sessions in " + which +
              ", which stores nothing: every session is gone on the next request, so nobody can stay logged in "
              "and every form with a CSRF token kept in the session fails.";
  } else if (backend->text == locmem_cache) {
    if (context.workers && context.workers->count <= 1) return;
    message = cache_only ? "SESSION_ENGINE keeps sessions only in " + which +
                               ", which lives in the memory of one process: with " + workers_phrase(context.workers) +
                               ", a user logged in by one worker is unknown to the others and appears logged out "
                               "on the next request they answer, and every session is lost when a worker restarts."
                         : "SESSION_ENGINE reads sessions through " + which +
                               ", which lives in the memory of one process: with " + workers_phrase(context.workers) +
                               ", each worker keeps its own copy, so a session ended or changed in one (a logout, a "
                               "password change) stays valid and stale in the others until it expires there.";
  } else {
    return;
  }
  sink.report(std::move(message), settings::setting_origin(model, "SESSION_ENGINE"), "SESSION_ENGINE");
}

}  // namespace

extern const Rule sess001_sessions_in_process_cache{
    RuleInfo{
        .id = "SESS001",
        .name = "sessions-in-process-cache",
        .severity = Severity::warning,
        .summary = "Sessions are kept in a per-process cache (LocMemCache, Django's default) while several worker "
                   "processes serve, or in the dummy cache.",
        .rationale =
            "SESSION_ENGINE 'django.contrib.sessions.backends.cache' keeps sessions only in the cache, and "
            "'cached_db' reads them through it. LocMemCache, the cache Django uses when CACHES is not set, is a "
            "dict inside each process: with several workers (gunicorn, uWSGI and deployctl serve run several) a "
            "login made by one worker is unknown to the others, so users are logged out at random, and a logout "
            "or password change in one worker leaves the session valid in the others' copies. DummyCache keeps "
            "nothing, so nobody stays logged in. Django's documentation advises against local memory for sessions "
            "in production for this reason.",
        .fix = "Give CACHES a cache the processes share (Redis or Memcached) for the alias SESSION_CACHE_ALIAS "
               "names, or keep sessions in the database (SESSION_ENGINE = 'django.contrib.sessions.backends.db', "
               "the default) or in signed cookies.",
        .example_fires = "SESSION_ENGINE = 'django.contrib.sessions.backends.cache'\n"
                         "MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware']\n",
        .example_passes = "SESSION_ENGINE = 'django.contrib.sessions.backends.cache'\n"
                          "MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware']\n"
                          "CACHES = {\n"
                          "    'default': {\n"
                          "        'BACKEND': 'django.core.cache.backends.redis.RedisCache',\n"
                          "        'LOCATION': 'redis://cache:6379/0',\n"
                          "    },\n"
                          "}\n",
        .django_check = "",
        .notes = "How many processes serve is read from the project's own files: deployctl.toml's [serve] workers "
                 "(or [deploy] workers), else `workers = N` in gunicorn.conf.py (gunicorn_conf.py, "
                 "gunicorn_config.py, gunicorn.py) in the project dir. With one worker a LocMemCache works and the "
                 "rule is silent (the sessions still end on every restart); with no count written, the rule assumes "
                 "several and says so. Threads share one process's cache and are not counted. The DummyCache case "
                 "fires whatever the count.",
    },
    check,
};

}  // namespace deployctl::checks::rules
