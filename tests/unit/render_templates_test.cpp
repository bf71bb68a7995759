// The template layer of `deployctl render`: standalone tags, syntax errors as file:line, the embedded templates.
#include <doctest/doctest.h>

#include "generators/builtin_templates.hpp"
#include "generators/template_engine.hpp"
#include "generators/unified_diff.hpp"

using namespace deployctl::generators;

TEST_SUITE("render_templates") {
  TEST_CASE("sections render without blank lines and without HTML escaping") {
    Data data;
    data.set("x", Data(true));
    data.set("v", "a<b>&\"c\"");
    const TemplateSource source{"t", "start\n{{#x}}\n  {{v}}\n{{/x}}\n{{^x}}\nnever\n{{/x}}\nend\n", "t"};
    const auto text = render_template(source, data);
    REQUIRE(text);
    CHECK(*text == "start\n  a<b>&\"c\"\nend\n");
  }

  TEST_CASE("a syntax error names the file and line") {
    const TemplateSource source{"t", "one\ntwo\n{{#open}}\nfour\n", "/tmp/overrides/t.mustache"};
    const auto text = render_template(source, Data{});
    REQUIRE_FALSE(text);
    CHECK(text.error().message.starts_with("/tmp/overrides/t.mustache:3: template syntax error: Unclosed section"));
  }

  TEST_CASE("every built-in template is valid Mustache") {
    CHECK(builtin_templates().size() >= 10);
    for (const auto& builtin : builtin_templates()) {
      CAPTURE(builtin.name);
      const TemplateSource source{std::string(builtin.name), std::string(builtin.text), std::string(builtin.name)};
      CHECK(render_template(source, Data{}).has_value());
    }
  }

  TEST_CASE("the unified diff shows changed lines with context") {
    CHECK(unified_diff("a\nb\n", "a\nb\n", "x", "y").empty());
    const auto diff = unified_diff("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nfive\n6\n7\n8\n", "old", "new");
    CHECK(diff == "--- old\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  }
}
