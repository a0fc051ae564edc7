#pragma once
/// Which of a profile's capture objects is what, as the session's readers pick their columns: the clock,
/// a register.
#include "DlmsSession.h"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace kabinet::dlms {

/// Whether objects of the interface class carry a scaler_unit: register, extended register, demand register.
inline bool isRegisterClass(std::uint16_t c)
{
    return c == spodes::kClassRegister || c == spodes::kClassExtendedRegister || c == spodes::kClassDemandRegister;
}

/// The column of the clock (class 8, 0.0.1.0.0.255, attribute 2) among a profile's capture objects.
template <typename Columns>
inline std::optional<std::size_t> findClock(const Columns& columns)
{
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].classId == spodes::kClassClock && columns[i].obis == spodes::kClock && columns[i].attribute == 2) return i;
    return std::nullopt;
}

} // namespace kabinet::dlms
