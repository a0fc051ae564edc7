#pragma once
/// Load curves of demo consumers: the mean power of a flat, a house, a business or a factory by local hour,
/// weekday and season, and the bounds and noise of each shape.
#include <string>

namespace kabinet::demo {

/// The shape of a consumer's load.
enum class Load { Flat, House, Business, Factory };

/// The load of a name: "flat", "house", "business" or "factory"; throws std::invalid_argument otherwise.
Load loadOf(const std::string& name);

/// Mean power of a load at local hour `h` (0–24) on weekday `wd` (0 = Monday); `winter` is +1 in mid-January
/// and −1 in mid-July. Households in kW; businesses as a share of their peak.
double meanPower(Load load, double h, int wd, double winter);

/// Bounds, noise and power factor range of a load of a given size.
struct Limits {
    double minKw, maxKw, noise, pfLow, pfHigh;
};

/// The limits of `load` at `scale` (kW at the curve's 1.0).
Limits limitsOf(Load load, double scale);

} // namespace kabinet::demo
