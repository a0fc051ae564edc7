// The generic keys of case kinds that tech connection needs (issue 13), as the engine reads them from the model of
// `case_kinds(T)`: `keep` on actions, `overrides` of a timer's `after` and of a deadline (the first whose field
// equals its value gives the days), the kind's `stages` and `list_fields`, and the prefixes of numbering registers.
#include "cases/CaseKinds.h"

#include <Poco/JSON/Parser.h>
#include <catch2/catch.hpp>

using namespace kabinet::cases;

namespace {

Poco::Dynamic::Var json(const std::string& text) { return Poco::JSON::Parser().parse(text); }

Poco::JSON::Object::Ptr fields(const std::string& text) { return json(text).extract<Poco::JSON::Object::Ptr>(); }

const char* kKinds = R"([{"id":"tc","label":"Заявка","states":[{"id":"offer","label":"Счёт"},{"id":"done","label":"Готово","final":true}],
  "actions":[{"id":"place","label":"Счёт","from":["offer"],"to":"offer","by":["operator"],"keep":true},
             {"id":"expire","label":"Срок","from":["offer"],"to":"done","by":["timer"],
              "after":{"days":5,"unit":"working","overrides":[{"field":"law","equals":true,"days":15},{"field":"kind","equals":"big","days":7}]}}],
  "deadlines":[{"id":"pay","label":"Оплата","days":5,"unit":"working","from":"entered:offer","running":["offer"],
                "overrides":[{"field":"law","equals":true,"days":15}]}],
  "stages":[{"id":"sent","label":"Направлено","states":["offer"]},{"id":"end","label":"Конец","states":["done"]}],
  "list_fields":["object","tu_number"]}])";

} // namespace

TEST_CASE("case kinds: keep, term overrides, stages, list fields and register prefixes are read from the model", "[cases]") {
    const Model m = CaseKinds::parse(json(kKinds), json("[]"), json(R"([{"id":"accounts","start":500001,"prefix":"ЛС-"}])"));
    const Kind* k = m.kind("tc");
    REQUIRE(k);
    CHECK(k->action("place")->keep);
    CHECK_FALSE(k->action("expire")->keep);
    REQUIRE(k->action("expire")->after);
    const After& after = *k->action("expire")->after;
    CHECK(after.overrides.size() == 2);
    CHECK(k->deadlines.at(0).overrides.size() == 1);
    REQUIRE(k->stages.size() == 2);
    CHECK(k->stages[0].label == "Направлено");
    CHECK(k->stages[1].states == std::vector<std::string>{"done"});
    CHECK(k->listFields == std::vector<std::string>{"object", "tu_number"});
    CHECK(m.registerStart("accounts") == 500001);
    CHECK(m.registerPrefix("accounts") == "ЛС-");
    CHECK(m.registerPrefix("other").empty());
}

TEST_CASE("case kinds: the first override whose field equals its value gives the days of a term", "[cases]") {
    const Model m = CaseKinds::parse(json(kKinds), json("[]"), json("[]"));
    const After& after = *m.kind("tc")->action("expire")->after;
    CHECK(termDays(after.days, after.overrides, fields(R"({})")) == 5);
    CHECK(termDays(after.days, after.overrides, fields(R"({"law":false})")) == 5);
    CHECK(termDays(after.days, after.overrides, fields(R"({"law":true})")) == 15);
    CHECK(termDays(after.days, after.overrides, fields(R"({"law":true,"kind":"big"})")) == 15); // the first wins
    CHECK(termDays(after.days, after.overrides, fields(R"({"kind":"big"})")) == 7);
    CHECK(termDays(after.days, after.overrides, fields(R"({"kind":"bigger"})")) == 5);
    CHECK(termDays(after.days, after.overrides, nullptr) == 5);
}
