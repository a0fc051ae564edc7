// Which metering-point addresses an outage's affected address reaches (outages/AddressMatch): streets of the
// dictionary whichever way an address writes them, house numbers, ranges, even/odd, letters and buildings, and
// free text; the houses text operators type is checked; the outage rules' duration over the permitted one.
#include <catch2/catch.hpp>

#include "outages/AddressMatch.h"
#include "outages/OutageRules.h"

using namespace kabinet::outages;

TEST_CASE("a street is known by its name, however the address writes its kind", "[outages][address]") {
    CHECK(streetKey("Кольцовская ул.") == "кольцовская");
    CHECK(streetKey("ул. Кольцовская") == "кольцовская");
    CHECK(streetKey("улица Кольцовская") == "кольцовская");
    CHECK(streetKey("Московский пр-т") == "московский");
    CHECK(streetKey("проспект Московский") == "московский");
    CHECK(streetKey("Олимпийский б-р") == "олимпийский");
    CHECK(streetKey("45-й Стрелковой дивизии ул.") == "45-й стрелковой дивизии");
    CHECK(streetKey("Звёздная ул.") == streetKey("Звездная ул."));
    CHECK(streetKey("") == "");
}

TEST_CASE("the house of an address", "[outages][address]") {
    auto h = houseOf("г. Воронеж, Кольцовская ул., д. 35, кв. 12");
    REQUIRE(h);
    CHECK(h->number == 35);
    CHECK(h->rest == "");
    h = houseOf("г. Воронеж, ул. Плехановская, д. 10а");
    REQUIRE(h);
    CHECK(h->number == 10);
    CHECK(h->rest == "а");
    h = houseOf("394056, Воронеж, Звездная ул., дом 40/2");
    REQUIRE(h);
    CHECK(h->number == 40);
    CHECK(h->rest == "/2");
    CHECK_FALSE(houseOf("г. Воронеж, ГСК «Северный», бокс 214"));
    CHECK_FALSE(houseOf("г. Воронеж, Кольцовская ул."));
}

TEST_CASE("houses: numbers, ranges, even and odd, letters", "[outages][address]") {
    const House h35{35, ""}, h35a{35, "а"}, h12{12, ""}, h13{13, ""}, h24{24, ""}, h25{25, ""}, h40a{40, "а"}, h40{40, ""};
    CHECK(housesContain("", h35));
    CHECK(housesContain("35", h35));
    CHECK(housesContain("35", h35a)); // a bare number takes in its letters and buildings
    CHECK_FALSE(housesContain("35а", h35));
    CHECK(housesContain("35А", h35a));
    CHECK(housesContain("10-24", h12));
    CHECK(housesContain("10–24", h24));
    CHECK_FALSE(housesContain("10-24", h25));
    CHECK(housesContain("чёт. 2-16", h12));
    CHECK_FALSE(housesContain("чет. 2-16", h13));
    CHECK(housesContain("нечёт. 1-15", h13));
    CHECK_FALSE(housesContain("нечет 1-15", h12));
    CHECK(housesContain("1, 3, 40а", h40a));
    CHECK_FALSE(housesContain("1, 3, 40а", h40));
    CHECK(housesContain("нечётные", h25));
    CHECK_FALSE(housesContain("чётные", h25));
}

TEST_CASE("a houses text is checked before it is stored", "[outages][address]") {
    CHECK(checkHouses("") == "");
    CHECK(checkHouses("10-24, 35, 40а, чёт. 2-16, нечёт. 1-9") == "");
    CHECK(checkHouses("10–24; 35") == "");
    CHECK_FALSE(checkHouses("24-10").empty());
    CHECK_FALSE(checkHouses("все").empty());
    CHECK_FALSE(checkHouses("10-").empty());
    CHECK_FALSE(checkHouses("12, ,14").empty());
    CHECK(checkHouses("12, 14").find("Укажите дома") == std::string::npos);
    CHECK(checkHouses("дом").find("Укажите дома") == 0);
}

