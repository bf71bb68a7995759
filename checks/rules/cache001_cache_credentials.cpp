// CACHE001 cache-credentials: a cache's password is written in the settings, in a LOCATION URL
// (redis://:password@host) or in OPTIONS (django-redis' PASSWORD), literally or as an environment fallback.
// Messages give the password's length, never the password.
#include <string>

#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

using settings::Value;

void report(const own::WrittenCredential& credential, const std::string& where, FindingSink& sink) {
  sink.report(where + " " + own::written_where(credential) +
                  ": everyone with the source or its history can reach the cache (and read the sessions and pages "
                  "it holds), and a deploy that misses the variable connects with it.",
              credential.where, "CACHES");
}

// LOCATION: one URL, a list of them (a Redis cluster or replicas), or a ';'-separated string of them
// (the memcached form, where URLs carry no password and nothing is found).
void check_location(const Value& location, const std::string& where, FindingSink& sink) {
  if (location.is_sequence()) {
    for (std::size_t i = 0; i < location.items.size(); ++i)
      if (auto credential = own::written_credential(location.items[i], false))
        report(*credential, where + "[" + std::to_string(i) + "]", sink);
    return;
  }
  if (auto credential = own::written_credential(location, false)) report(*credential, where, sink);
}

// OPTIONS, nested dicts included (CONNECTION_POOL_KWARGS, SENTINEL_KWARGS): password-like keys and URLs.
void check_options(const Value& options, const std::string& where, FindingSink& sink) {
  for (const auto& [key, value] : options.entries) {
    if (!key.is_string()) continue;
    const std::string inner = where + "['" + key.text + "']";
    if (value.kind == Value::Kind::dict) {
      check_options(value, inner, sink);
      continue;
    }
    if (auto credential = own::written_credential(value, own::is_secret_name(key.text)))
      report(*credential, inner, sink);
  }
}

void check(const RuleContext& context, FindingSink& sink) {
  const Value* caches = context.settings.get("CACHES");
  if (!caches || caches->kind != Value::Kind::dict) return;
  for (const auto& [alias, cache] : caches->entries) {
    if (!alias.is_string() || cache.kind != Value::Kind::dict) continue;
    const std::string where = "CACHES['" + alias.text + "']";
    if (const Value* location = cache.get("LOCATION")) check_location(*location, where + "['LOCATION']", sink);
    if (const Value* options = cache.get("OPTIONS"); options && options->kind == Value::Kind::dict)
      check_options(*options, where + "['OPTIONS']", sink);
  }
}

}  // namespace

extern const Rule cache001_cache_credentials{
    RuleInfo{
        .id = "CACHE001",
        .name = "cache-credentials",
        .severity = Severity::error,
        .summary = "A cache's password is written in the settings: in a LOCATION URL or in OPTIONS, literally or as "
                   "the fallback of an environment read.",
        .rationale =
            "A Redis or Memcached cache holds sessions, cached pages and rate-limit counters; whoever has its "
            "password can read them, log in as any user whose session it holds, or empty it. A password written "
            "in the settings is shared with everyone who can read the repository, its forks and its history, and "
            "it cannot be rotated without a commit. As the default of an environment read "
            "(os.environ.get('REDIS_URL', 'redis://:pw@cache.example.net:6379/0')) it also hides a missing "
            "variable: the deploy starts and talks to whatever the default points at.",
        .fix = "Read the whole LOCATION from the environment without a default (os.environ['REDIS_URL'], "
               "env.cache('CACHE_URL')), or the password alone (OPTIONS: {'PASSWORD': os.environ['REDIS_PASSWORD']}). "
               "A default without a password, such as 'redis://localhost:6379/0', is fine for development.",
        .example_fires = "CACHES = {\n"
                         "    'default': {\n"
                         "        'BACKEND': 'django.core.cache.backends.redis.RedisCache',\n"
                         "        'LOCATION': 'redis://:Kq7s3cr3tVx2@cache.mysite.net:6379/0',\n"
                         "    }\n"
                         "}\n",
        .example_passes = "import os\n"
                          "\n"
                          "CACHES = {\n"
                          "    'default': {\n"
                          "        'BACKEND': 'django.core.cache.backends.redis.RedisCache',\n"
                          "        'LOCATION': os.environ['REDIS_URL'],\n"
                          "    }\n"
                          "}\n",
        .django_check = "",
        .notes = "Looks at every alias of CACHES: the LOCATION (a URL or a list of URLs) and OPTIONS, nested dicts "
                 "included, for password-like keys (PASSWORD, *_TOKEN, ...) and URLs with a password. Placeholders "
                 "('changeme', '<password>'), empty strings, well-known defaults and URLs to this machine, a "
                 "container name or a reserved domain are not credentials (the table of GIT002), nor are values "
                 "written in test or development settings files. The password is never shown, only its length.",
        .concerns_secret = true,
    },
    check,
};

}  // namespace deployctl::checks::rules
