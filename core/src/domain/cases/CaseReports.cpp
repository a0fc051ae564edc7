#include "cases/CaseReports.h"

#include "cases/CaseKinds.h"

#include "lua/LuaJson.h"
#include "storage/Database.h"
#include "storage/RowValues.h"
#include "util/TimeZones.h"

#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace kabinet {

namespace {

using Obj = Poco::JSON::Object::Ptr;
using Arr = Poco::JSON::Array::Ptr;

/// The channels of order 186 App. 7 §4, in the order of its table.
struct Channel {
    const char* id;
    const char* label;
};
const Channel kChannels[] = {{"in_person", "Очно"},
                             {"phone", "По телефону"},
                             {"portal", "В электронной форме через Интернет"},
                             {"email", "По электронной почте"},
                             {"post", "Письменно (почтой)"},
                             {"other", "Иное"}};

const char* kMonths[] = {"Январь", "Февраль", "Март",     "Апрель",  "Май",     "Июнь",
                         "Июль",   "Август",  "Сентябрь", "Октябрь", "Ноябрь", "Декабрь"};

std::string text(const Obj& o, const char* key) {
    return o && o->has(key) && o->get(key).isString() ? o->getValue<std::string>(key) : std::string();
}

std::vector<Obj> objects(const Obj& o, const char* key) {
    std::vector<Obj> out;
    if (!o || !o->has(key) || o->get(key).type() != typeid(Arr)) return out;
    for (const auto& v : *o->getArray(key))
        if (v.type() == typeid(Obj)) out.push_back(v.extract<Obj>());
    return out;
}

/// One stored case as the report reads it.
struct Row {
    std::string kind, channel, day, state; ///< day: "YYYY-MM-DD" of filing in the tenant's zone
    bool answered = false, onTime = false, overdue = false;
    std::optional<double> storedOnTime; ///< answered_on_time as the engine stored it
    std::string fields;
};

/// Counts of a group of cases.
struct Counts {
    long long total = 0, complaint = 0, serviceRequest = 0, answered = 0, onTime = 0, late = 0, open = 0, overdue = 0;
    void add(const Row& r, const std::string& reportAs) {
        ++total;
        if (reportAs == "complaint") ++complaint;
        if (reportAs == "service_request") ++serviceRequest;
        if (r.answered) {
            ++answered;
            ++(r.onTime ? onTime : late);
        } else {
            ++open;
        }
        if (r.overdue) ++overdue;
    }
    void write(Poco::JSON::Object& o) const {
        o.set("total", total);
        o.set("complaint", complaint);
        o.set("service_request", serviceRequest);
        o.set("answered", answered);
        o.set("answered_on_time", onTime);
        o.set("answered_late", late);
        o.set("open", open);
        o.set("overdue", overdue);
    }
};

/// "2026-03" → «Март 2026»; "2026-03-15" → «15.03.2026».
std::string periodLabel(const std::string& key) {
    if (key.size() == 7) return kMonths[std::stoi(key.substr(5, 2)) - 1] + std::string(" ") + key.substr(0, 4);
    return key.substr(8, 2) + "." + key.substr(5, 2) + "." + key.substr(0, 4);
}

/// Every period key of the range, in order (months "YYYY-MM" or days "YYYY-MM-DD").
std::vector<std::string> periodKeys(const ReportPeriod& p) {
    std::vector<std::string> out;
    if (p.group == "day") {
        const long long end = tz::localMidnight(p.to, 0);
        for (long long d = tz::localMidnight(p.from, 0); d <= end; d += 86400) out.push_back(tz::localDate(d, 0));
        return out;
    }
    int y = std::stoi(p.from.substr(0, 4)), m = std::stoi(p.from.substr(5, 2));
    const int ty = std::stoi(p.to.substr(0, 4)), tm = std::stoi(p.to.substr(5, 2));
    while (y < ty || (y == ty && m <= tm)) {
        out.push_back(std::to_string(y) + (m < 10 ? "-0" : "-") + std::to_string(m));
        if (++m > 12) m = 1, ++y;
    }
    return out;
}

/// An answer as people read it: the option's label, «Да»/«Нет», a number or the text.
std::string answerText(const Poco::Dynamic::Var& v, const ReportKind::Question& q) {
    if (v.isBoolean()) return v.convert<bool>() ? "Да" : "Нет";
    const std::string s = v.convert<std::string>();
    for (const auto& [value, label] : q.options)
        if (value == s) return label;
    return s;
}

bool isEmpty(const Poco::Dynamic::Var& v) {
    return v.isEmpty() || (v.isString() && v.extract<std::string>().empty());
}

/// The answers of the cases of one survey kind, per question.
Obj surveyOf(const ReportKind& kind, const std::vector<const Row*>& rows) {
    Obj out = new Poco::JSON::Object;
    Obj k = new Poco::JSON::Object;
    k->set("id", kind.id);
    k->set("label", kind.label);
    out->set("kind", k);
    out->set("total", static_cast<long long>(rows.size()));
    std::vector<Obj> parsed;
    for (const Row* r : rows) {
        auto v = luajson::parse(r->fields.empty() ? "{}" : r->fields);
        parsed.push_back(v.type() == typeid(Obj) ? v.extract<Obj>() : Obj(new Poco::JSON::Object));
    }
    Arr questions = new Poco::JSON::Array;
    for (const auto& q : kind.questions) {
        const bool choice = !q.options.empty() || q.type == "boolean";
        // A number field, or a choice whose every value is a number (a rating 1–5): answers are averaged too.
        bool numericOptions = !q.options.empty();
        for (const auto& [value, label] : q.options) {
            double ignored = 0;
            if (!Poco::NumberParser::tryParseFloat(value, ignored)) numericOptions = false;
        }
        const bool numeric = numericOptions || q.type == "number" || q.type == "decimal" || q.type == "integer" || q.type == "rating";
        long long answered = 0;
        double sum = 0;
        long long numbers = 0;
        std::vector<std::pair<std::string, long long>> counts; // value → count, options first in their order
        std::map<std::string, std::string> texts;
        for (const auto& [value, label] : q.options) {
            counts.push_back({value, 0});
            texts[value] = label;
        }
        if (q.type == "boolean" && q.options.empty()) {
            counts = {{"true", 0}, {"false", 0}};
            texts = {{"true", "Да"}, {"false", "Нет"}};
        }
        for (const auto& f : parsed) {
            if (!f->has(q.name) || isEmpty(f->get(q.name))) continue;
            const auto v = f->get(q.name);
            ++answered;
            if (numeric || (v.isNumeric() && !v.isBoolean())) {
                try {
                    sum += v.convert<double>();
                    ++numbers;
                } catch (const Poco::Exception&) {
                }
            }
            if (!choice && !numeric) continue; // free text: counted, not grouped
            const std::string value = v.isBoolean() ? (v.convert<bool>() ? "true" : "false") : v.convert<std::string>();
            auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == value; });
            if (it == counts.end()) {
                counts.push_back({value, 1});
                texts[value] = answerText(v, q);
            } else {
                ++it->second;
            }
        }
        Obj qo = new Poco::JSON::Object;
        qo->set("name", q.name);
        qo->set("label", q.label);
        qo->set("answered", answered);
        qo->set("average", numeric && numbers > 0 ? Poco::Dynamic::Var(sum / static_cast<double>(numbers)) : Poco::Dynamic::Var());
        Arr answers = new Poco::JSON::Array;
        for (const auto& [value, count] : counts) {
            Obj a = new Poco::JSON::Object;
            a->set("value", value);
            a->set("text", texts[value]);
            a->set("count", count);
            answers->add(a);
        }
        qo->set("answers", answers);
        questions->add(qo);
    }
    out->set("questions", questions);
    return out;
}

