#include "demo/LoadCurves.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace kabinet::demo {

Load loadOf(const std::string& name) {
    if (name == "flat") return Load::Flat;
    if (name == "house") return Load::House;
    if (name == "business") return Load::Business;
    if (name == "factory") return Load::Factory;
    throw std::invalid_argument("unknown load '" + name + "' (flat, house, business or factory)");
}

namespace {

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

} // namespace

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

Limits limitsOf(Load load, double scale) {
    switch (load) {
    case Load::Flat: return {0.06 * scale, 3.2 * scale, 0.12, 0.93, 0.98};
    case Load::House: return {0.10 * scale, 7.0 * scale, 0.10, 0.92, 0.98};
    case Load::Business: return {0.05 * scale, 1.15 * scale, 0.06, 0.88, 0.95};
    case Load::Factory: return {0.10 * scale, 1.10 * scale, 0.05, 0.86, 0.93};
    }
    return {0, 1, 0, 0.9, 0.95};
}

} // namespace kabinet::demo