TEST_CASE("a point's address lies in an outage's address", "[outages][address]") {
    const AffectedAddress kolts{"Кольцовская ул.", "10-40", ""};
    CHECK(affects(kolts, "г. Воронеж, Кольцовская ул., д. 35, кв. 12"));
    CHECK(affects(kolts, "г. Воронеж, ул. Кольцовская, д. 10"));
    CHECK_FALSE(affects(kolts, "г. Воронеж, Кольцовская ул., д. 41"));
    CHECK_FALSE(affects(kolts, "г. Воронеж, Кольцовская ул."));            // no house: not within 10–40
    CHECK_FALSE(affects(kolts, "г. Воронеж, Ворошилова ул., д. 35"));       // another street
    CHECK_FALSE(affects(kolts, "г. Воронеж, Ново-Кольцовская ул., д. 35")); // a street whose name contains it
    const AffectedAddress whole{"Московский пр-т", "", ""};
    CHECK(affects(whole, "г. Воронеж, Московский пр-т, д. 97, оф. 12"));
    CHECK(affects(whole, "г. Воронеж, Московский пр-т"));
    const AffectedAddress free{"", "", "ГСК «Северный»"};
    CHECK(affects(free, "г. Воронеж, ГСК «Северный», бокс 214"));
    CHECK_FALSE(affects(free, "г. Воронеж, ГСК «Южный», бокс 2"));
    // A lookup by the street alone finds the outage whatever its houses.
    CHECK(mentions(kolts, "Кольцовская ул."));
    CHECK_FALSE(mentions(kolts, "Ворошилова ул."));
}

TEST_CASE("the permitted duration: 2 h with two sources, 24 h with one", "[outages][rules]") {
    Outage o;
    o.startsAt = 1'000'000;
    o.plannedEnd = o.startsAt + 3 * 3600;
    o.sources = 2;
    auto d = durationOf(o, o.startsAt);
    CHECK(d.minutes == 180);
    CHECK(d.permitted == 120);
    CHECK(d.exceeded == 60);
    o.sources = 1;
    CHECK(durationOf(o, o.startsAt).exceeded == 0);
    o.actualEnd = o.startsAt + 25 * 3600;
    d = durationOf(o, o.startsAt);
    CHECK(d.minutes == 1500);
    CHECK(d.exceeded == 60);
    // Not closed and past its planned end: it lasts until now.
    o.actualEnd.reset();
    d = durationOf(o, o.startsAt + 30 * 3600);
    CHECK(d.minutes == 1800);
    CHECK(d.exceeded == 360);
}

TEST_CASE("local times of outages", "[outages][rules]") {
    const int msk = 3 * 3600;
    auto t = parseLocal("2026-12-05T09:30", msk);
    REQUIRE(t);
    CHECK(localInput(*t, msk) == "2026-12-05T09:30");
    CHECK(localText(*t, msk) == "05.12.2026 09:30");
    CHECK_FALSE(parseLocal("2026-02-30T09:30", msk));
    CHECK_FALSE(parseLocal("05.12.2026 09:30", msk));
    CHECK_FALSE(parseLocal("2026-12-05T24:00", msk));
}

TEST_CASE("letter case and «ё» do not matter in addresses, Cyrillic included", "[outages][address]") {
    CHECK(streetKey("КОЛЬЦОВСКАЯ УЛ.") == "кольцовская");
    CHECK(streetKey("Ул. ЗВЁЗДНАЯ") == "звездная");
    CHECK(streetKey("ПРОСПЕКТ Московский") == "московский");
    const AffectedAddress kolts{"Кольцовская ул.", "10-40", ""};
    CHECK(affects(kolts, "Г. ВОРОНЕЖ, УЛ. КОЛЬЦОВСКАЯ, Д. 12"));
    CHECK(affects(kolts, "г. воронеж, ул. кольцовская, д. 12"));
    CHECK(affects(kolts, "г. Воронеж, КольцОвская УЛИЦА, ДОМ 35А, кв. 3"));
    CHECK_FALSE(affects(kolts, "Г. ВОРОНЕЖ, УЛ. КОЛЬЦОВСКАЯ, Д. 41"));
    CHECK(mentions(kolts, "УЛ. КОЛЬЦОВСКАЯ"));
    const AffectedAddress star{"Звёздная ул.", "чёт. 2-16", ""};
    CHECK(affects(star, "г. Воронеж, ЗВЕЗДНАЯ УЛ., Д. 14"));
    CHECK(affects(star, "г. Воронеж, звездная ул., д. 14"));
    CHECK_FALSE(affects(star, "г. Воронеж, ЗВЁЗДНАЯ УЛ., Д. 15"));
    const AffectedAddress houses{"Кольцовская ул.", "35А, НЕЧЁТ. 1-9", ""};
    CHECK(affects(houses, "г. Воронеж, Кольцовская ул., д. 35а"));
    CHECK(affects(houses, "г. Воронеж, Кольцовская ул., д. 7"));
    const AffectedAddress free{"", "", "СНТ «Восход», все участки"};
    CHECK(affects(free, "ВОРОНЕЖСКАЯ ОБЛ., СНТ «ВОСХОД», ВСЕ УЧАСТКИ"));
    CHECK(folded("ЁЛКИ-ПАЛКИ, Ёжик") == "елки-палки ежик");
}
