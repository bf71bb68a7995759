// dj-database-url 0.5.0: config() and parse().
#include "evaluator_support.hpp"

using namespace evaluator_test;

TEST_SUITE("evaluator-dj-database-url") {
  TEST_CASE("config() parses DATABASE_URL") {
    const auto model =
        run("import dj_database_url\nDATABASES = {'default': dj_database_url.config(conn_max_age=600)}\n",
            env_of({{"DATABASE_URL", "mysql://u:pw@H.example:3306/name?charset=utf8mb4"}}));
    const Value* db = setting(model, "DATABASES").get("default");
    REQUIRE(db != nullptr);
    CHECK(is_string(*db->get("ENGINE"), "django.db.backends.mysql"));
    CHECK(is_string(*db->get("HOST"), "h.example"));
    CHECK(db->get("PORT")->integer == 3306);
    CHECK(db->get("CONN_MAX_AGE")->integer == 600);
    CHECK(is_string(*db->get("OPTIONS")->get("charset"), "utf8mb4"));
    REQUIRE(db->get("PASSWORD")->env != nullptr);
    CHECK(db->get("PASSWORD")->env->reader == "dj_database_url.config");
    CHECK(db->get("PASSWORD")->env->is_set);
  }

  TEST_CASE("config() falls back to its default, and to {} without one") {
    const auto with_default =
        run("import dj_database_url\nDB = dj_database_url.config(default='sqlite:///db.sqlite3')\n");
    CHECK(is_string(*setting(with_default, "DB").get("NAME"), "db.sqlite3"));
    CHECK_FALSE(setting(with_default, "DB").env->is_set);
    const auto empty = run("import dj_database_url\nDB = dj_database_url.config()\n");
    CHECK(setting(empty, "DB").kind == Kind::dict);
    CHECK(setting(empty, "DB").entries.empty());
  }

  TEST_CASE("parse() of a literal URL is literal, and an unknown scheme raises") {
    const auto model =
        run("import dj_database_url\nDB = dj_database_url.parse('postgres://u:hunter2@localhost/app')\n");
    const Value& db = setting(model, "DB");
    CHECK(is_string(*db.get("PASSWORD"), "hunter2"));
    CHECK(db.get("PASSWORD")->literal);
    CHECK(db.get("PORT")->kind == Kind::string);  // '' when the URL has no port
    const auto bad = run("import dj_database_url\nDB = dj_database_url.parse('nosuch://x')\n");
    CHECK_FALSE(setting(bad, "DB").is_known());
  }
}
