// LookupCache: what a lookup found serves while fresh, and never after a change counted since.
#include <catch2/catch.hpp>

#include "storage/LookupCache.h"

#include <chrono>
#include <string>
#include <thread>
#include <vector>

using namespace kabinet;

TEST_CASE("a looked-up value serves until a change or its time to live", "[cache]") {
    ChangeCount changes;
    LookupCache<int> cache(changes, std::chrono::milliseconds(200));
    CHECK_FALSE(cache.find("a"));
    cache.keep("a", 1, changes.now());
    REQUIRE(cache.find("a"));
    CHECK(*cache.find("a") == 1);
    CHECK_FALSE(cache.find("b"));

    // A change (outside a transaction: counted at once) makes every entry stale.
    changes.changed();
    CHECK_FALSE(cache.find("a"));

    // What a lookup found while a change happened is not kept: it may have read the rows before the change.
    const auto before = changes.now();
    changes.changed();
    cache.keep("a", 2, before);
    CHECK_FALSE(cache.find("a"));
    cache.keep("a", 3, changes.now());
    CHECK(*cache.find("a") == 3);

    // Past its time to live an entry is gone.
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    CHECK_FALSE(cache.find("a"));
}

TEST_CASE("a cache without a time to live keeps nothing, and a full one starts over", "[cache]") {
    ChangeCount changes;
    LookupCache<int> off(changes, std::chrono::milliseconds(0));
    CHECK_FALSE(off.enabled());
    off.keep("a", 1, changes.now());
    CHECK_FALSE(off.find("a"));

    LookupCache<int> small(changes, std::chrono::minutes(1), 2);
    small.keep("a", 1, changes.now());
    small.keep("b", 2, changes.now());
    small.keep("c", 3, changes.now()); // full of fresh entries: cleared, then c kept
    CHECK_FALSE(small.find("a"));
    CHECK_FALSE(small.find("b"));
    CHECK(*small.find("c") == 3);
}

TEST_CASE("stale entries go as new ones come, not only when the cache is full", "[cache]") {
    ChangeCount changes;
    LookupCache<int> cache(changes, std::chrono::minutes(1), 100'000);
    cache.keep("old", 1, changes.now());
    changes.changed(); // "old" is stale from here on
    for (int i = 0; i < 300; ++i) cache.keep("k" + std::to_string(i), i, changes.now());
    CHECK(cache.size() == 300); // "old" swept on the way
    CHECK(*cache.find("k299") == 299);
}

TEST_CASE("a forgotten key goes alone, and a lookup under way meanwhile keeps nothing", "[cache]") {
    ChangeCount changes;
    LookupCache<int> cache(changes, std::chrono::minutes(1));
    cache.keep("a", 1, cache.generation());
    cache.keep("b", 2, cache.generation());
    cache.forget(std::vector<std::string>{"a"});
    CHECK_FALSE(cache.find("a"));
    CHECK(*cache.find("b") == 2); // the other entries stay fresh

    // A lookup that began before a forget (of any key) may have read the forgotten rows: not kept.
    const auto before = cache.generation();
    cache.forget(std::vector<std::string>{"x"});
    cache.keep("a", 3, before);
    CHECK_FALSE(cache.find("a"));
    cache.keep("a", 4, cache.generation());
    CHECK(*cache.find("a") == 4);

    // A change counted still makes every entry stale.
    changes.changed();
    CHECK_FALSE(cache.find("a"));
    CHECK_FALSE(cache.find("b"));
}
