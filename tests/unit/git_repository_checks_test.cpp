// The repository checks on repositories built in the test: a key committed and later removed (GIT002), tracked env
// files and keys (GIT001), .gitignore coverage (GIT003), the project's place in a larger repository, --new-since.
#include <doctest/doctest.h>

#include <algorithm>

#include "checks/check_project.hpp"
#include "checks/git/history_cache.hpp"
#include "checks/git/history_scan.hpp"
#include "checks/git/repository_checks.hpp"
#include "checks/rules/run_rules.hpp"
#include "core/files.hpp"
#include "git_support.hpp"

using namespace deployctl;
using namespace deployctl::checks;

namespace {

// 2026-11-20 12:00:00 UTC and a day later.
constexpr std::time_t day_one = 1795176000;
constexpr std::time_t day_two = day_one + 86400;

// A 50-character key (a test value; it is what must never appear in any message).
const std::string committed_key = "x7#k2!p9q@w4e$r8t%y1u^i6o&p3a*s5d(f0g)h-j=k+l_z;cv";

// The GIT rules on the repository's facts (no settings: the rules that read settings see an empty module).
std::vector<Finding> repository_findings(const std::filesystem::path& dir, bool all_paths = false) {
  auto facts = git::check_repository(dir, {all_paths, ""});
  REQUIRE_MESSAGE(facts.has_value(), facts.error().message);
  if (!*facts) return {};
  const settings::SettingsModel no_settings;
  const rules::RuleContext context{no_settings, &**facts, nullptr};
  return rules::run_rules(context, [](std::string_view id) { return id.starts_with("GIT"); });
}

std::vector<Finding> of_rule(const std::vector<Finding>& findings, std::string_view rule) {
  std::vector<Finding> kept;
  std::ranges::copy_if(findings, std::back_inserter(kept), [&](const Finding& f) { return f.rule == rule; });
  return kept;
}

const std::string complete_gitignore = ".env\n.env.*\n!.env.example\n*.log\nmedia/\n";

}  // namespace

