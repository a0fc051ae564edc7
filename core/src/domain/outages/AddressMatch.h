#pragma once
/// Which addresses an outage reaches (issue 11, outages): the rule that decides whether a metering point's address
/// (one text, «г. Воронеж, Кольцовская ул., д. 35, кв. 12») lies in an outage's affected address — a street of the
/// tenant's dictionary with its houses («10-24, 35, 40а, чёт. 2-16», empty for the whole street), or free text.
/// Pure functions: no database, no tenant.
#include <optional>
#include <string>
#include <vector>

namespace kabinet::outages {

/// One affected address of an outage: a street with houses, or free text (then `street` is empty).
struct AffectedAddress {
    std::string street; ///< as the tenant's street dictionary writes it («Кольцовская ул.»)
    std::string houses; ///< «10-24, 35, 40а, чёт. 2-16, нечёт. 1-9»; empty = every house of the street
    std::string text;   ///< free text («СНТ «Восход», все участки») when there is no street
};

/// A street name reduced to what identifies it: lower case, «ё» as «е», punctuation and the kind of street
/// (ул., улица, пр-т, проспект, б-р, пер., пл., ш., наб., …) left out, words in their order. «Кольцовская ул.»,
/// «ул. Кольцовская» and «улица Кольцовская» give the same key; an empty text gives "".
std::string streetKey(const std::string& street);

/// A house number as written after «д.» in an address: its leading number and what follows it, normalised
/// («12», «12а», «12/2», «12 корп. 1» → number 12, rest "а", "/2", "корп1").
struct House {
    int number = 0;
    std::string rest;
};

/// The house of an address text: the part after «д.», «дом» or «д» (12, 12а, 12/2); nullopt when there is none.
std::optional<House> houseOf(const std::string& address);

/// Checks a houses text: "" when it is well formed, else the Russian reason for the portal.
std::string checkHouses(const std::string& houses);

/// True when `house` is among `houses` (well formed, see checkHouses): a bare number matches that number with any
/// letter or building («35» → «35», «35а», «35 корп. 1»), a number with a letter only that house, a range
/// «10-24» (or «10–24») every number in it, «чёт. 2-16» / «нечёт. 1-9» the even / odd numbers of the range.
/// An empty `houses` matches every house.
bool housesContain(const std::string& houses, const House& house);

/// True when a point's address lies in the affected address: its comma-separated parts name the street (by
/// streetKey) and, unless every house is affected, its house is among the houses; for free text, when the
/// address contains the text (case and «ё» ignored, spaces collapsed).
bool affects(const AffectedAddress& a, const std::string& address);

/// True when the address names the affected address at all: its street (whatever the houses), or for free text as
/// affects(). For lookups by a street alone.
bool mentions(const AffectedAddress& a, const std::string& address);

/// Text normalised for comparison: lower case, «ё» → «е», runs of spaces and punctuation as one space, trimmed.
std::string folded(const std::string& text);

} // namespace kabinet::outages