long long num(const Obj& o, const char* key) { return o->has(key) ? o->getValue<long long>(key) : 0; }

} // namespace

std::vector<ReportKind> reportKinds(Tenant& t) {
    std::vector<ReportKind> out;
    for (const auto& k : cases::CaseKinds::of(t)->kinds) {
        ReportKind r{k.id, k.label, k.reportAs.empty() ? "other" : k.reportAs, {}};
        for (const auto& st : k.states)
            if (st.final) r.finalStates.insert(st.id);
        if (k.form)
            for (const auto& v : *k.form) {
                if (v.type() != typeid(Obj)) continue;
                const Obj f = v.extract<Obj>();
                ReportKind::Question q{text(f, "name"), text(f, "label"), text(f, "type"), {}};
                for (const auto& o : objects(f, "options")) {
                    // A rating's values are numbers (kabinet.cases C.rating): kept as their text, as answers are compared.
                    const auto v = o->has("value") ? o->get("value") : Poco::Dynamic::Var();
                    q.options.push_back({v.isEmpty() ? std::string() : v.convert<std::string>(), text(o, "label")});
                }
                if (!q.name.empty()) r.questions.push_back(std::move(q));
            }
        out.push_back(std::move(r));
    }
    return out;
}

Obj CaseReports::cases(const std::string& tenantId, const std::vector<ReportKind>& kinds, const ReportPeriod& p) {
    const long long from = tz::localMidnight(p.from, p.utcOffset);
    const long long to = tz::localMidnight(p.to, p.utcOffset) + 86400;
    std::vector<Row> rows;
    db_.heavyRead([&](soci::session& s) { // a report may be slightly stale: the read replica serves it when there is one
        rows.clear();
        soci::rowset<soci::row> rs =
            (s.prepare << "SELECT kind, channel, filed_at, closed_at, due_at, answered_on_time, overdue, fields, state FROM cases "
                          "WHERE tenant_id = :t AND filed_at >= :f AND filed_at < :e ORDER BY filed_at",
             soci::use(tenantId), soci::use(from), soci::use(to));
        for (const auto& r : rs) {
            Row row;
            row.kind = columnText(r, 0);
            row.channel = columnText(r, 1);
            row.day = tz::localDate(columnInteger(r, 2), p.utcOffset);
            const auto closed = columnReal(r, 3), due = columnReal(r, 4), onTime = columnReal(r, 5);
            row.answered = closed.has_value();
            row.storedOnTime = onTime;
            row.onTime = row.answered && (onTime ? *onTime != 0 : (!due || *closed <= *due));
            row.overdue = columnInteger(r, 6) != 0;
            row.fields = columnText(r, 7);
            row.state = columnText(r, 8);
            rows.push_back(std::move(row));
        }
    });

    std::map<std::string, const ReportKind*> byId;
    for (const auto& k : kinds) byId[k.id] = &k;
    std::vector<ReportKind> unknown; // kinds stored but no longer declared
    std::set<std::string> unknownIds;
    for (const auto& r : rows)
        if (!byId.count(r.kind) && unknownIds.insert(r.kind).second) unknown.push_back({r.kind, r.kind, "other", {}});
    for (const auto& k : unknown) byId[k.id] = &k;
    // A case filed straight into a final state (a survey) or closed without `closed_at` counts as answered.
    for (auto& r : rows)
        if (!r.answered && byId.at(r.kind)->finalStates.count(r.state)) {
            r.answered = true;
            r.onTime = !r.storedOnTime || *r.storedOnTime != 0;
        }
    auto reportAs = [&](const std::string& kind) { return byId.at(kind)->reportAs; };

    // Appeals (every kind but surveys): totals and by channel.
    Counts totals;
    std::map<std::string, Counts> channels, byKind;
    std::map<std::string, std::vector<const Row*>> surveyRows;
    std::map<std::string, std::pair<long long, std::map<std::string, long long>>> periodKinds, periodChannels;
    const auto keys = periodKeys(p);
    for (const auto& r : rows) {
        const std::string as = reportAs(r.kind);
        byKind[r.kind].add(r, as);
        const std::string key = p.group == "day" ? r.day : r.day.substr(0, 7);
        ++periodKinds[key].second[r.kind];
        ++periodKinds[key].first;
        if (as == "survey") {
            surveyRows[r.kind].push_back(&r);
            continue;
        }
        totals.add(r, as);
        channels[r.channel].add(r, as);
        ++periodChannels[key].second[r.channel];
    }

    Obj out = new Poco::JSON::Object;
    out->set("from", p.from);
    out->set("to", p.to);
    out->set("group", p.group);
    Obj t = new Poco::JSON::Object;
    totals.write(*t);
    out->set("totals", t);

    Arr ch = new Poco::JSON::Array;
    for (const auto& c : kChannels) {
        Obj o = new Poco::JSON::Object;
        o->set("id", c.id);
        o->set("label", c.label);
        channels[c.id].write(*o);
        ch->add(o);
    }
    out->set("by_channel", ch);

    Arr bk = new Poco::JSON::Array;
    auto kindRow = [&](const ReportKind& k) {
        Obj o = new Poco::JSON::Object;
        o->set("id", k.id);
        o->set("label", k.label);
        o->set("report_as", k.reportAs);
        byKind[k.id].write(*o);
        bk->add(o);
    };
    for (const auto& k : kinds) kindRow(k);
    for (const auto& k : unknown) kindRow(k);
    out->set("by_kind", bk);

    Arr periods = new Poco::JSON::Array;
    for (const auto& key : keys) {
        Obj o = new Poco::JSON::Object;
        o->set("period", key);
        o->set("label", periodLabel(key));
        auto& pk = periodKinds[key];
        o->set("total", pk.first);
        Arr ks = new Poco::JSON::Array;
        for (const auto& k : kinds) {
            Obj c = new Poco::JSON::Object;
            c->set("id", k.id);
            c->set("count", pk.second[k.id]);
            ks->add(c);
        }
        for (const auto& k : unknown) {
            Obj c = new Poco::JSON::Object;
            c->set("id", k.id);
            c->set("count", pk.second[k.id]);
            ks->add(c);
        }
        o->set("kinds", ks);
        Arr cs = new Poco::JSON::Array;
        for (const auto& c : kChannels) {
            Obj co = new Poco::JSON::Object;
            co->set("id", c.id);
            co->set("count", periodChannels[key].second[c.id]);
            cs->add(co);
        }
        o->set("channels", cs);
        periods->add(o);
    }
    out->set("periods", periods);

    Arr surveys = new Poco::JSON::Array;
    for (const auto& k : kinds)
        if (k.reportAs == "survey") surveys->add(surveyOf(k, surveyRows[k.id]));
    out->set("surveys", surveys);
    return out;
}

