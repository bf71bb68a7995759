// DB002 database-url-credentials: a database URL read from the environment falls back to a URL written in the
// settings that carries a password. Messages give the password's length, never the password. The password is
// weighed as DB001 weighs one (checks/git/secret_weight): for a local or throwaway database it is info, with why.
#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "checks/git/secret_weight.hpp"
#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

// Schemes dj-database-url and django-environ map to Django database backends (those that take a password).
constexpr std::array<std::string_view, 17> database_schemes = {
    "postgres", "postgresql", "pgsql",           "psql",      "postgis",     "mysql",
    "mysql2",   "mysqlgis",   "mysql-connector", "oracle",    "oraclegis",   "mssql",
    "mssqlms",  "redshift",   "cockroach",       "timescale", "timescalegis"};

bool is_database_read(const settings::EnvRead& read, std::string_view scheme) {
  if (own::is_database_url_read(read)) return true;
  if (std::ranges::find(database_schemes, scheme) != database_schemes.end()) return true;
  return read.variable.find("DATABASE") != std::string::npos || read.variable.find("DB") != std::string::npos;
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  std::set<std::tuple<std::string, int, int>> reported;  // a module evaluated twice records its reads twice
  for (const settings::EnvRead& read : model.env_reads) {
    if (!read.default_value || !read.default_value->is_string() || read.default_value->env) continue;
    const auto url = own::url_credentials(read.default_value->text);
    if (!url) continue;
    std::string scheme(url->scheme);
    std::ranges::transform(scheme, scheme.begin(),
                           [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    if (!is_database_read(read, scheme)) continue;
    if (!reported.emplace(read.where.file, read.where.position.line, read.where.position.column).second) continue;
    const git::SecretWeighing weighing = git::weigh_secret(url->password, read.where.file, read.default_value->text);
    if (weighing.weight == git::SecretWeight::not_a_secret) continue;
    std::string message = "the database URL used when " + read.variable + " is unset (the default of " +
                          own::describe_read(read) + ") carries " + own::sized(url->password, "password") +
                          " written in the settings: everyone with the source has the credentials, and a deploy "
                          "that misses the variable connects with them.";
    if (weighing.weight == git::SecretWeight::throwaway)
      message += " It is reported as info: " + weighing.reason + ", which grants nothing beyond it.";
    Finding& finding = sink.report(std::move(message), read.where, "DATABASES");
    if (weighing.weight == git::SecretWeight::throwaway) finding.severity = Severity::info;
  }
}

}  // namespace

extern const Rule db002_database_url_credentials{
    RuleInfo{
        .id = "DB002",
        .name = "database-url-credentials",
        .severity = Severity::error,
        .summary =
            "A database URL read from the environment falls back to a URL with a password written in the settings.",
        .rationale =
            "env.db('DATABASE_URL', default='postgres://app:secret@db/app'), dj_database_url.config(default=...) "
            "and config('DATABASE_URL', default=...) put working credentials in the repository, and the fallback "
            "hides a missing variable: the deploy starts and connects wherever the default points.",
        .fix = "Drop the default so that a missing DATABASE_URL stops the start (env.db('DATABASE_URL'), "
               "dj_database_url.config() with the variable required), or default to a password-less local URL "
               "such as 'sqlite:///db.sqlite3' for development.",
        .example_fires = "import dj_database_url\n"
                         "\n"
                         "DATABASES = {'default': "
                         "dj_database_url.config(default='postgres://mysite:Zt4s3cr3tQp9@db.mysite.net/mysite')}\n",
        .example_passes =
            "import dj_database_url\n"
            "\n"
            "DATABASES = {'default': dj_database_url.config(default='postgres://mysite@localhost/mysite')}\n",
        .django_check = "",
        .notes = "Looks at every environment read whose default is a URL with a password and that reads a database: "
                 "a URL reader (env.db, dj_database_url, cast=db_url), a database scheme (postgres, mysql, oracle, "
                 "mssql, ...) or a variable named like DATABASE/DB. The password is weighed by GIT002's decision "
                 "table, as DB001 weighs one: placeholders are not reported, and a URL to this machine, a container "
                 "name or a reserved domain, or one in a test or development settings file, is info.",
    },
    check,
};

}  // namespace deployctl::checks::rules
