#include "outages/AddressMatch.h"

#include <Poco/UTF8String.h>

#include <cctype>
#include <set>

namespace kabinet::outages {

namespace {

/// Lower case with «ё» as «е».
std::string lower(const std::string& s) {
    std::string out = Poco::UTF8::toLower(s);
    for (std::string::size_type p; (p = out.find("ё")) != std::string::npos;) out.replace(p, 2, "е");
    return out;
}

bool separator(unsigned char c) { return c == ' ' || c == '.' || c == ',' || c == '"' || c == '(' || c == ')' || c == '\t' || c == ';'; }

/// Words of a text split on spaces and punctuation (hyphens and slashes stay inside words); «» dropped.
std::vector<std::string> words(const std::string& text) {
    std::string s = lower(text);
    for (const char* q : {"«", "»", "“", "”", "№"})
        for (std::string::size_type p; (p = s.find(q)) != std::string::npos;) s.replace(p, std::string(q).size(), " ");
    std::vector<std::string> out;
    std::string cur;
    for (unsigned char c : s) {
        if (separator(c)) {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += static_cast<char>(c);
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

const std::set<std::string>& streetKinds() {
    static const std::set<std::string> k{"ул", "улица", "пр-т", "пр-кт", "просп", "проспект", "пр", "б-р", "бул", "бульвар", "пер",
                                         "переулок", "пл", "площадь", "ш", "шоссе", "наб", "набережная", "проезд", "пр-д", "туп",
                                         "тупик", "мкр", "микрорайон", "аллея", "тракт", "спуск"};
    return k;
}

std::vector<std::string> parts(const std::string& address) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : address) {
        if (c == ',') {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

/// "12а" / "12/2" / "12корп1" → House; nullopt unless it starts with a digit.
std::optional<House> parseHouse(const std::string& text) {
    std::string s;
    for (unsigned char c : lower(text))
        if (c != ' ' && c != '.' && c != '-') s += static_cast<char>(c);
    std::size_t i = 0;
    long n = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && n < 100000) n = n * 10 + (s[i++] - '0');
    if (i == 0 || n >= 100000) return std::nullopt;
    return House{static_cast<int>(n), s.substr(i)};
}

/// One item of a houses text.
struct Item {
    int parity = 0; ///< 0 any, 1 odd, 2 even
    int lo = 0, hi = 0;
    bool all = false;        ///< «чёт.» alone: every house of that parity
    std::optional<std::string> rest; ///< a single house with a letter or building: only that one
};

/// Parses one item; nullopt when malformed.
std::optional<Item> parseItem(std::string s) {
    Item it;
    s = lower(trim(s));
    for (const char* p : {"нечетные", "нечетная", "нечетн.", "нечетн", "нечет.", "нечет", "неч.", "неч"})
        if (s.rfind(p, 0) == 0) {
            it.parity = 1;
            s = trim(s.substr(std::string(p).size()));
            break;
        }
    if (!it.parity)
        for (const char* p : {"четные", "четная", "четн.", "четн", "чет.", "чет"})
            if (s.rfind(p, 0) == 0) {
                it.parity = 2;
                s = trim(s.substr(std::string(p).size()));
                break;
            }
    if (s.empty()) {
        if (!it.parity) return std::nullopt;
        it.all = true;
        return it;
    }
    for (const char* dash : {"–", "—"})
        for (std::string::size_type p; (p = s.find(dash)) != std::string::npos;) s.replace(p, std::string(dash).size(), "-");
    const auto dash = s.find('-');
    if (dash != std::string::npos) {
        auto a = parseHouse(s.substr(0, dash)), b = parseHouse(s.substr(dash + 1));
        if (!a || !b || !a->rest.empty() || !b->rest.empty() || a->number > b->number) return std::nullopt;
        it.lo = a->number;
        it.hi = b->number;
        return it;
    }
    auto h = parseHouse(s);
    if (!h || it.parity) return std::nullopt;
    it.lo = it.hi = h->number;
    if (!h->rest.empty()) it.rest = h->rest;
    return it;
}

std::vector<std::string> items(const std::string& houses) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : houses) {
        if (c == ',' || c == ';') {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

} // namespace

std::string folded(const std::string& text) {
    std::string out;
    for (const auto& w : words(text)) {
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

std::string streetKey(const std::string& street) {
    std::string out;
    for (const auto& w : words(street)) {
        if (streetKinds().count(w)) continue;
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

std::optional<House> houseOf(const std::string& address) {
    for (const auto& part : parts(address)) {
        auto w = words(part);
        if (w.size() < 2 || (w[0] != "д" && w[0] != "дом")) continue;
        std::string rest;
        for (std::size_t i = 1; i < w.size(); ++i) rest += w[i];
        return parseHouse(rest);
    }
    return std::nullopt;
}

std::string checkHouses(const std::string& houses) {
    if (trim(houses).empty()) return {};
    for (const auto& i : items(houses))
        if (!parseItem(i))
            return "Укажите дома через запятую: номера (12, 12а), диапазоны (10–24), чётные или нечётные («чёт. 2–16»)";
    return {};
}

bool housesContain(const std::string& houses, const House& house) {
    if (trim(houses).empty()) return true;
    for (const auto& text : items(houses)) {
        auto it = parseItem(text);
        if (!it) continue;
        if (it->parity && (house.number % 2 == 0 ? 2 : 1) != it->parity) continue;
        if (it->all) return true;
        if (house.number < it->lo || house.number > it->hi) continue;
        if (it->rest && *it->rest != house.rest) continue;
        return true;
    }
    return false;
}

bool affects(const AffectedAddress& a, const std::string& address) {
    if (a.street.empty()) {
        const std::string want = folded(a.text);
        return !want.empty() && (" " + folded(address) + " ").find(" " + want + " ") != std::string::npos;
    }
    const std::string key = streetKey(a.street);
    if (key.empty()) return false;
    bool named = false;
    for (const auto& part : parts(address))
        if (streetKey(part) == key) named = true;
    if (!named) return false;
    if (trim(a.houses).empty()) return true;
    const auto h = houseOf(address);
    return h && housesContain(a.houses, *h);
}

bool mentions(const AffectedAddress& a, const std::string& address) {
    if (a.street.empty()) return affects(a, address);
    const std::string key = streetKey(a.street);
    if (key.empty()) return false;
    for (const auto& part : parts(address))
        if (streetKey(part) == key) return true;
    return false;
}

} // namespace kabinet::outages