TEST_SUITE("git_history") {
  TEST_CASE("git history: a key committed and later removed is reported with its commit and date - never its value") {
    testing::GitProject project;
    project.put(".gitignore", complete_gitignore);
    project.put("mysite/settings.py", "SECRET_KEY = '" + committed_key + "'\nDEBUG = False\n");
    const std::string first = project.commit("settings", day_one);
    project.put("mysite/settings.py", "import os\nSECRET_KEY = os.environ['SECRET_KEY']\nDEBUG = False\n");
    project.commit("read the key from the environment", day_two);

    const std::vector<Finding> findings = repository_findings(project.root());
    const auto history = of_rule(findings, "GIT002");
    REQUIRE(history.size() == 1);
    const Finding& finding = history.front();
    CHECK(finding.where.file == "mysite/settings.py");
    CHECK(finding.setting == std::optional<std::string>("SECRET_KEY"));
    CHECK(finding.severity == Severity::error);
    CHECK(finding.message.find(first.substr(0, 7)) != std::string::npos);
    CHECK(finding.message.find("2026-11-20") != std::string::npos);
    CHECK(finding.message.find("a 50-character literal") != std::string::npos);
    CHECK(finding.message.find("Rotate") != std::string::npos);
    for (const Finding& any : findings) CHECK(any.message.find(committed_key) == std::string::npos);
    CHECK(findings.size() == 1);  // complete .gitignore, nothing sensitive tracked
  }

  TEST_CASE("git history: a secret still in a tracked file is left to the static rules") {
    testing::GitProject project;
    project.put(".gitignore", complete_gitignore);
    project.put("mysite/settings.py", "SECRET_KEY = '" + committed_key + "'\n");
    project.commit("settings", day_one);
    project.put("mysite/settings.py", "DEBUG = False\nSECRET_KEY = '" + committed_key + "'\n");
    project.commit("debug off", day_two);
    CHECK(of_rule(repository_findings(project.root()), "GIT002").empty());
  }

  TEST_CASE("git history: database passwords - env defaults and URL credentials in settings-like paths") {
    testing::GitProject project;
    project.put(".gitignore", complete_gitignore);
    project.put("config/settings/base.py",
                "import os\n"
                "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'PASSWORD': 'hunter2-db'}}\n"
                "EMAIL_HOST_PASSWORD = os.environ.get('EMAIL_HOST_PASSWORD', 'mail-pass-1')\n"
                "CACHE_URL = 'redis://cache:redis-pass-1@cache:6379/0'\n"
                "PASSWORD_HASHERS = ['django.contrib.auth.hashers.Argon2PasswordHasher']\n");
    project.put("deploy/production.env", "DATABASE_URL=postgres://app:url-pass-1@db/app\nDEBUG=0\n");
    project.put("docs/notes.py", "API_TOKEN = 'not-a-settings-path'\n");
    project.commit("config", day_one);
    project.put("config/settings/base.py", "import os\n");
    project.put("docs/notes.py", "\n");
    std::filesystem::remove(project.root() / "deploy/production.env");
    project.stage("deploy/production.env");
    project.commit("clean up", day_two);

    const auto history = of_rule(repository_findings(project.root()), "GIT002");
    std::vector<std::string> names;
    for (const Finding& finding : history) names.push_back(finding.message.substr(0, finding.message.find(" (")));
    std::ranges::sort(names);
    CHECK(names == std::vector<std::string>{"EMAIL_HOST_PASSWORD", "PASSWORD", "a URL's password",
                                            "a URL's password in DATABASE_URL"});
    // --all-paths also reads docs/notes.py.
    CHECK(of_rule(repository_findings(project.root(), true), "GIT002").size() == 5);
  }

  TEST_CASE("git history: each blob is read once however many commits contain it") {
    testing::GitProject project;
    project.put("mysite/settings.py", "SECRET_KEY = '" + committed_key + "'\n");
    project.commit("one", day_one);
    for (int i = 0; i < 5; ++i) {
      project.put("README.md", "revision " + std::to_string(i) + "\n");
      project.commit("readme " + std::to_string(i), day_one + 60 * (i + 1));
    }
    auto opened = git::open_project_repository(project.root());
    REQUIRE(opened.has_value());
    REQUIRE(opened->has_value());
    auto head = git::resolve_commit((*opened)->repository.get(), "HEAD");
    REQUIRE(head.has_value());
    git::HistoryScanStats stats;
    auto secrets = git::scan_history(**opened, *git_commit_id(head->get()), false, &stats);
    REQUIRE(secrets.has_value());
    CHECK(stats.commits == 6);
    CHECK(stats.blobs == 1);
    CHECK(secrets->size() == 1);
  }

  TEST_CASE("git history: versions that change no line with a quote are skipped - a literal on a changed line never") {
    testing::GitProject project;
    const std::string head = "import os\nSECRET_KEY = os.environ.get(\n    'SECRET_KEY',\n";
    project.put("mysite/settings.py", head + "    'Qm3-Wv8p-Lx2t-Hc7-first')\n");
    project.commit("first key", day_one);
    project.put("mysite/settings.py", "# a comment\n" + head + "    'Qm3-Wv8p-Lx2t-Hc7-first')\n");
    project.commit("comment only: nothing new to parse", day_one + 60);
    project.put("mysite/settings.py", "# a comment\n" + head + "    'Zr8-k2Lq-9vXw-tq4-second')\n");
    project.commit("only the literal's line changes", day_one + 120);
    project.put("mysite/settings.py", "# a comment\n" + head +
                                          "    'x')\nDATABASES = {'default': {\n"
                                          "    'PASSWORD':\n        'Vb4-Lk9-Qz2-Hs6',\n}}\n");
    project.commit("a literal on a line of its own", day_one + 180);
    project.put("mysite/settings.py", "import os\nSECRET_KEY = os.environ['SECRET_KEY']\n");
    project.commit("all from the environment", day_two);
    std::vector<std::string> names;
    for (const Finding& finding : of_rule(repository_findings(project.root()), "GIT002"))
      names.push_back(finding.message.substr(0, finding.message.find(" (")));
    std::ranges::sort(names);
    CHECK(names == std::vector<std::string>{"PASSWORD", "SECRET_KEY", "SECRET_KEY"});
  }
}

