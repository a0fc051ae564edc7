#include "meters/ManualPolicy.h"

#include "tenants/Tenant.h"

#include <Poco/JSON/Array.h>

namespace kabinet {

ManualPolicy manualPolicy(const Tenant& t) {
    ManualPolicy p;
    auto profile = t.profile().extract<Poco::JSON::Object::Ptr>();
    if (auto modules = profile->getArray("modules"))
        for (const auto& m : *modules) p.enabled |= m.convert<std::string>() == "manual_readings";
    if (auto mr = t.moduleSettings("manual_readings")) { // checked, with the defaults (kabinet.settings)
        p.approval = mr->getValue<std::string>("approval");
        auto w = mr->getObject("window");
        p.fromDay = w->getValue<int>("from_day");
        p.toDay = w->getValue<int>("to_day");
        p.maxDailyKwh = mr->getValue<double>("max_daily_kwh");
        p.virtualMeters = mr->getValue<bool>("virtual_meters");
        p.nonSmartOnly = mr->getValue<bool>("non_smart_only");
        p.polledMeters = mr->getValue<bool>("polled_meters");
    }
    return p;
}

std::string manualRefusal(const ManualPolicy& p, bool smart, bool polled) {
    if (!p.enabled) return "Передача показаний в личном кабинете не предусмотрена";
    if ((polled && !p.polledMeters) || (smart && p.nonSmartOnly)) return "Показания этого прибора учёта передаются автоматически";
    return "";
}

Poco::JSON::Object::Ptr manualAvailability(const Tenant& t, bool smart, bool polled) {
    const std::string why = manualRefusal(manualPolicy(t), smart, polled);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("allowed", why.empty());
    o->set("reason", why.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(why));
    return o;
}

bool inSubmissionWindow(int day, int fromDay, int toDay) {
    if (fromDay <= toDay) return day >= fromDay && day <= toDay;
    return day >= fromDay || day <= toDay;
}

} // namespace kabinet