std::vector<Table> CaseReports::tables(const Obj& report) {
    auto n = [](long long v) { return Cell(std::optional<double>(static_cast<double>(v))); };
    const std::string period = "с " + periodLabel(report->getValue<std::string>("from")) + " по " +
                               periodLabel(report->getValue<std::string>("to"));
    const Obj totals = report->getObject("totals");

    Table main;
    main.title = "Обращения";
    main.digits = 0;
    main.info = {{"Период", period}};
    main.headers = {"Способ обращения", "Всего обращений", "Содержащих жалобу", "Содержащих заявку на услугу",
                    "Ответ дан в срок", "Ответ дан с нарушением срока", "Без ответа"};
    for (const auto& c : *report->getArray("by_channel")) {
        const Obj o = c.extract<Obj>();
        main.rows.push_back({text(o, "label"), n(num(o, "total")), n(num(o, "complaint")), n(num(o, "service_request")),
                             n(num(o, "answered_on_time")), n(num(o, "answered_late")), n(num(o, "open"))});
    }
    main.rows.push_back({std::string("Итого"), n(num(totals, "total")), n(num(totals, "complaint")),
                         n(num(totals, "service_request")), n(num(totals, "answered_on_time")),
                         n(num(totals, "answered_late")), n(num(totals, "open"))});

    Table kinds;
    kinds.title = "По видам";
    kinds.digits = 0;
    kinds.info = {{"Период", period}};
    kinds.headers = {"Вид", "Всего", "Ответ дан в срок", "Ответ дан с нарушением срока", "Без ответа", "Просрочено"};
    std::map<std::string, std::string> kindLabels;
    for (const auto& c : *report->getArray("by_kind")) {
        const Obj o = c.extract<Obj>();
        kindLabels[text(o, "id")] = text(o, "label");
        kinds.rows.push_back({text(o, "label"), n(num(o, "total")), n(num(o, "answered_on_time")),
                              n(num(o, "answered_late")), n(num(o, "open")), n(num(o, "overdue"))});
    }

    Table periods;
    periods.title = "По периодам";
    periods.digits = 0;
    periods.info = {{"Период", period}};
    periods.headers = {"Период", "Всего"};
    const Arr pa = report->getArray("periods");
    if (pa->size() > 0) {
        const Obj first = pa->getObject(0);
        for (const auto& k : *first->getArray("kinds")) periods.headers.push_back(kindLabels[text(k.extract<Obj>(), "id")]);
        for (const auto& c : kChannels) periods.headers.push_back(c.label);
    }
    for (const auto& v : *pa) {
        const Obj o = v.extract<Obj>();
        std::vector<Cell> row = {text(o, "label"), n(num(o, "total"))};
        for (const auto& k : *o->getArray("kinds")) row.push_back(n(num(k.extract<Obj>(), "count")));
        for (const auto& c : *o->getArray("channels")) row.push_back(n(num(c.extract<Obj>(), "count")));
        periods.rows.push_back(std::move(row));
    }

    std::vector<Table> out = {main, kinds, periods};
    int index = 0;
    for (const auto& sv : *report->getArray("surveys")) {
        const Obj s = sv.extract<Obj>();
        Table t;
        t.title = "Опрос " + std::to_string(++index);
        t.digits = 2;
        t.info = {{"Опрос", text(s->getObject("kind"), "label")}, {"Период", period}, {"Ответов", n(num(s, "total"))}};
        t.headers = {"Вопрос", "Ответ", "Количество"};
        for (const auto& qv : *s->getArray("questions")) {
            const Obj q = qv.extract<Obj>();
            for (const auto& av : *q->getArray("answers")) {
                const Obj a = av.extract<Obj>();
                t.rows.push_back({text(q, "label"), text(a, "text"), n(num(a, "count"))});
            }
            if (!q->get("average").isEmpty())
                t.rows.push_back({text(q, "label"), std::string("Среднее"), Cell(std::optional<double>(q->getValue<double>("average")))});
            t.rows.push_back({text(q, "label"), std::string("Всего ответили"), n(num(q, "answered"))});
        }
        out.push_back(std::move(t));
    }
    return out;
}

} // namespace kabinet
