// Templates of notification kinds: `{name}` placeholders filled from the notice's values; a part in square
// brackets is dropped whole when one of its values is missing; any other missing value is left out cleanly;
// a raw `{name}` is never shown. Also the Russian count of the digest's subject.
#include <catch2/catch.hpp>

#include "notify/DigestWorker.h"
#include "notify/NotificationKinds.h"

using namespace kabinet;

TEST_CASE("notification templates fill placeholders and leave missing ones out cleanly", "[notify]") {
    const std::map<std::string, std::string> all = {{"point", "Квартира"}, {"reading", "12 345"}, {"reason", "ошибка"}};
    CHECK(fillTemplate("Показания {reading} по точке «{point}» отклонены.[ Причина: {reason}.]", all) ==
          "Показания 12 345 по точке «Квартира» отклонены. Причина: ошибка.");
    CHECK(fillTemplate("Показания {reading} по точке «{point}» отклонены.[ Причина: {reason}.]", {{"reading", "1"}, {"point", "Дом"}}) ==
          "Показания 1 по точке «Дом» отклонены.");
    // Outside brackets: the placeholder goes, and the spaces, separators and quotes it leaves.
    CHECK(fillTemplate("Показания {reading} по точке «{point}» отклонены. Причина: {reason}.", {}) == "Показания по точке отклонены. Причина.");
    CHECK(fillTemplate("{event}: прибор учёта № {meter}, время: {time}.", {{"event", "Вскрытие"}, {"time", "10:00"}}) ==
          "Вскрытие: прибор учёта, время: 10:00.");
    CHECK(fillTemplate("{title}", {}) == "");
    CHECK(fillTemplate("{title}", {{"title", "Сообщение"}}) == "Сообщение");
    // What is not a placeholder stays as written; values are not templates themselves.
    CHECK(fillTemplate("{Not a placeholder} и {}", {}) == "{Not a placeholder} и {}");
    CHECK(fillTemplate("Значение {v}", {{"v", "{reason}"}}) == "Значение {reason}");
    for (const auto* t : {"{a}{b} {c}", "[{a}] x [{b}]", "Причина: {reason}", "({a})"}) {
        const std::string out = fillTemplate(t, {});
        CHECK(out.find('{') == std::string::npos);
    }
}

TEST_CASE("the digest counts notifications in Russian", "[notify]") {
    CHECK(notificationCount(1) == "1 уведомление");
    CHECK(notificationCount(2) == "2 уведомления");
    CHECK(notificationCount(5) == "5 уведомлений");
    CHECK(notificationCount(11) == "11 уведомлений");
    CHECK(notificationCount(21) == "21 уведомление");
    CHECK(notificationCount(104) == "104 уведомления");
    CHECK(notificationCount(112) == "112 уведомлений");
}
