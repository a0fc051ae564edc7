#include "demo/DemoSeeder.h"

#include "identity/IdentityService.h"
#include "meters/MeterData.h"
#include "meters/MeterRegistry.h"
#include "storage/Database.h"
#include "tenants/TenantRegistry.h"
#include "util/Error.h"
#include "util/Log.h"
#include "util/TimeZones.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <stdexcept>
#include <optional>
#include <string_view>
#include <tuple>

namespace kabinet {

namespace {

using JsonObject = Poco::JSON::Object::Ptr;
using JsonArray = Poco::JSON::Array::Ptr;

constexpr const char* kPassword = "Demo2024pass"; ///< Latin letters and digits: every tenant's policy accepts it
constexpr const char* kClient = "127.0.0.1";       ///< the address registrations and consents are recorded from
constexpr long long kDay = 86400;
constexpr long long kInterval = 1800; ///< the power profile's interval (30 min)
constexpr double kPi = 3.14159265358979323846;

// ---- deterministic random numbers ---------------------------------------------------------------------------------

/// splitmix64: small, fast, and the same sequence on every platform (std distributions are not).
class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
    double range(double a, double b) { return a + (b - a) * uniform(); }
    int below(int n) { return n <= 0 ? 0 : static_cast<int>(next() % static_cast<uint64_t>(n)); }
    /// Standard normal (Box–Muller).
    double gauss() {
        if (haveSpare_) {
            haveSpare_ = false;
            return spare_;
        }
        double u = 0;
        do u = uniform(); while (u <= 1e-300);
        const double v = uniform();
        const double r = std::sqrt(-2.0 * std::log(u));
        spare_ = r * std::sin(2 * kPi * v);
        haveSpare_ = true;
        return r * std::cos(2 * kPi * v);
    }
    /// `n` decimal digits, the first not zero.
    std::string digits(int n) {
        std::string s;
        for (int i = 0; i < n; ++i) s += static_cast<char>('0' + (i == 0 ? 1 + below(9) : below(10)));
        return s;
    }

private:
    uint64_t state_;
    double spare_ = 0;
    bool haveSpare_ = false;
};

/// A seed derived from a base seed and a name (FNV-1a), so that each meter has its own stream.
uint64_t derive(uint64_t seed, std::string_view name) {
    uint64_t h = 0xcbf29ce484222325ull ^ (seed * 0x100000001b3ull);
    for (unsigned char c : name) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }
double round2(double v) { return std::round(v * 100.0) / 100.0; }
double round1(double v) { return std::round(v * 10.0) / 10.0; }

// ---- calendar -----------------------------------------------------------------------------------------------------

struct Date {
    int y = 1970;
    unsigned m = 1, d = 1;
};

long long floorDiv(long long a, long long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/// The local date of a moment.
Date dateOf(long long ts, int offset) {
    using namespace std::chrono;
    const year_month_day ymd{sys_days{days{floorDiv(ts + offset, kDay)}}};
    return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())};
}

/// Days since 1970-01-01 of a date (a day past the month's end is clamped to its last day).
long long dayNumber(Date dt) {
    using namespace std::chrono;
    year_month_day ymd{year{dt.y}, month{dt.m}, day{dt.d}};
    if (!ymd.ok()) ymd = year_month_day{year_month_day_last{year{dt.y}, month_day_last{month{dt.m}}}};
    return sys_days{ymd}.time_since_epoch().count();
}

std::string iso(Date dt) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", dt.y, dt.m, dt.d);
    return buf;
}

Date fromDayNumber(long long n) { return dateOf(n * kDay, 0); }

Date plusYears(Date dt, int years) {
    Date out{dt.y + years, dt.m, dt.d};
    return fromDayNumber(dayNumber(out));
}

// ---- identifiers with check digits --------------------------------------------------------------------------------

void requireDigits(const std::string& s, std::size_t n, const char* what) {
    if (s.size() != n || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw std::invalid_argument(std::string(what) + ": expected " + std::to_string(n) + " digits");
}

int weighted(const std::string& s, std::initializer_list<int> weights) {
    int sum = 0, i = 0;
    for (int w : weights) sum += w * (s[i++] - '0');
    return sum;
}

/// The number formed by the digits, mod m (the digits may exceed 64 bits' worth of care, so reduce as we go).
int modOf(const std::string& s, int m) {
    int r = 0;
    for (char c : s) r = (r * 10 + (c - '0')) % m;
    return r;
}

std::string formatSnils(const std::string& d) {
    return d.substr(0, 3) + "-" + d.substr(3, 3) + "-" + d.substr(6, 3) + " " + d.substr(9, 2);
}

/// "9128451732" → "+7 (912) 845-17-32", as a person types it.
std::string formatMobile(const std::string& ten) {
    return "+7 (" + ten.substr(0, 3) + ") " + ten.substr(3, 3) + "-" + ten.substr(6, 2) + "-" + ten.substr(8, 2);
}

} // namespace