TEST_SUITE("git_history_cache") {
  std::vector<std::string> history_settings(const std::filesystem::path& root) {
    std::vector<std::string> found;
    for (const Finding& finding : of_rule(repository_findings(root), "GIT002"))
      found.push_back(finding.message.substr(0, finding.message.find(" (")));
    std::ranges::sort(found);
    return found;
  }

  std::optional<git::HistoryCache> cache_of(const std::filesystem::path& root) {
    auto opened = git::open_project_repository(root);
    REQUIRE(opened.has_value());
    REQUIRE(opened->has_value());
    const auto file = git::history_cache_file(**opened, false);
    REQUIRE(file.has_value());
    return git::load_history_cache(*file, **opened, false);
  }

  TEST_CASE("git history cache: a later run reads only the new commits - and still finds their secrets") {
    testing::CacheHome home;
    testing::GitProject project;
    project.put("mysite/settings.py", "SECRET_KEY = '" + committed_key + "'\n");
    project.commit("key", day_one);
    project.put("mysite/settings.py", "import os\nSECRET_KEY = os.environ['SECRET_KEY']\n");
    project.commit("env", day_one + 60);
    CHECK(history_settings(project.root()) == std::vector<std::string>{"SECRET_KEY"});
    const auto first = cache_of(project.root());
    REQUIRE(first.has_value());
    CHECK(first->blobs.size() == 2);
    CHECK(first->secrets.size() == 1);

    project.put("mysite/settings.py",
                "import os\nSECRET_KEY = os.environ['SECRET_KEY']\nEMAIL_HOST_PASSWORD = "
                "'k9Xq-7vLp-2mWz-8rTt'\n");
    project.commit("mail", day_two);
    project.put("mysite/settings.py", "import os\nSECRET_KEY = os.environ['SECRET_KEY']\n");
    project.commit("mail from env", day_two + 60);
    CHECK(history_settings(project.root()) == std::vector<std::string>{"EMAIL_HOST_PASSWORD", "SECRET_KEY"});
    const auto second = cache_of(project.root());
    REQUIRE(second.has_value());
    CHECK(second->blobs.size() == 3);  // the last settings.py is the same blob as the second one
    CHECK(second->secrets.size() == 2);
    // A warm run with nothing new reports the same.
    CHECK(history_settings(project.root()) == std::vector<std::string>{"EMAIL_HOST_PASSWORD", "SECRET_KEY"});
  }

  // A key committed and removed in the next commit, scanned once: the history cache file exists.
  void commit_key_then_remove_it(testing::GitProject & project) {
    project.put("mysite/settings.py", "SECRET_KEY = '" + committed_key + "'\n");
    project.commit("key", day_one);
    project.put("mysite/settings.py", "DEBUG = False\n");
    project.commit("key gone", day_one + 60);
    CHECK(history_settings(project.root()) == std::vector<std::string>{"SECRET_KEY"});
  }

  TEST_CASE("git history cache: read up to the start commit it skips the blob ids - short of it, it keeps them") {
    testing::CacheHome home;
    testing::GitProject project;
    commit_key_then_remove_it(project);
    auto opened = git::open_project_repository(project.root());
    REQUIRE(opened.has_value());
    const auto file = git::history_cache_file(**opened, false);
    REQUIRE(file.has_value());
    const auto whole = git::load_history_cache(*file, **opened, false);
    REQUIRE(whole.has_value());
    REQUIRE(whole->blobs.size() == 2);

    const auto up_to_date = git::load_history_cache(*file, **opened, false, &whole->scanned);
    REQUIRE(up_to_date.has_value());
    CHECK(up_to_date->blobs.empty());  // nothing to walk, nothing to rewrite
    CHECK(up_to_date->secrets.size() == 1);
    CHECK(std::ranges::equal(up_to_date->scanned.id, whole->scanned.id));

    git_oid elsewhere = whole->scanned;
    elsewhere.id[0] = static_cast<unsigned char>(elsewhere.id[0] ^ 0xff);  // a start the cache does not reach
    const auto behind = git::load_history_cache(*file, **opened, false, &elsewhere);
    REQUIRE(behind.has_value());
    CHECK(behind->blobs == whole->blobs);
  }

  TEST_CASE("git history cache: after a rewrite the secrets of the dropped commits are no longer reported") {
    testing::CacheHome home;
    testing::GitProject project;
    project.put("mysite/settings.py", "DEBUG = False\n");
    const std::string clean = project.commit("start", day_one);
    project.put("mysite/settings.py", "SECRET_KEY = '" + committed_key + "'\n");
    project.commit("key", day_one + 60);
    project.put("mysite/settings.py", "DEBUG = False\n# key gone\n");
    project.commit("key gone", day_one + 120);
    CHECK(history_settings(project.root()) == std::vector<std::string>{"SECRET_KEY"});

    project.reset_branch(clean);  // the key's commits are dropped, as a rebase or filter-repo would
    project.put("mysite/settings.py", "DEBUG = False\n# rewritten\n");
    project.commit("rewritten", day_two);
    CHECK(history_settings(project.root()).empty());
  }

  TEST_CASE("git history cache: a damaged or foreign cache file is ignored") {
    testing::CacheHome home;
    testing::GitProject project;
    commit_key_then_remove_it(project);
    auto opened = git::open_project_repository(project.root());
    REQUIRE(opened.has_value());
    const auto file = git::history_cache_file(**opened, false);
    REQUIRE(file.has_value());
    std::string text = *read_text_file(*file);
    REQUIRE(write_file_atomically(*file, text.substr(0, text.size() / 2)).has_value());  // cut off: no end marker
    CHECK_FALSE(git::load_history_cache(*file, **opened, false).has_value());
    CHECK(history_settings(project.root()) == std::vector<std::string>{"SECRET_KEY"});
  }
}