namespace demo {

std::string snils(const std::string& nine) {
    requireDigits(nine, 9, "СНИЛС");
    if (std::stoll(nine) <= 1001998) throw std::invalid_argument("СНИЛС: numbers up to 001-001-998 have no control number");
    const int sum = weighted(nine, {9, 8, 7, 6, 5, 4, 3, 2, 1});
    int control = sum < 100 ? sum : (sum <= 101 ? 0 : sum % 101);
    if (control == 100) control = 0;
    return nine + static_cast<char>('0' + control / 10) + static_cast<char>('0' + control % 10);
}

std::string inn10(const std::string& nine) {
    requireDigits(nine, 9, "ИНН");
    return nine + static_cast<char>('0' + weighted(nine, {2, 4, 10, 3, 5, 9, 4, 6, 8}) % 11 % 10);
}

std::string inn12(const std::string& ten) {
    requireDigits(ten, 10, "ИНН");
    std::string s = ten + static_cast<char>('0' + weighted(ten, {7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) % 11 % 10);
    return s + static_cast<char>('0' + weighted(s, {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) % 11 % 10);
}

std::string ogrn(const std::string& twelve) {
    requireDigits(twelve, 12, "ОГРН");
    return twelve + static_cast<char>('0' + modOf(twelve, 11) % 10);
}

std::string ogrnip(const std::string& fourteen) {
    requireDigits(fourteen, 14, "ОГРНИП");
    return fourteen + static_cast<char>('0' + modOf(fourteen, 13) % 10);
}

} // namespace demo

namespace {

// ---- the demo plan ------------------------------------------------------------------------------------------------

/// The shape of a consumer's load.
enum class Load { Flat, House, Business, Factory };

struct MeterSpec {
    std::string model, modification, serial, registerNumber, accuracyClass, nominalVoltage, currentRange;
    int phases = 1;
    bool smart = true;
    bool transformers = false; ///< connected through current and voltage transformers (10 kV)
    Load load = Load::Flat;
    double scale = 1.0;      ///< kW at the model's 1.0 (peak for businesses)
    int tamper = 0;          ///< tamper events over the period
};

struct PointSpec {
    std::string name, number, address, place;
    double limitKw = 15;
    MeterSpec meter;
    bool grant = true; ///< granted when the consumer's scope is "point"
};

struct AccountSpec {
    std::string number;
    std::vector<PointSpec> points;
    bool grant = true; ///< granted when the scope is "account"
    std::string label; ///< what the account is for, for the description ("гараж")
};

struct ContractSpec {
    std::string number, consumerKind = "individual", consumerName, inn, ogrn, legalAddress, supplier, validFrom, title;
    std::vector<AccountSpec> accounts;
    std::vector<PointSpec> points; ///< points of the contract without a personal account
    bool grant = true;             ///< granted when the scope is "contract"
};

/// A person as the registration form asks for them.
struct Persona {
    std::string surname, name, patronymic;      ///< the person (head of an organisation)
    std::string email, phone;                   ///< as typed
    std::string snils, inn, ogrn, ogrnip;       ///< digits
    std::string username;                       ///< ВГЭС login
    std::string organization, organizationFull; ///< legal entity or sole proprietor
    std::string contractNumber;                 ///< СИГМА asks for it at registration
    bool fromVoronezh = true;
    std::string street, house, flat, postcode, address;
    std::string fullName() const { return surname + " " + name + (patronymic.empty() ? "" : " " + patronymic); }
};

struct ConsumerSpec {
    std::string kind;
    Persona person;
    std::vector<ContractSpec> contracts;
    std::string way;   ///< access way of the grants
    std::string scope; ///< point | account | contract
    std::string who;   ///< Russian: who this is, for the description
    std::string hint;  ///< Russian: what to try
};

/// Where a tenant is, for addresses, numbers and the meters of generated consumers.
struct Place {
    std::string city, region, postcode, mobileCode, supplier, accountPrefix, contractPrefix, pointPrefix;
    std::vector<std::string> streets;
    int genericModel = 0; ///< 0 CE102, 1 ФОБОС 1, 2 Меркурий 234 (direct), 3 CE308; generated flats take a single-phase one
    bool genericSmart = false;
};

// Meter types of the seeds. Register numbers in the state register of measuring instruments are
// plausible demo values (the one of Меркурий 234 ART(M) is the one seed 004 shows).
MeterSpec fobos1(Rng& r) {
    return {"ФОБОС 1", "ФОБОС 1 NB-Fi 5(80) А", "0" + r.digits(7), "71423-18", "1.0", "230 В", "5(80) А", 1, true, false, Load::Flat, 1.0, 0};
}
MeterSpec fobos3(Rng& r) {
    return {"ФОБОС 3", "ФОБОС 3 NB-Fi 5(80) А", "0" + r.digits(7), "71424-18", "1.0", "3×230/400 В", "5(80) А", 3, true, false, Load::House, 1.0, 0};
}
MeterSpec mercury234(Rng& r) {
    return {"Меркурий 234", "ARTM-01 PBR.L4", "4" + r.digits(7), "75755-19", "1.0", "3×230/400 В", "5(60) А", 3, true, false, Load::House, 1.0, 0};
}
MeterSpec mercury234ct(Rng& r) {
    return {"Меркурий 234", "ARTM-03 PBR.L4", "4" + r.digits(7), "75755-19", "0.5S", "3×57,7/100 В", "5(10) А", 3, true, true, Load::Factory, 280.0, 0};
}
MeterSpec ce308(Rng& r) {
    return {"Энергомера CE308", "CE308 S31.543.OAA.SYUVJLFZ GS01", "0115" + r.digits(11), "59520-14", "1.0", "3×230/400 В", "5(100) А", 3, true,
            false, Load::Business, 40.0, 0};
}
MeterSpec ce102(Rng& r) {
    return {"Энергомера CE102", "CE102M S7 145-JV", "0092" + r.digits(11), "69253-17", "1.0", "230 В", "5(60) А", 1, true, false, Load::Flat, 1.0, 0};
}
MeterSpec genericMeter(const Place& pl, Rng& r) {
    MeterSpec m = pl.genericModel == 1 ? fobos1(r) : pl.genericModel == 2 ? mercury234(r) : pl.genericModel == 3 ? ce308(r) : ce102(r);
    if (m.phases != 1) m = ce102(r); // a flat has a single-phase supply
    m.load = Load::Flat;
    m.scale = 1.0;
    m.smart = pl.genericSmart;
    return m;
}

/// Returns `m` with other load, size, smartness and tamper events.
MeterSpec with(MeterSpec m, Load load, double scale, bool smart, int tamper) {
    m.load = load;
    m.scale = scale;
    m.smart = smart;
    m.tamper = tamper;
    return m;
}

Place placeOf(const std::string& tenant) {
    if (tenant == "kes-orenburg")
        return {"г. Оренбург", "56", "4600", "912", "АО «ЭнергосбыТ Плюс»", "5610", "КЭС-", "56-ТУ-",
                {"ул. Чкалова", "ул. Советская", "пр-т Победы", "ул. Терешковой", "ул. Салмышская"}, 1, true};
    if (tenant == "sigma")
        return {"г. Симферополь", "91", "2950", "978", "ГУП РК «Крымэнерго»", "9110", "СЭ-", "91-ТУ-",
                {"ул. Киевская", "ул. Гагарина", "ул. Севастопольская", "ул. Куйбышева"}, 0, false};
    if (tenant == "voek")
        return {"г. Владимир", "33", "6000", "920", "ООО «Энергосбыт Волга»", "3300", "ЭС-33-", "33-ТУ-",
                {"ул. Добросельская", "ул. Мира", "ул. Горького", "Суздальский пр-т"}, 1, false};
    if (tenant == "vges")
        return {"г. Воронеж", "36", "3940", "910", "ПАО «ТНС энерго Воронеж»", "36", "ВГЭС-Д-", "36-ТУ-", {}, 0, false};
    if (tenant == "oes360")
        return {"г. Москва", "77", "1150", "916", "oes360", "7700", "", "50-ТУ-", {"ул. Лесная", "Дмитровское ш.", "ул. Вавилова"}, 0, false};
    return {"г. Москва", "77", "1150", "916", "ПАО «Мосэнергосбыт»", "7799", "Д-", "77-ТУ-", {"ул. Лесная", "ул. Вавилова"}, 0, true};
}

// Names of generated consumers: surname (male, female, Latin), first names, patronymics.
struct Surname {
    const char *male, *female, *latin;
};
const Surname kSurnames[] = {{"Волков", "Волкова", "volkov"},         {"Зайцев", "Зайцева", "zaytsev"},   {"Никитин", "Никитина", "nikitin"},
                             {"Фёдоров", "Фёдорова", "fedorov"},     {"Лебедев", "Лебедева", "lebedev"}, {"Егоров", "Егорова", "egorov"},
                             {"Павлов", "Павлова", "pavlov"},         {"Семёнов", "Семёнова", "semenov"}, {"Голубев", "Голубева", "golubev"},
                             {"Виноградов", "Виноградова", "vinogradov"}, {"Богданов", "Богданова", "bogdanov"}, {"Тихонов", "Тихонова", "tikhonov"}};
const std::pair<const char*, const char*> kMaleNames[] = {{"Андрей", "a"}, {"Михаил", "m"}, {"Олег", "o"}, {"Игорь", "i"}, {"Роман", "r"}, {"Денис", "d"}};
const std::pair<const char*, const char*> kFemaleNames[] = {{"Ольга", "o"}, {"Татьяна", "t"}, {"Наталья", "n"}, {"Ирина", "i"}, {"Марина", "m"}, {"Светлана", "s"}};
const std::pair<const char*, const char*> kPatronymics[] = {
    {"Александрович", "Александровна"}, {"Сергеевич", "Сергеевна"}, {"Владимирович", "Владимировна"}, {"Петрович", "Петровна"}, {"Юрьевич", "Юрьевна"}};

/// A generated individual of a tenant, number `index` (1-based among generated ones).
Persona generatedPerson(const Place& pl, int index, Rng& r) {
    Persona p;
    const bool female = index % 2 == 0;
    const auto& sn = kSurnames[r.below(static_cast<int>(std::size(kSurnames)))];
    const auto& fn = female ? kFemaleNames[r.below(6)] : kMaleNames[r.below(6)];
    const auto& pn = kPatronymics[r.below(5)];
    p.surname = female ? sn.female : sn.male;
    p.name = fn.first;
    p.patronymic = female ? pn.second : pn.first;
    const std::string latin = std::string(sn.latin) + (female ? "a" : "");
    p.email = std::string(fn.second) + "." + latin + std::to_string(index) + "@example.com";
    p.username = latin + std::to_string(index);
    p.phone = formatMobile(pl.mobileCode + r.digits(7));
    p.snils = demo::snils(std::to_string(100000000 + r.below(800000000)));
    p.inn = demo::inn12(pl.region + r.digits(8));
    p.fromVoronezh = true;
    p.house = std::to_string(1 + r.below(120));
    p.flat = std::to_string(1 + r.below(150));
    p.postcode = pl.postcode + std::to_string(10 + r.below(89));
    return p;
}

// ---- the rosters of the five tenants ------------------------------------------------------------------------------

std::vector<ConsumerSpec> kesRoster(const Place& pl, Rng& r) {
    std::vector<ConsumerSpec> out;
    {
        ConsumerSpec c{"consumer", {}, {}, "operator_grant", "point", "Потребитель, квартира в г. Оренбурге", ""};
        c.person.surname = "Кузнецов", c.person.name = "Алексей", c.person.patronymic = "Викторович";
        c.person.email = "a.kuznetsov@example.com", c.person.phone = "+7 (912) 845-17-32";
        ContractSpec k{"КЭС-2021/1024", "individual", "", "", "", "", pl.supplier, "2021-03-01", "", {}, {}, true};
        k.accounts.push_back({"5610024817",
                              {{"Квартира", "56-ТУ-000101", "г. Оренбург, ул. Чкалова, д. 22, кв. 15", "Этажный щит на лестничной площадке", 15,
                                with(fobos1(r), Load::Flat, 1.0, true, 2)}},
                              true, "квартира"});
        c.contracts.push_back(k);
        out.push_back(c);
    }
    {
        ConsumerSpec c{"consumer", {}, {}, "operator_grant", "point", "Потребитель, частный дом в Оренбургском районе", ""};
        c.person.surname = "Сафина", c.person.name = "Гульнара", c.person.patronymic = "Рашидовна";
        c.person.email = "g.safina@example.com", c.person.phone = "+7 (922) 531-08-44";
        ContractSpec k{"КЭС-2022/1187", "individual", "", "", "", "", pl.supplier, "2022-05-16", "", {}, {}, true};
        k.accounts.push_back({"5610031546",
                              {{"Жилой дом", "56-ТУ-000214", "Оренбургский р-н, с. Нежинка, ул. Луговая, д. 7", "Опора ВЛ-0,4 кВ у дома", 15,
                                with(fobos3(r), Load::House, 1.1, true, 1)}},
                              true, "жилой дом"});
        c.contracts.push_back(k);
        out.push_back(c);
    }
    {
        ConsumerSpec c{"consumer", {}, {}, "operator_grant", "point", "Потребитель, квартира в г. Оренбурге",
                       "Доступ ещё не выдан: сообщите оператору e-mail — оператор выдаёт доступ к точке учёта 56-ТУ-000338 "
                       "в разделе «Потребители»."};
        c.person.surname = "Белов", c.person.name = "Дмитрий", c.person.patronymic = "Сергеевич";
        c.person.email = "d.belov@example.com", c.person.phone = "+7 (912) 367-90-15";
        ContractSpec k{"КЭС-2023/1302", "individual", "", "", "", "", pl.supplier, "2023-02-01", "", {}, {}, true};
        PointSpec p{"Квартира", "56-ТУ-000338", "г. Оренбург, пр-т Победы, д. 118, кв. 47", "Этажный щит на лестничной площадке", 15,
                    with(fobos1(r), Load::Flat, 0.8, true, 0), false};
        k.accounts.push_back({"5610040093", {p}, true, "квартира"});
        c.contracts.push_back(k);
        out.push_back(c);
    }
    return out;
}

std::vector<ConsumerSpec> sigmaRoster(const Place& pl, Rng& r) {
    std::vector<ConsumerSpec> out;
    {
        ConsumerSpec c{"consumer", {}, {}, "operator_grant", "contract", "Абонент — ООО «Таврида-Хлеб» (хлебозавод 10 кВ и магазин)", ""};
        c.person.surname = "Ковальчук", c.person.name = "Сергей", c.person.patronymic = "Николаевич";
        c.person.email = "s.kovalchuk@example.com", c.person.phone = "+7 (978) 214-55-09";
        c.person.organization = "ООО «Таврида-Хлеб»", c.person.contractNumber = "СЭ-0143/21";
        ContractSpec k{"СЭ-0143/21", "legal_entity", "ООО «Таврида-Хлеб»", demo::inn10("910201234"), demo::ogrn("114910201234"),
                       "Республика Крым, г. Симферополь, ул. Промышленная, д. 4", pl.supplier, "2021-01-01", "", {}, {}, true};
        k.points.push_back({"ТП-14, ввод 10 кВ (хлебозавод)", "91-ТУ-001401", "Республика Крым, г. Симферополь, ул. Промышленная, д. 4",
                            "РУ-10 кВ ТП-14, ячейка 3", 670, with(mercury234ct(r), Load::Factory, 280, true, 1)});
        k.points.push_back({"Магазин «Таврида-Хлеб»", "91-ТУ-001402", "Республика Крым, г. Симферополь, ул. Киевская, д. 112",
                            "ВРУ-0,4 кВ магазина", 30, with(ce308(r), Load::Business, 32, true, 0)});
        c.contracts.push_back(k);
        out.push_back(c);
    }
    {
        ConsumerSpec c{"consumer", {}, {}, "operator_grant", "contract", "Абонент — ИП Шевченко О. В. (кафе)", ""};
        c.person.surname = "Шевченко", c.person.name = "Оксана", c.person.patronymic = "Викторовна";
        c.person.email = "o.shevchenko@example.com", c.person.phone = "+7 (978) 730-62-18";
        c.person.organization = "ИП Шевченко О. В.", c.person.contractNumber = "СЭ-0278/22";
        ContractSpec k{"СЭ-0278/22", "sole_proprietor", "ИП Шевченко Оксана Викторовна", demo::inn12("9102345678"),
                       demo::ogrnip("31891020012345"), "Республика Крым, г. Симферополь, ул. Гагарина, д. 14, кв. 3", pl.supplier,
                       "2022-04-01", "", {}, {}, true};
        k.points.push_back({"Кафе «Ласточка»", "91-ТУ-002781", "Республика Крым, г. Симферополь, ул. Гагарина, д. 20", "ВРУ-0,4 кВ кафе", 25,
                            with(ce308(r), Load::Business, 18, false, 0)});
        c.contracts.push_back(k);
        out.push_back(c);
    }
    {
        ConsumerSpec c{"consumer", {}, {}, "operator_grant", "contract", "Абонент — ООО «Южный берег» (склад)",
                       "Доступ ещё не выдан: технический специалист выдаёт его по номеру договора СЭ-0311/23 в разделе «Потребители»."};
        c.person.surname = "Литвиненко", c.person.name = "Артём", c.person.patronymic = "Игоревич";
        c.person.email = "a.litvinenko@example.com", c.person.phone = "+7 (978) 455-91-30";
        c.person.organization = "ООО «Южный берег»", c.person.contractNumber = "СЭ-0311/23";
        ContractSpec k{"СЭ-0311/23", "legal_entity", "ООО «Южный берег»", demo::inn10("910305678"), demo::ogrn("116910200567"),
                       "Республика Крым, г. Симферополь, ул. Куйбышева, д. 58", pl.supplier, "2023-07-01", "", {}, {}, false};
        k.points.push_back({"Склад", "91-ТУ-003111", "Республика Крым, г. Симферополь, ул. Куйбышева, д. 58", "ВРУ-0,4 кВ склада", 40,
                            with(mercury234(r), Load::Business, 15, false, 0)});
        c.contracts.push_back(k);
        out.push_back(c);
    }
    return out;
}

std::vector<ConsumerSpec> voekRoster(const Place& pl, Rng& r) {
    std::vector<ConsumerSpec> out;
    {
        ConsumerSpec c{"individual", {}, {}, "account_number", "account", "Физическое лицо, жилой дом в г. Владимире",
                       "Можно добавить лицевой счёт 3300654321 (садовый дом) в «Информация по приборам учёта»."};
        c.person.surname = "Смирнова", c.person.name = "Елена", c.person.patronymic = "Александровна";
        c.person.email = "e.smirnova@example.com", c.person.phone = "+7 (920) 623-41-18";
        c.person.snils = demo::snils("118452306");
        ContractSpec home{"ЭС-33-000871", "individual", "", "", "", "", pl.supplier, "2020-09-01", "", {}, {}, true};
        home.accounts.push_back({"3300123456",
                                 {{"Жилой дом", "33-ТУ-010245", "г. Владимир, ул. Добросельская, д. 41", "Фасад дома, шкаф учёта", 15,
                                   with(mercury234(r), Load::House, 1.0, true, 1)}},
                                 true, "жилой дом"});
        ContractSpec dacha{"ЭС-33-000872", "individual", "", "", "", "", pl.supplier, "2021-05-01", "", {}, {}, true};
        dacha.accounts.push_back({"3300654321",
                                  {{"Садовый дом", "33-ТУ-010377", "Суздальский р-н, СНТ «Рассвет», участок 112", "Опора ВЛ-0,4 кВ", 10,
                                    with(ce308(r), Load::Flat, 0.5, false, 0)}},
                                  false, "садовый дом"});
        c.contracts.push_back(home);
        c.contracts.push_back(dacha);
        out.push_back(c);
    }
    {
        ConsumerSpec c{"legal_entity", {}, {}, "ogrn_contract", "contract", "Юридическое лицо ООО «Владимирский текстиль» (цех и офис)", ""};
        c.person.organization = "ООО «Владимирский текстиль»";
        c.person.email = "energo.vladtex@example.com", c.person.phone = "+7 (4922) 45-12-30";
        c.person.inn = demo::inn10("332801234"), c.person.ogrn = demo::ogrn("105330201234");
        const std::string legal = "г. Владимир, ул. Мира, д. 15";
        ContractSpec a{"ЭС-33-01457", "legal_entity", c.person.organization, c.person.inn, c.person.ogrn, legal, pl.supplier, "2019-01-01", "", {}, {},
                       true};
        a.points.push_back({"Цех № 1", "33-ТУ-014571", "г. Владимир, ул. Мира, д. 15, стр. 2", "ВРУ-0,4 кВ цеха", 120,
                            with(ce308(r), Load::Business, 55, true, 1)});
        ContractSpec b{"ЭС-33-01458", "legal_entity", c.person.organization, c.person.inn, c.person.ogrn, legal, pl.supplier, "2019-01-01", "", {}, {},
                       true};
        b.points.push_back({"Административный корпус", "33-ТУ-014581", legal, "ВРУ-0,4 кВ корпуса", 60,
                            with(ce308(r), Load::Business, 24, true, 0)});
        c.contracts.push_back(a);
        c.contracts.push_back(b);
        out.push_back(c);
    }
    {
        ConsumerSpec c{"sole_proprietor", {}, {}, "ogrn_contract", "contract", "Индивидуальный предприниматель Соколов П. А. (магазин)",
                       "Доступ не выдан: откройте «Информация по приборам учёта» — ОГРНИП найдётся в данных сетевой организации; "
                       "подтвердите номером договора ЭС-33-02210."};
        c.person.surname = "Соколов", c.person.name = "Павел", c.person.patronymic = "Андреевич";
        c.person.email = "p.sokolov@example.com", c.person.phone = "+7 (904) 255-73-61";
        c.person.inn = demo::inn12("3327012345"), c.person.ogrnip = demo::ogrnip("31833280001234");
        ContractSpec k{"ЭС-33-02210", "sole_proprietor", "ИП Соколов Павел Андреевич", c.person.inn, c.person.ogrnip,
                       "г. Владимир, ул. Горького, д. 73, кв. 9", pl.supplier, "2018-11-01", "", {}, {}, false};
        k.points.push_back({"Магазин «Хозтовары»", "33-ТУ-022101", "г. Владимир, ул. Горького, д. 75", "ВРУ-0,4 кВ магазина", 30,
                            with(ce308(r), Load::Business, 12, false, 0)});
        c.contracts.push_back(k);
        out.push_back(c);
    }
    return out;
}

std::vector<ConsumerSpec> vgesRoster(const Place& pl, Rng& r) {
    std::vector<ConsumerSpec> out;
    {
        ConsumerSpec c{"individual", {}, {}, "account_number", "account", "Физическое лицо, квартира в г. Воронеже",
                       "Можно добавить лицевой счёт 3612046 (гараж)."};
        Persona& p = c.person;
        p.username = "petrov.demo", p.surname = "Петров", p.name = "Николай", p.patronymic = "Иванович";
        p.email = "n.petrov@example.com", p.phone = "+7 (910) 734-28-51", p.snils = demo::snils("127839450");
        p.fromVoronezh = true, p.street = "Кольцовская ул.", p.house = "35", p.flat = "12", p.postcode = "394036";
        ContractSpec k{"ВГЭС-Д-004512", "individual", "", "", "", "", pl.supplier, "2019-06-01", "", {}, {}, true};
        k.accounts.push_back({"3612045",
                              {{"Квартира", "36-ТУ-045120", "г. Воронеж, Кольцовская ул., д. 35, кв. 12", "Этажный щит", 10,
                                with(ce102(r), Load::Flat, 0.9, true, 1)}},
                              true, "квартира"});
        k.accounts.push_back({"3612046",
                              {{"Гараж", "36-ТУ-045121", "г. Воронеж, ГСК «Северный», бокс 214", "Щит учёта ГСК", 5,
                                with(ce102(r), Load::Flat, 0.3, false, 0)}},
                              false, "гараж"});
        c.contracts.push_back(k);
        out.push_back(c);
    }
    {
        ConsumerSpec c{"legal_entity", {}, {}, "account_number", "account", "Юридическое лицо ООО «СтройМонтаж» (офис)", ""};
        Persona& p = c.person;
        p.username = "stroymontazh", p.surname = "Громов", p.name = "Виктор", p.patronymic = "Павлович";
        p.organization = "ООО «СтройМонтаж»", p.organizationFull = "Общество с ограниченной ответственностью «СтройМонтаж»";
        p.email = "office.stroymontazh@example.com", p.phone = "+7 (473) 261-45-80";
        p.fromVoronezh = true, p.street = "Московский пр-т", p.house = "97", p.postcode = "394077";
        p.inn = demo::inn10("366201234"), p.ogrn = demo::ogrn("113366801234");
        ContractSpec k{"ВГЭС-Ю-000318", "legal_entity", p.organization, p.inn, p.ogrn, "г. Воронеж, Московский пр-т, д. 97", pl.supplier,
                       "2020-02-01", "", {}, {}, true};
        k.accounts.push_back({"3620318",
                              {{"Офис", "36-ТУ-062031", "г. Воронеж, Московский пр-т, д. 97, оф. 12", "Щит учёта офиса", 15,
                                with(ce102(r), Load::Business, 6, false, 0)}},
                              true, "офис"});
        c.contracts.push_back(k);
        out.push_back(c);
    }
    {
        ConsumerSpec c{"sole_proprietor", {}, {}, "account_number", "account", "Индивидуальный предприниматель Орлова М. В. (парикмахерская)", ""};
        Persona& p = c.person;
        p.username = "orlova.ip", p.surname = "Орлова", p.name = "Марина", p.patronymic = "Викторовна";
        p.organization = "ИП Орлова М. В.", p.organizationFull = "Индивидуальный предприниматель Орлова Марина Викторовна";
        p.email = "m.orlova@example.com", p.phone = "+7 (951) 540-19-77";
        p.fromVoronezh = false, p.address = "Воронежская обл., г. Нововоронеж, ул. Ленина, д. 8", p.postcode = "396072";
        p.inn = demo::inn12("3651012345"), p.ogrnip = demo::ogrnip("31936680005678");
        ContractSpec k{"ВГЭС-И-000127", "sole_proprietor", "ИП Орлова Марина Викторовна", p.inn, p.ogrnip, p.address, pl.supplier, "2021-09-01", "",
                       {}, {}, true};
        k.accounts.push_back({"3601127",
                              {{"Парикмахерская", "36-ТУ-011270", "г. Воронеж, ул. Плехановская, д. 10", "Щит учёта помещения", 10,
                                with(ce102(r), Load::Business, 5, false, 0)}},
                              true, "парикмахерская"});
        c.contracts.push_back(k);
        out.push_back(c);
    }
    return out;
}

std::vector<ConsumerSpec> oesRoster(const Place& pl, Rng& r) {
    std::vector<ConsumerSpec> out;
    {
        ConsumerSpec c{"consumer", {}, {}, "supplier_login", "contract", "Абонент, дом в НСТ «Автомобилист» и гараж", ""};
        c.person.surname = "Васильев", c.person.name = "Василий", c.person.patronymic = "Васильевич";
        c.person.email = "v.vasiliev@example.com", c.person.phone = "+7 (916) 402-33-71";
        // Two contracts, as the supplier's cabinet shows them (seed 004): the dacha and the garage.
        ContractSpec dacha{"76385943-232", "individual", "Васильев Василий Васильевич", "", "",
                           "Московская обл., Дмитровский г. о., НСТ «Автомобилист», уч. 41", pl.supplier, "2020-12-01", "Дача в НСТ «Автомобилист»",
                           {}, {}, true};
        dacha.points.push_back({"НСТ Автомобилист", "50-ТУ-763859", "Московская обл., Дмитровский г. о., НСТ «Автомобилист», уч. 41",
                                "Опора ВЛ-0,4 кВ у участка", 15, with(mercury234(r), Load::House, 1.0, true, 1)});
        c.contracts.push_back(dacha);
        ContractSpec garage{"56957585-677", "individual", "Васильев Василий Васильевич", "", "",
                            "Московская обл., Дмитровский г. о., НСТ «Автомобилист», гараж 7", pl.supplier, "2021-06-01", "Гараж", {}, {}, true};
        garage.points.push_back({"Гараж", "50-ТУ-763860", "Московская обл., Дмитровский г. о., НСТ «Автомобилист», гараж 7", "Щит учёта", 5,
                                 with(ce102(r), Load::Flat, 0.25, false, 0)});
        c.contracts.push_back(garage);
        out.push_back(c);
    }
    {
        ConsumerSpec c{"consumer", {}, {}, "supplier_login", "contract", "Абонент, квартира в г. Москве", ""};
        c.person.surname = "Морозова", c.person.name = "Анна", c.person.patronymic = "Сергеевна";
        c.person.email = "a.morozova@example.com", c.person.phone = "+7 (916) 118-27-64";
        ContractSpec k{"56957590-118", "individual", "Морозова Анна Сергеевна", "", "", "г. Москва, ул. Вавилова, д. 53, кв. 88", pl.supplier,
                       "2022-03-01", "Квартира", {}, {}, true};
        k.points.push_back({"Квартира", "50-ТУ-569575", "г. Москва, ул. Вавилова, д. 53, кв. 88", "Этажный щит", 10,
                            with(ce102(r), Load::Flat, 0.9, false, 0)});
        c.contracts.push_back(k);
        out.push_back(c);
    }
    return out;
}

// ---- the registration form ----------------------------------------------------------------------------------------

std::string text(const JsonObject& o, const std::string& key) {
    if (!o || !o->has(key)) return {};
    auto v = o->get(key);
    return v.isEmpty() || !(v.isString() || v.isNumeric() || v.isBoolean()) ? std::string() : v.convert<std::string>();
}

bool flagOf(const JsonObject& o, const std::string& key) {
    if (!o || !o->has(key)) return false;
    auto v = o->get(key);
    return v.isBoolean() && v.convert<bool>();
}

JsonObject parseObject(const std::string& json) {
    if (json.empty()) return nullptr;
    Poco::JSON::Parser p;
    auto v = p.parse(json);
    return v.type() == typeid(JsonObject) ? v.extract<JsonObject>() : nullptr;
}

/// The values of a dictionary (items are {value, label} objects or plain strings).
std::vector<std::string> dictionaryValues(Tenant& t, const std::string& name) {
    std::vector<std::string> out;
    if (name.empty()) return out;
    auto d = parseObject(t.dictionaryJson(name));
    if (!d || !d->getArray("items")) return out;
    for (const auto& item : *d->getArray("items")) {
        if (item.isString()) out.push_back(item.convert<std::string>());
        else if (item.type() == typeid(JsonObject)) out.push_back(text(item.extract<JsonObject>(), "value"));
    }
    return out;
}

/// The kind's description in the registration form, or nullptr.
JsonObject formKind(const JsonObject& form, const std::string& kind) {
    if (!form || !form->getArray("kinds")) return nullptr;
    for (const auto& k : *form->getArray("kinds"))
        if (k.type() == typeid(JsonObject) && text(k.extract<JsonObject>(), "id") == kind) return k.extract<JsonObject>();
    return nullptr;
}

/// What a person fills into a field of this name, or empty when the name is not one the demo knows.
std::string namedValue(const std::string& name, const Persona& p) {
    if (name == "surname") return p.surname;
    if (name == "name") return p.name;
    if (name == "patronymic") return p.patronymic;
    if (name == "username") return p.username;
    if (name == "organization") return p.organization.empty() ? p.fullName() : p.organization; // a private person names themself
    if (name == "org_short_name") return p.organization;
    if (name == "org_full_name") return p.organizationFull.empty() ? p.organization : p.organizationFull;
    if (name == "contract_number") return p.contractNumber;
    if (name == "house") return p.house;
    if (name == "flat") return p.flat;
    if (name == "address") return p.address;
    if (name == "full_name" || name == "head_full_name" || name == "fio") return p.surname.empty() ? p.organization : p.fullName();
    return {};
}

/// The value a person would type into a field, by its name first and its type second; empty when they
/// would leave it empty. A required field nothing fits gets a neutral text.
Poco::Dynamic::Var fieldValue(Tenant& t, const JsonObject& f, const Persona& p) {
    const std::string name = text(f, "name"), type = text(f, "type");
    const bool required = flagOf(f, "required");
    if (name == "from_voronezh") return Poco::Dynamic::Var(p.fromVoronezh);
    std::string v = namedValue(name, p);
    if (v.empty()) {
        if (type == "email") v = p.email;
        else if (type == "phone") v = p.phone;
        else if (type == "password" || type == "password_confirm") v = kPassword;
        else if (type == "snils") v = p.snils.empty() ? std::string() : formatSnils(p.snils);
        else if (type == "inn" || type == "inn10" || type == "inn12") v = p.inn;
        else if (type == "ogrn") v = p.ogrn;
        else if (type == "ogrnip") v = p.ogrnip;
        else if (type == "postcode") v = p.postcode;
        else if (type == "street") {
            auto items = dictionaryValues(t, text(f, "dictionary").empty() ? "streets" : text(f, "dictionary"));
            v = !p.street.empty() && std::find(items.begin(), items.end(), p.street) != items.end() ? p.street
                : items.empty()                                                                    ? std::string()
                                                                                                   : items.front();
        } else if (type == "boolean")
            return f->has("default") && f->get("default").isBoolean() ? f->get("default") : Poco::Dynamic::Var(false);
        else if (required && type == "select") {
            if (auto opts = f->getArray("options"); opts && opts->size() > 0 && opts->get(0).type() == typeid(JsonObject))
                v = text(opts->getObject(0), "value");
            else if (auto items = dictionaryValues(t, text(f, "dictionary")); !items.empty())
                v = items.front();
        } else if (required && type == "date") v = "2015-03-16";
        else if (required && type == "egr_record") v = !p.ogrnip.empty() ? p.ogrnip : p.ogrn;
        else if (required && type == "passport") v = "4510 123456";
        else if (required && (type == "text" || type == "textarea")) v = "Демонстрационные данные";
    }
    return v.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(v);
}

/// The registration body exactly as the portal sends it: {kind, fields (visible ones), consents (all ids)}.
JsonObject registrationBody(Tenant& t, const JsonObject& form, const std::string& kind, const Persona& p) {
    auto k = formKind(form, kind);
    if (!k) throw std::runtime_error("demo seed: tenant '" + t.id() + "' has no applicant kind '" + kind + "'");
    std::map<std::string, Poco::Dynamic::Var> values;
    std::vector<JsonObject> fields;
    if (auto list = k->getArray("fields"))
        for (const auto& f : *list)
            if (f.type() == typeid(JsonObject)) fields.push_back(f.extract<JsonObject>());
    for (const auto& f : fields) values[text(f, "name")] = fieldValue(t, f, p);
    JsonObject out = new Poco::JSON::Object;
    JsonObject given = new Poco::JSON::Object;
    for (const auto& f : fields) {
        const std::string name = text(f, "name");
        if (auto cond = f->getObject("visible_if")) {
            const auto& other = values[text(cond, "field")];
            const std::string want = cond->has("equals") ? cond->get("equals").convert<std::string>() : "true";
            if (other.isEmpty() || other.convert<std::string>() != want) continue; // hidden: the portal does not send it
        }
        if (!values[name].isEmpty()) given->set(name, values[name]);
    }
    JsonArray consents = new Poco::JSON::Array;
    if (auto list = form->getArray("consents"))
        for (const auto& c : *list)
            if (c.type() == typeid(JsonObject)) consents->add(text(c.extract<JsonObject>(), "id"));
    out->set("kind", kind);
    out->set("fields", given);
    out->set("consents", consents);
    return out;
}

/// The login a person types for this kind: the value of the field marked `login`.
std::string loginOf(Tenant& t, const JsonObject& form, const std::string& kind, const Persona& p) {
    auto k = formKind(form, kind);
    if (k && k->getArray("fields"))
        for (const auto& f : *k->getArray("fields"))
            if (f.type() == typeid(JsonObject) && flagOf(f.extract<JsonObject>(), "login")) {
                auto v = fieldValue(t, f.extract<JsonObject>(), p);
                return v.isEmpty() ? std::string() : v.convert<std::string>();
            }
    return p.email;
}

// ---- meter data ---------------------------------------------------------------------------------------------------

double smoothStep(double x, double a, double b) {
    if (x <= a) return 0;
    if (x >= b) return 1;
    const double u = (x - a) / (b - a);
    return u * u * (3 - 2 * u);
}

double bump(double x, double mu, double sigma) {
    const double z = (x - mu) / sigma;
    return std::exp(-0.5 * z * z);
}

/// Mean power of a load at local hour `h` (0–24) on weekday `wd` (0 = Monday); `winter` is +1 in mid-January and −1 in
/// mid-July. Households in kW; businesses as a share of their peak.
double meanPower(Load load, double h, int wd, double winter) {
    const bool weekend = wd >= 5;
    switch (load) {
    case Load::Flat:
    case Load::House: {
        double p = 0.20 + 0.04 * winter; // refrigerator, stand-by
        if (weekend) p += 0.85 * bump(h, 10.0, 1.6) + 0.45 * smoothStep(h, 11, 13) * (1 - smoothStep(h, 17, 18.5));
        else p += 0.75 * bump(h, 7.2, 0.8) + 0.15 * smoothStep(h, 9, 10) * (1 - smoothStep(h, 16, 17));
        p += 1.30 * bump(h, 20.3, 1.7);
        p += std::max(0.0, winter) * 0.35 * (bump(h, 7.0, 1.0) + bump(h, 17.5, 1.5)); // lighting on dark winter days
        p *= 0.75 * (1 + 0.15 * winter); // a flat: about 3,000 kWh a year
        if (load == Load::House) p = 1.6 * p + 1.1 * std::max(0.0, winter + 0.3) * (0.7 + 0.3 * bump(h, 6, 2.5) + 0.3 * bump(h, 21, 2.5));
        return p;
    }
    case Load::Business: {
        const double open = smoothStep(h, 7.5, 8.5) * (1 - smoothStep(h, 19.0, 20.0));
        const double day = wd < 5 ? 1.0 : (wd == 5 ? 0.7 : 0.35);
        return (0.12 + 0.88 * open * day * (1 - 0.12 * bump(h, 13.5, 0.5))) * (1 + 0.12 * winter + 0.10 * std::max(0.0, -winter));
    }
    case Load::Factory: {
        const double shift = smoothStep(h, 5.5, 6.5) * (1 - smoothStep(h, 21.5, 22.5));
        const double day = wd < 5 ? 1.0 : (wd == 5 ? 0.55 : 0.12);
        return (0.22 + 0.78 * shift * day) * (1 + 0.08 * winter);
    }
    }
    return 0;
}

struct Limits {
    double minKw, maxKw, noise, pfLow, pfHigh;
};

Limits limitsOf(const MeterSpec& m) {
    switch (m.load) {
    case Load::Flat: return {0.06 * m.scale, 3.2 * m.scale, 0.12, 0.93, 0.98};
    case Load::House: return {0.10 * m.scale, 7.0 * m.scale, 0.10, 0.92, 0.98};
    case Load::Business: return {0.05 * m.scale, 1.15 * m.scale, 0.06, 0.88, 0.95};
    case Load::Factory: return {0.10 * m.scale, 1.10 * m.scale, 0.05, 0.86, 0.93};
    }
    return {0, 1, 0, 0.9, 0.95};
}

/// One meter's series over [start, end): generated day by day, written month by month.
class Series {
public:
    Series(MeterDataSink& sink, std::string tenant, std::string meterId, const MeterSpec& spec, int offset, long long start, long long end,
           uint64_t seed, DemoStats& stats)
        : sink_(sink), tenant_(std::move(tenant)), meterId_(std::move(meterId)), m_(spec), offset_(offset), start_(start), end_(end),
          rng_(seed), stats_(stats), lim_(limitsOf(spec)) {}

    void run() {
        // The registers the meter showed when the period began.
        const double initial = m_.load == Load::Factory ? rng_.range(400000, 900000)
                               : m_.load == Load::Business ? rng_.range(30000, 150000) * m_.scale / 40
                                                           : rng_.range(6000, 24000) * m_.scale;
        a1_ = initial * 0.7, a2_ = initial * 0.3, r1_ = initial * 0.2, r2_ = initial * 0.08;
        const long long days = (end_ - start_ + kDay - 1) / kDay;
        std::set<long long> tamperDays;
        for (int i = 0; i < m_.tamper && days > 40; ++i) tamperDays.insert(30 + rng_.below(static_cast<int>(days - 32)));
        int tamperIndex = rng_.below(3);
        for (long long dayStart = start_, day = 0; dayStart < end_; dayStart += kDay, ++day) {
            const Date dt = dateOf(dayStart, offset_);
            if (dt.d == 1 && !batch_.empty()) flush();
            if (m_.smart) reading(dayStart, "latest");
            if (dt.d == 1 || day == 0) {
                if (!m_.smart) reading(dayStart, "latest");
                if (dt.d == 1) reading(dayStart, "billing");
            }
            std::set<int> outage;
            if (m_.smart) {
                if (day == 0)
                    event(dayStart + 10 * 3600 + 120, "parameters_changed", "config", "info",
                          "Перепрограммирование: установлено тарифное расписание (T1 07:00–23:00, T2 23:00–07:00)", std::nullopt, false);
                if (day > 0 && rng_.uniform() < 1.0 / 150) {
                    const int from = 2 + rng_.below(42), len = 1 + rng_.below(4);
                    for (int i = from; i < from + len && i < 48; ++i) outage.insert(i);
                    const long long off = dayStart + from * kInterval, on = dayStart + (from + len) * kInterval;
                    event(off, "power_off", "power", "warning", "Отключение питания прибора учёта", on, false);
                    event(on, "power_on", "power", "info", "Включение питания прибора учёта, перерыв " + std::to_string(len * 30) + " мин",
                          std::nullopt, false);
                }
                if (rng_.uniform() < 1.0 / 20) {
                    const int shift = (rng_.uniform() < 0.7 ? 1 : -1) * (20 + rng_.below(130));
                    const int a = std::abs(shift);
                    event(dayStart + 3 * 3600 + rng_.below(3600), "clock_correction", "clock", "info",
                          std::string("Коррекция часов прибора на ") + (shift > 0 ? "+" : "−") + (a >= 60 ? std::to_string(a / 60) + " мин " : "") +
                              std::to_string(a % 60) + " с",
                          std::nullopt, false);
                }
                if (rng_.uniform() < 1.0 / 45) {
                    const bool high = rng_.uniform() < 0.5;
                    static const char* const kPhases[] = {"A", "B", "C"};
                    const char* phase = m_.phases == 3 ? kPhases[rng_.below(3)] : "A";
                    const long long ts = dayStart + rng_.below(48) * kInterval + rng_.below(1800);
                    event(ts, high ? "voltage_high" : "voltage_low", "voltage", "warning",
                          std::string("Выход напряжения фазы ") + phase + " за " + (high ? "верхнюю" : "нижнюю") +
                              " границу нормально допустимого значения (" + (high ? "+" : "−") + "5 %)",
                          ts + 600 + rng_.below(3000), false);
                }
                if (tamperDays.count(day)) tamper(dayStart, tamperIndex++);
            }
            intervals(dayStart, outage);
        }
        // The registers at the end, and the last two days of network parameters.
        if (m_.smart) {
            reading(end_, "latest");
            const Date last = dateOf(end_, offset_);
            if (last.d == 1 && (end_ + offset_) % kDay == 0) reading(end_, "billing");
            networkParams();
        }
        flush();
        ++stats_.meters;
        if (m_.smart) ++stats_.smartMeters;
    }

private:
    void flush() {
        if (batch_.empty()) return;
        const IngestResult r = sink_.write(tenant_, batch_);
        stats_.readings += r.readings, stats_.profile += r.profile, stats_.params += r.params, stats_.events += r.events,
            stats_.tamperEvents += r.tamperEvents;
        batch_ = MeterDataBatch{};
    }

    void reading(long long ts, const char* kind) {
        auto add = [&](const char* energy, double t1, double t2) {
            ReadingRow row;
            row.meterId = meterId_, row.ts = ts, row.kind = kind, row.energy = energy, row.source = "demo";
            row.t1 = round3(t1), row.t2 = round3(t2);
            row.total = round3(*row.t1 + *row.t2);
            batch_.readings.push_back(std::move(row));
        };
        add("A+", a1_, a2_);
        if (m_.smart) add("R+", r1_, r2_);
    }

    void event(long long ts, const std::string& code, const std::string& category, const std::string& severity, const std::string& text,
               std::optional<long long> tsEnd, bool tamper) {
        if (ts >= end_) return;
        EventRow e;
        e.meterId = meterId_, e.tsStart = ts, e.code = code, e.category = category, e.severity = severity, e.text = text, e.tsEnd = tsEnd;
        e.tamper = tamper;
        batch_.events.push_back(std::move(e));
    }

    void tamper(long long dayStart, int index) {
        static const struct {
            const char *code, *text;
            int minMinutes, maxMinutes;
        } kinds[] = {{"cover_open", "Вскрытие крышки корпуса (кожуха) прибора учёта", 5, 40},
                     {"terminal_cover_open", "Вскрытие крышки клеммной колодки прибора учёта", 3, 20},
                     {"magnetic_field", "Воздействие на прибор учёта постоянным или переменным магнитным полем", 20, 180}};
        const auto& k = kinds[index % 3];
        const long long ts = dayStart + 10 * 3600 + rng_.below(7 * 3600);
        event(ts, k.code, "tamper", "alarm", k.text, ts + 60LL * (k.minMinutes + rng_.below(k.maxMinutes - k.minMinutes + 1)), true);
    }

    void intervals(long long dayStart, const std::set<int>& outage) {
        const long long dayIndex = floorDiv(dayStart + offset_, kDay);
        const int wd = static_cast<int>(((dayIndex + 3) % 7 + 7) % 7); // 1970-01-01 was a Thursday
        const double winter = std::cos(2 * kPi * (static_cast<double>(dayIndex) - 14.0) / 365.2425);
        for (int i = 0; i < 48; ++i) {
            const long long ts = dayStart + i * kInterval;
            if (ts + kInterval > end_) break;
            const double h = i * 0.5 + 0.25;
            double p = meanPower(m_.load, h, wd, winter) * m_.scale;
            p *= std::max(0.5, 1 + lim_.noise * rng_.gauss());
            if ((m_.load == Load::Flat || m_.load == Load::House) && rng_.uniform() < 0.04) p += rng_.range(0.3, 1.2) * m_.scale; // kettle, oven
            p = std::clamp(p, lim_.minKw, lim_.maxKw);
            const double pf = std::clamp(rng_.range(lim_.pfLow, lim_.pfHigh) + 0.005 * rng_.gauss(), 0.85, 0.98);
            double q = p * std::sqrt(1 - pf * pf) / pf;
            if (outage.count(i)) p = 0, q = 0;
            p = round3(p), q = round3(q);
            const bool day = i >= 14 && i < 46; // T1 07:00–23:00 local
            (day ? a1_ : a2_) += p * 0.5;
            (day ? r1_ : r2_) += q * 0.5;
            if (m_.smart) {
                ProfileRow row;
                row.meterId = meterId_, row.ts = ts, row.intervalMin = 30, row.pPlus = p, row.pMinus = 0.0, row.qPlus = q, row.qMinus = 0.0;
                batch_.profile.push_back(std::move(row));
                if (ts >= end_ - 50 * 3600) recent_[ts] = {p, pf};
            }
        }
    }

    /// Hourly instantaneous values of the last two days, from the profile of the same moments.
    void networkParams() {
        const long long lastHour = floorDiv(end_ - kInterval, 3600) * 3600;
        const bool vt = m_.transformers;
        for (int k = 47; k >= 0; --k) {
            const long long ts = lastHour - k * 3600LL;
            auto it = recent_.find(ts);
            if (it == recent_.end()) continue;
            const double p = it->second.first, pf0 = it->second.second;
            const double f = round2(50.0 + std::clamp(0.02 * rng_.gauss(), -0.05, 0.05));
            double shares[3] = {1, 0, 0};
            if (m_.phases == 3) {
                shares[0] = 0.34 + 0.03 * rng_.gauss(), shares[1] = 0.33 + 0.03 * rng_.gauss();
                shares[2] = 1 - shares[0] - shares[1];
            }
            double sumP = 0, sumQ = 0;
            static const char* names[] = {"A", "B", "C"};
            for (int ph = 0; ph < m_.phases; ++ph) {
                const double u = vt ? round1(5950 + 60 * rng_.gauss()) : round1(std::clamp(228.0 + 3.0 * rng_.gauss(), 220.0, 235.0));
                const double pf = std::clamp(pf0 + 0.01 * rng_.gauss(), 0.85, 0.98);
                const double pp = round3(p * shares[ph]), qq = round3(pp * std::sqrt(1 - pf * pf) / pf);
                ParamRow row;
                row.meterId = meterId_, row.ts = ts, row.phase = names[ph];
                row.voltage = u, row.current = round2(pp * 1000.0 / (u * pf)), row.p = pp, row.q = qq, row.s = round3(std::hypot(pp, qq));
                row.pf = round3(pf), row.frequency = f, row.angle = 120.0 * ph;
                batch_.params.push_back(std::move(row));
                sumP += pp, sumQ += qq;
            }
            ParamRow sum;
            sum.meterId = meterId_, sum.ts = ts, sum.phase = "S";
            sum.p = round3(sumP), sum.q = round3(sumQ), sum.s = round3(std::hypot(sumP, sumQ));
            sum.pf = sumP > 0 ? round3(sumP / std::hypot(sumP, sumQ)) : 1.0;
            sum.frequency = f;
            batch_.params.push_back(std::move(sum));
        }
    }

    MeterDataSink& sink_;
    std::string tenant_, meterId_;
    const MeterSpec& m_;
    int offset_;
    long long start_, end_;
    Rng rng_;
    DemoStats& stats_;
    Limits lim_;
    double a1_ = 0, a2_ = 0, r1_ = 0, r2_ = 0;
    MeterDataBatch batch_;
    std::map<long long, std::pair<double, double>> recent_; ///< ts → (p, pf) of the last two days
};

} // namespace

// ---- the run ------------------------------------------------------------------------------------------------------

struct DemoSeeder::Run {
    DemoSeeder& self;
    const DemoOptions& o;
    long long now;
    MeterRegistry registry;
    MeterDataSink sink;

    /// The data of one meter to generate, collected while registering and generated at the end.
    struct Job {
        std::string tenant, meterId;
        MeterSpec spec;
        int offset = 0;
        long long start = 0, end = 0;
        uint64_t seed = 0;
    };
    std::vector<Job> jobs;

    Run(DemoSeeder& s, const DemoOptions& opts, long long n) : self(s), o(opts), now(n), registry(s.db_), sink(s.db_) {}

    /// Generates and writes the collected series. On PostgreSQL several meters are written at once (the server, not
    /// the generator, is the bottleneck); the first one alone, so that it creates the monthly partitions of the period.
    /// SQLite has one writer at a time: one thread.
    void generate() {
        if (jobs.empty()) return;
        auto runOne = [&](const Job& j, DemoStats& st) { Series(sink, j.tenant, j.meterId, j.spec, j.offset, j.start, j.end, j.seed, st).run(); };
        runOne(jobs.front(), self.stats_);
        const unsigned threads = self.db_.backend() == Backend::PostgreSQL ? std::clamp(std::thread::hardware_concurrency(), 1u, 4u) : 1u;
        std::atomic<std::size_t> next{1};
        std::mutex mutex;
        std::exception_ptr failure;
        auto worker = [&] {
            for (std::size_t i; (i = next++) < jobs.size();) {
                {
                    std::lock_guard<std::mutex> lock(mutex);
                    if (failure) return;
                }
                DemoStats st;
                try {
                    runOne(jobs[i], st);
                } catch (...) {
                    std::lock_guard<std::mutex> lock(mutex);
                    if (!failure) failure = std::current_exception();
                    return;
                }
                std::lock_guard<std::mutex> lock(mutex);
                DemoStats& total = self.stats_;
                total.meters += st.meters, total.smartMeters += st.smartMeters, total.readings += st.readings, total.profile += st.profile;
                total.params += st.params, total.events += st.events, total.tamperEvents += st.tamperEvents;
            }
        };
        std::vector<std::thread> pool;
        for (unsigned k = 1; k < threads; ++k) pool.emplace_back(worker);
        worker();
        for (auto& th : pool) th.join();
        jobs.clear();
        if (failure) std::rethrow_exception(failure);
    }

    /// The user of this login, registering and confirming them when they are new. Returns the user id.
    std::string user(Tenant& t, const JsonObject& form, const ConsumerSpec& c, const std::string& login) {
        std::string normalized = t.normalizeLogin(c.kind, login);
        if (normalized.empty()) normalized = Poco::toLower(Poco::trim(login));
        std::string id;
        self.db_.read([&](soci::session& s) {
            std::string found;
            s << "SELECT user_id FROM users WHERE tenant_id = :t AND login = :l", soci::use(t.id()), soci::use(normalized), soci::into(found);
            if (s.got_data()) id = found;
        });
        if (!id.empty()) return id;
        JsonObject answer;
        try {
            answer = self.identity_.registerUser(t, registrationBody(t, form, c.kind, c.person), kClient);
        } catch (const Error& e) {
            std::string why;
            for (const auto& [field, reason] : e.fields()) why += (why.empty() ? "" : "; ") + field + ": " + reason;
            throw std::runtime_error("demo seed: tenant '" + t.id() + "' refused the demo registration of kind '" + c.kind + "' (" + e.code() +
                                     (why.empty() ? "" : ": " + why) + ")");
        }
        id = answer->getObject("user")->getValue<std::string>("id");
        // Confirmed as if the person had followed the link and typed the code; nothing of it stays queued.
        self.db_.transaction([&](soci::session& s) {
            s << "UPDATE users SET state = 'active', email_verified = CASE WHEN email IS NULL THEN 0 ELSE 1 END, "
                 "phone_verified = CASE WHEN phone IS NULL THEN 0 ELSE 1 END, updated_at = :n WHERE tenant_id = :t AND user_id = :u",
                soci::use(now), soci::use(t.id()), soci::use(id);
            std::string email, phone;
            soci::indicator ie = soci::i_null, ip = soci::i_null;
            s << "SELECT email, phone FROM users WHERE tenant_id = :t AND user_id = :u", soci::use(t.id()), soci::use(id), soci::into(email, ie),
                soci::into(phone, ip);
            for (const auto& [value, ind] : {std::pair{email, ie}, std::pair{phone, ip}})
                if (ind == soci::i_ok && !value.empty())
                    s << "DELETE FROM outbox WHERE tenant_id = :t AND state = 'queued' AND recipient = :r", soci::use(t.id()), soci::use(value);
            s << "DELETE FROM tokens WHERE tenant_id = :t AND user_id = :u AND used_at IS NULL", soci::use(t.id()), soci::use(id);
        });
        ++self.stats_.users;
        return id;
    }

    void grant(const std::string& tenant, const std::string& userId, const std::string& scope, const std::string& ref, const std::string& way,
               const std::string& title) {
        self.db_.transaction([&](soci::session& s) {
            soci::indicator ti = title.empty() ? soci::i_null : soci::i_ok;
            s << "INSERT INTO access_grants (tenant_id, user_id, scope, ref_id, way, title, granted_at) VALUES (:t, :u, :s, :r, :w, :ti, :n) "
                 "ON CONFLICT (tenant_id, user_id, scope, ref_id) DO NOTHING",
                soci::use(tenant), soci::use(userId), soci::use(scope), soci::use(ref), soci::use(way), soci::use(title, ti), soci::use(now);
        });
    }

    bool hasData(const std::string& tenant, const std::string& meterId) {
        int n = 0;
        self.db_.read([&](soci::session& s) {
            s << "SELECT COUNT(*) FROM readings WHERE tenant_id = :t AND meter_id = :m", soci::use(tenant), soci::use(meterId), soci::into(n);
        });
        return n > 0;
    }

    /// Registers the point and its meter (and transformers); queues the meter's data for generate() when it has none yet.
    /// Returns the point id.
    std::string point(const std::string& tenant, int offset, const PointSpec& ps, const std::string& accountId, const std::string& contractId,
                      long long start, long long end) {
        const Date startDate = dateOf(start, offset);
        Rng r(derive(o.seed, tenant + "/dates/" + ps.number));
        const Date installed = fromDayNumber(dayNumber(startDate) - 30 - r.below(600));
        const Date verified = fromDayNumber(dayNumber(installed) - 20 - r.below(90));
        MeteringPoint mp;
        mp.accountId = accountId, mp.contractId = contractId, mp.name = ps.name, mp.number = ps.number, mp.address = ps.address;
        mp.installationPlace = ps.place, mp.commissionedOn = iso(installed), mp.tariff = "Двухзонный (T1 07:00–23:00, T2 23:00–07:00)";
        mp.powerLimitKw = ps.limitKw;
        const std::string pointId = registry.upsertPoint(tenant, mp);
        const MeterSpec& ms = ps.meter;
        Meter m;
        m.pointId = pointId, m.model = ms.model, m.modification = ms.modification, m.serial = ms.serial, m.registerNumber = ms.registerNumber;
        m.accuracyClass = ms.accuracyClass, m.nominalVoltage = ms.nominalVoltage, m.currentRange = ms.currentRange, m.phases = ms.phases;
        m.tariffZones = 2, m.smart = ms.smart, m.installedOn = iso(installed), m.verifiedOn = iso(verified);
        m.verificationYears = 16, m.nextVerificationOn = iso(plusYears(verified, 16));
        const std::string meterId = registry.upsertMeter(tenant, m);
        if (ms.transformers) {
            const Date tv = fromDayNumber(dayNumber(installed) - 200 - r.below(300));
            for (const char* phase : {"A", "B", "C"}) {
                registry.upsertTransformer(tenant, {meterId, "current", phase, "ТОЛ-НТЗ-10", "2" + r.digits(5), "200/5", "0.5S", iso(tv)});
                registry.upsertTransformer(tenant, {meterId, "voltage", phase, "НОЛ.08-10", "3" + r.digits(5), "10000/100", "0.5", iso(tv)});
            }
        }
        if (!hasData(tenant, meterId))
            jobs.push_back({tenant, meterId, ms, offset, start, end, derive(o.seed, tenant + "/meter/" + ms.model + "/" + ms.serial)});
        return pointId;
    }
};

DemoSeeder::DemoSeeder(Database& db, TenantRegistry& tenants, IdentityService& identity) : db_(db), tenants_(tenants), identity_(identity) {}

namespace {

/// Access way and scope for a generated consumer of this kind: the kind's ways first, then the tenant's.
std::pair<std::string, std::string> wayFor(const JsonObject& profile, const std::string& kind, const std::string& tenant) {
    std::vector<std::string> ways;
    auto collect = [&](const JsonArray& a) {
        if (a)
            for (const auto& w : *a)
                if (w.isString()) ways.push_back(w.convert<std::string>());
    };
    if (profile && profile->getArray("applicant_kinds"))
        for (const auto& k : *profile->getArray("applicant_kinds"))
            if (k.type() == typeid(JsonObject) && text(k.extract<JsonObject>(), "id") == kind) collect(k.extract<JsonObject>()->getArray("access_ways"));
    if (ways.empty() && profile) collect(profile->getArray("access_ways"));
    const std::string way = ways.empty() ? "operator_grant" : ways.front();
    if (way == "account_number") return {way, "account"};
    if (way == "operator_grant") return {way, tenant == "sigma" ? "contract" : "point"};
    return {way, "contract"};
}

/// The applicant kind generated consumers register as: an individual where the tenant has one.
std::string individualKind(const JsonObject& form) {
    std::string first;
    if (form && form->getArray("kinds"))
        for (const auto& k : *form->getArray("kinds")) {
            if (k.type() != typeid(JsonObject)) continue;
            const std::string id = text(k.extract<JsonObject>(), "id");
            if (first.empty()) first = id;
            if (id == "individual" || id == "consumer") return id;
        }
    return first;
}

std::string describe(const ConsumerSpec& c, int years) {
    std::vector<std::string> seen;
    auto add = [&](const PointSpec& p) {
        seen.push_back("«" + p.name + "» — " + p.meter.model + " № " + p.meter.serial +
                       (p.meter.smart ? " (интеллектуальный: профиль мощности, показания и журнал событий за " + std::to_string(years) + " " +
                                            (years == 1 ? "год" : years < 5 ? "года" : "лет") + ", параметры сети за двое суток)"
                                      : " (показания на 1-е число месяца)"));
    };
    for (const auto& k : c.contracts) {
        const bool contractSeen = c.scope == "contract" && k.grant;
        for (const auto& p : k.points)
            if (contractSeen || (c.scope == "point" && p.grant)) add(p);
        for (const auto& a : k.accounts)
            for (const auto& p : a.points)
                if (contractSeen || (c.scope == "account" && a.grant) || (c.scope == "point" && p.grant)) add(p);
    }
    std::string out = c.who + ". ";
    if (seen.empty()) out += "Пока не видит ни одной точки учёта.";
    else {
        out += "Видит: ";
        for (std::size_t i = 0; i < seen.size(); ++i) out += (i ? "; " : "") + seen[i];
        out += ".";
    }
    if (!c.hint.empty()) out += " " + c.hint;
    return out;
}

} // namespace

std::vector<DemoAccount> DemoSeeder::seed(const DemoOptions& o) {
    const auto t0 = std::chrono::steady_clock::now();
    stats_ = DemoStats{};
    const long long now = o.now > 0 ? o.now : static_cast<long long>(std::time(nullptr));
    const int years = std::max(1, o.years);
    Run run(*this, o, now);
    std::vector<DemoAccount> accounts;

    // Users reference their tenant's row: record the tenants when the caller has not.
    bool recorded = true;
    db_.read([&](soci::session& s) {
        for (const auto& id : tenants_.ids()) {
            int n = 0;
            s << "SELECT COUNT(*) FROM tenants WHERE tenant_id = :t", soci::use(id), soci::into(n);
            if (!n) recorded = false;
        }
    });
    if (!recorded) tenants_.persist(db_);

    const auto ids = tenants_.ids();
    std::map<std::string, std::vector<std::string>> extraByTenant; // benchmark meters, round robin over the tenants
    for (const auto& tenantId : ids) {
        auto t = tenants_.find(tenantId);
        if (!t) continue;
        const JsonObject form = parseObject(t->registrationFormJson());
        const JsonObject profile = parseObject(t->profileJson());
        const int offset = tz::offsetSeconds(text(profile, "timezone"));
        const Place pl = placeOf(tenantId);
        Rng r(derive(o.seed, tenantId));

        // The period: from local midnight `years` back to the last whole half hour.
        const long long end = floorDiv(now, kInterval) * kInterval;
        const Date today = dateOf(now, offset);
        const long long start = dayNumber(Date{today.y - years, today.m, today.d}) * kDay - offset;

        std::vector<ConsumerSpec> roster = tenantId == "kes-orenburg" ? kesRoster(pl, r)
                                           : tenantId == "sigma"      ? sigmaRoster(pl, r)
                                           : tenantId == "voek"       ? voekRoster(pl, r)
                                           : tenantId == "vges"       ? vgesRoster(pl, r)
                                           : tenantId == "oes360"     ? oesRoster(pl, r)
                                                                      : std::vector<ConsumerSpec>{};
        const std::size_t mandatory = tenantId == "voek" ? 2 : 1;
        const std::size_t wanted = std::max<std::size_t>(mandatory, static_cast<std::size_t>(std::max(0, o.consumersPerTenant)));
        if (roster.size() > wanted) roster.resize(wanted);
        const std::string genericKind = individualKind(form);
        for (int g = 1; roster.size() < wanted && !genericKind.empty(); ++g) {
            ConsumerSpec c;
            c.kind = genericKind;
            c.person = generatedPerson(pl, g, r);
            std::tie(c.way, c.scope) = wayFor(profile, c.kind, tenantId);
            if (c.way == "ogrn_contract") c.scope = "contract";
            c.who = std::string("Потребитель, квартира (") + pl.city + ")";
            const std::string n = std::to_string(g);
            const std::string street = pl.streets.empty() ? "ул. Ленина" : pl.streets[static_cast<std::size_t>(g) % pl.streets.size()];
            const std::string address = pl.city + ", " + street + ", д. " + c.person.house + ", кв. " + c.person.flat;
            c.person.address = address;
            ContractSpec k{pl.contractPrefix + "Г-" + std::string(4 - std::min<std::size_t>(4, n.size()), '0') + n, "individual",
                           c.person.fullName(), "", "", address, pl.supplier, "2022-01-01", c.way == "supplier_login" ? "Квартира" : "", {}, {}, true};
            PointSpec p{"Квартира", pl.pointPrefix + "9" + std::string(5 - std::min<std::size_t>(5, n.size()), '0') + n, address, "Этажный щит", 10,
                        genericMeter(pl, r)};
            std::string accountNumber = pl.accountPrefix + std::to_string(900000 + g);
            k.accounts.push_back({accountNumber, {p}, true, "квартира"});
            c.person.contractNumber = k.number;
            c.contracts.push_back(k);
            roster.push_back(c);
        }

        for (auto& c : roster) {
            const std::string login = loginOf(*t, form, c.kind, c.person);
            const std::string userId = run.user(*t, form, c, login);
            const std::string holder = c.person.organization.empty() ? c.person.fullName() : c.person.organization;
            for (auto& k : c.contracts) {
                Contract ct;
                ct.number = k.number, ct.consumerKind = k.consumerKind, ct.consumerName = k.consumerName.empty() ? holder : k.consumerName;
                ct.inn = k.inn, ct.ogrn = k.ogrn, ct.legalAddress = k.legalAddress, ct.supplier = k.supplier, ct.validFrom = k.validFrom;
                ct.actualAddress = !k.points.empty() ? k.points.front().address
                                   : (!k.accounts.empty() && !k.accounts.front().points.empty()) ? k.accounts.front().points.front().address
                                                                                                 : k.legalAddress;
                if (ct.legalAddress.empty()) ct.legalAddress = ct.actualAddress;
                const std::string contractId = run.registry.upsertContract(tenantId, ct);
                if (c.scope == "contract" && k.grant) run.grant(tenantId, userId, "contract", contractId, c.way, k.title);
                for (const auto& p : k.points) {
                    const std::string pointId = run.point(tenantId, offset, p, "", contractId, start, end);
                    if (c.scope == "point" && p.grant) run.grant(tenantId, userId, "point", pointId, c.way, "");
                }
                for (const auto& a : k.accounts) {
                    Account acc;
                    acc.number = a.number, acc.contractId = contractId, acc.holderName = holder;
                    acc.address = a.points.empty() ? ct.actualAddress : a.points.front().address;
                    const std::string accountId = run.registry.upsertAccount(tenantId, acc);
                    if (c.scope == "account" && a.grant) run.grant(tenantId, userId, "account", accountId, c.way, "");
                    for (const auto& p : a.points) {
                        const std::string pointId = run.point(tenantId, offset, p, accountId, contractId, start, end);
                        if (c.scope == "point" && p.grant) run.grant(tenantId, userId, "point", pointId, c.way, "");
                    }
                }
            }
            accounts.push_back({tenantId, c.kind, login, kPassword, describe(c, years)});
        }
        log::info("demo tenant seeded", {{"tenant", tenantId}, {"consumers", std::to_string(roster.size())}});
    }

    // Benchmark meters: spread over the tenants, one point each under a load-test contract, granted to nobody.
    if (o.extraMeters > 0 && !ids.empty()) {
        std::map<std::string, std::string> contractOf;
        for (int i = 0; i < o.extraMeters; ++i) {
            const std::string& tenantId = ids[static_cast<std::size_t>(i) % ids.size()];
            auto t = tenants_.find(tenantId);
            if (!t) continue;
            const JsonObject profile = parseObject(t->profileJson());
            const int offset = tz::offsetSeconds(text(profile, "timezone"));
            const Place pl = placeOf(tenantId);
            const long long end = floorDiv(now, kInterval) * kInterval;
            const Date today = dateOf(now, offset);
            const long long start = dayNumber(Date{today.y - years, today.m, today.d}) * kDay - offset;
            if (!contractOf.count(tenantId)) {
                Contract ct;
                ct.number = "НАГРУЗКА-" + tenantId, ct.consumerKind = "legal_entity", ct.consumerName = "Нагрузочный тест (демо)";
                ct.supplier = pl.supplier, ct.validFrom = "2020-01-01", ct.legalAddress = ct.actualAddress = pl.city;
                contractOf[tenantId] = run.registry.upsertContract(tenantId, ct);
            }
            Rng r(derive(o.seed, tenantId + "/extra/" + std::to_string(i)));
            char number[32];
            std::snprintf(number, sizeof number, "Н-%07d", i + 1);
            PointSpec p{std::string("Точка учёта ") + number, pl.pointPrefix + number, pl.city, "Этажный щит", 10, genericMeter(pl, r)};
            p.meter.serial = std::to_string(90000000 + i); // unique per model, whatever the generator draws
            p.meter.smart = true;
            p.meter.scale = r.range(0.6, 1.4);
            p.meter.tamper = r.below(10) == 0 ? 1 : 0;
            run.point(tenantId, offset, p, "", contractOf[tenantId], start, end);
        }
    }

    run.generate();
    stats_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    log::info("demo data seeded", {{"tenants", std::to_string(ids.size())},
                                   {"users", std::to_string(stats_.users)},
                                   {"meters", std::to_string(stats_.meters)},
                                   {"profile_rows", std::to_string(stats_.profile)},
                                   {"reading_rows", std::to_string(stats_.readings)},
                                   {"event_rows", std::to_string(stats_.events)},
                                   {"seconds", std::to_string(stats_.seconds)}});
    return accounts;
}

} // namespace kabinet