TEST_SUITE("git_tracked") {
  TEST_CASE("git tracked: env files and private keys in the index are reported - templates and certificates are not") {
    testing::GitProject project;
    project.put(".gitignore", complete_gitignore);
    project.put(".env", "SECRET_KEY=Zr8-k2Lq-9vXw-tq4\n");
    project.put(".env.example", "SECRET_KEY=\n");
    project.put("deploy/id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n");
    project.put("certs/site.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    project.put("certs/site-key.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    const auto tracked = of_rule(repository_findings(project.root()), "GIT001");  // the index: nothing committed yet
    std::vector<std::string> files;
    for (const Finding& finding : tracked) files.push_back(finding.where.file);
    std::ranges::sort(files);
    CHECK(files == std::vector<std::string>{".env", "certs/site-key.pem", "deploy/id_rsa"});
    for (const Finding& finding : tracked) {
      // An env file's finding points at its first secret; a key file is about the whole file.
      CHECK(finding.where.whole_file == (finding.where.file != ".env"));
      if (finding.where.file == ".env") CHECK(finding.where.line == 1);
      CHECK(finding.message.find("Zr8-k2Lq") == std::string::npos);
    }
  }

  TEST_CASE("git tracked: an env file is judged by what it holds - none, info or error") {
    testing::GitProject project;
    project.put(".gitignore", complete_gitignore);
    project.put("compose/.env", "COMPOSE_PROJECT_NAME=mysite\nDEBUG=1\n");                  // no secret at all
    project.put("placeholders/.env", "SECRET_KEY=changeme\nDB_PASSWORD=${DB_PASSWORD}\n");  // placeholders
    project.put(".devcontainer/.env", "POSTGRES_PASSWORD=Zr8-k2Lq-9vXw-tq4\n");             // a dev container
    project.put("deploy/.env", "DEBUG=0\nSTRIPE_SECRET=sk_test_4eC39HqLyjWDarjtT1\nAPI_TOKEN=Qm3-Wv8p-Lx2t-Hc7\n");
    const auto tracked = of_rule(repository_findings(project.root()), "GIT001");
    REQUIRE(tracked.size() == 2);
    const auto& devcontainer = tracked[0].where.file == ".devcontainer/.env" ? tracked[0] : tracked[1];
    const auto& deploy = tracked[0].where.file == "deploy/.env" ? tracked[0] : tracked[1];
    CHECK(devcontainer.severity == Severity::info);
    CHECK(devcontainer.message.find("throwaway") != std::string::npos);
    CHECK(deploy.severity == Severity::error);
    CHECK(deploy.where.line == 3);  // the first live secret, not the test-mode key
    CHECK(deploy.message.find("API_TOKEN (a 17-character literal)") != std::string::npos);
    CHECK(deploy.message.find("Qm3-Wv8p") == std::string::npos);
  }

  TEST_CASE("git tracked: --no-git is the default of the library and the CLI turns the checks on") {
    testing::GitProject project;
    project.django("DEBUG = False\n");
    project.put(".env", "SECRET_KEY=Zr8-k2Lq-9vXw-tq4\n");
    CheckOptions options;
    options.project_dir = project.root();
    auto without = check_project(options);
    REQUIRE(without.has_value());
    CHECK(std::ranges::none_of(without->findings, [](const Finding& f) { return f.rule.starts_with("GIT"); }));
    options.repository_checks = true;
    auto with = check_project(options);
    REQUIRE(with.has_value());
    CHECK(std::ranges::any_of(with->findings, [](const Finding& f) { return f.rule == "GIT001"; }));
    options.rules.ignore = {"GIT"};
    auto ignored = check_project(options);
    REQUIRE(ignored.has_value());
    CHECK(std::ranges::none_of(ignored->findings, [](const Finding& f) { return f.rule.starts_with("GIT"); }));
  }

  TEST_CASE("git tracked: only the project dir's part of a larger repository is looked at") {
    testing::GitProject project;
    project.put("other/.env", "TOKEN=Zr8-k2Lq-9vXw-tq4\n");
    project.put("apps/site/.env", "TOKEN=Zr8-k2Lq-9vXw-tq4\n");
    project.put("apps/site/.gitignore", complete_gitignore);
    const auto findings = repository_findings(project.root() / "apps/site");
    REQUIRE(findings.size() == 1);
    CHECK(findings.front().rule == "GIT001");
    CHECK(findings.front().where.file == ".env");
  }

  TEST_CASE("git tracked: a directory outside any repository has no repository findings") {
    testing::TempDir plain;
    plain.write("mysite/settings.py", "DEBUG = False\n");
    // GIT_CEILING_DIRECTORIES keeps the search inside the temp dir, wherever TMPDIR is.
    ::setenv("GIT_CEILING_DIRECTORIES", plain.root().parent_path().c_str(), 1);
    const auto findings = repository_findings(plain.root());
    ::unsetenv("GIT_CEILING_DIRECTORIES");
    CHECK(findings.empty());
  }
}

TEST_SUITE("git_ignore") {
  // GIT003 through check_project: the probes come from the evaluated settings.
  std::vector<Finding> ignore_findings(const std::filesystem::path& dir) {
    CheckOptions options;
    options.project_dir = dir;
    options.repository_checks = true;
    options.rules.select = {"GIT003"};
    auto result = check_project(options);
    REQUIRE_MESSAGE(result.has_value(), result.error().message);
    return result->findings;
  }

  constexpr auto npos = std::string::npos;

  const std::string writes_everywhere =
      "import os\nimport environ\nfrom pathlib import Path\n"
      "BASE_DIR = Path(__file__).resolve().parent.parent\n"
      "environ.Env.read_env(os.path.join(BASE_DIR, '.env'))\n"
      "MEDIA_ROOT = BASE_DIR / 'uploads'\n"
      "LOGGING = {'version': 1, 'handlers': {\n"
      "    'file': {'class': 'logging.handlers.RotatingFileHandler', 'filename': 'var/log/app.log'},\n"
      "    'console': {'class': 'logging.StreamHandler'}}}\n";

  TEST_CASE("git ignore: MEDIA_ROOT, LOGGING's files and a read env file - each probed where the settings say") {
    testing::GitProject project;
    project.django(writes_everywhere);
    project.write(".gitignore", "__pycache__/\nmedia/\nlogs/\n");  // the usual names, not this project's
    const auto gaps = ignore_findings(project.root());
    REQUIRE(gaps.size() == 3);
    std::vector<std::string> settings;
    for (const Finding& gap : gaps) {
      CHECK(gap.where.file == ".gitignore");
      CHECK(gap.severity == Severity::warning);
      settings.push_back(gap.setting.value_or("-"));
    }
    std::ranges::sort(settings);
    CHECK(settings == std::vector<std::string>{"-", "LOGGING", "MEDIA_ROOT"});
    const auto message_of = [&](std::string_view setting) {
      return std::ranges::find_if(gaps, [&](const Finding& f) { return f.setting.value_or("-") == setting; })->message;
    };
    CHECK(message_of("MEDIA_ROOT").starts_with("MEDIA_ROOT (mysite/settings.py:6) is uploads/ in the working tree"));
    CHECK(message_of("MEDIA_ROOT").find("`/uploads/`") != std::string::npos);
    CHECK(message_of("LOGGING").find("var/log/app.log") != std::string::npos);
    CHECK(message_of("-").starts_with("mysite/settings.py calls read_env(), which reads .env"));

    project.write(".gitignore", "/uploads/\n*.log\n.env\n");
    CHECK(ignore_findings(project.root()).empty());
  }

  TEST_CASE("git ignore: nothing is probed on a guess - unset, unknown or outside the working tree") {
    testing::GitProject project;
    project.write(".gitignore", "__pycache__/\n");
    project.django("import os\nDEBUG = False\n");  // no MEDIA_ROOT, no LOGGING, no env file read
    CHECK(ignore_findings(project.root()).empty());
    project.django(
        "import os\nMEDIA_ROOT = os.environ['MEDIA_ROOT']\n"
        "LOGGING = {'version': 1, 'handlers': {'f': {'class': 'logging.FileHandler', "
        "'filename': '/var/log/mysite/app.log'}}}\n"
        "STATIC_ROOT = '/srv/static'\n# load_dotenv() is not called\n");
    CHECK(ignore_findings(project.root()).empty());
  }

  TEST_CASE("git ignore: a complete .gitignore - in the project or above it - gives none") {
    testing::GitProject project;
    project.write(".gitignore", complete_gitignore + "uploads/\n");
    project.django(writes_everywhere);
    CHECK(ignore_findings(project.root()).empty());
    // The project in a subdirectory, the .gitignore at the repository's root.
    project.write("apps/site/manage.py",
                  "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n");
    project.write("apps/site/mysite/__init__.py", "");
    project.write("apps/site/mysite/settings.py", writes_everywhere);
    CHECK(ignore_findings(project.root() / "apps/site").empty());
    project.write(".gitignore", "__pycache__/\n");
    const auto gaps = ignore_findings(project.root() / "apps/site");
    REQUIRE(gaps.size() == 3);
    CHECK(std::ranges::any_of(gaps, [](const Finding& f) { return f.message.find("`/uploads/`") != npos; }));
  }
}

TEST_SUITE("git_new_since") {
  TEST_CASE("git new-since: a finding REF had is dropped - a new one is kept - even when the old one moved") {
    testing::GitProject project;
    project.put(".gitignore", ".env\n");  // GIT003 findings are old: .gitignore unchanged since REF
    project.put("manage.py", "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n");
    project.put("mysite/__init__.py", "");
    project.put("mysite/settings.py", "DEBUG = True\nMEDIA_ROOT = 'media'\n");
    const std::string base = project.commit("start", day_one);
    project.put("mysite/settings.py",
                "# production settings\n\nDEBUG = True\nMEDIA_ROOT = 'media'\nALLOWED_HOSTS = ['*']\n");
    project.commit("hosts", day_two);

    CheckOptions options;
    options.project_dir = project.root();
    options.repository_checks = true;
    options.rules.select = {"DJ018", "HOST001", "GIT"};
    auto all = check_project(options);
    REQUIRE(all.has_value());
    CHECK(std::ranges::any_of(all->findings, [](const Finding& f) { return f.rule == "DJ018"; }));
    CHECK(std::ranges::any_of(all->findings, [](const Finding& f) { return f.rule == "GIT003"; }));

    options.new_since = base.substr(0, 10);
    auto fresh = check_project(options);
    REQUIRE_MESSAGE(fresh.has_value(), fresh.error().message);
    REQUIRE(fresh->findings.size() == 1);
    CHECK(fresh->findings.front().rule == "HOST001");
    CHECK(fresh->summary.error + fresh->summary.warning + fresh->summary.info == 1);
  }

  TEST_CASE("git new-since: an unknown revision is an error naming it") {
    testing::GitProject project;
    project.django("DEBUG = False\n");
    project.stage("manage.py");
    project.commit("start", day_one);
    CheckOptions options;
    options.project_dir = project.root();
    options.new_since = "no-such-branch";
    auto result = check_project(options);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message.find("unknown git revision 'no-such-branch'") != std::string::npos);
  }
}
