#pragma once
/// How people know a meter and its metering point, for notifications and operator alerts: the point's name,
/// number and address, the meter's model and serial, and the consumers who see the point. Never an internal
/// id in a text (the ids are kept for links).
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace kabinet {

/// A meter as people name it.
struct MeterLabel {
    std::string meterId, pointId; ///< for links only
    std::string model, serial;
    std::string pointName, pointNumber, address;
    std::string holder; ///< the consumer: the contract's, else the account holder, else the account's contract's ("" when none)
};

/// The meter's label in this tenant, or nullopt for a meter it does not have.
std::optional<MeterLabel> meterLabel(soci::session& s, const std::string& tenantId, const std::string& meterId);

/// "Заводской номер 41234567 (Меркурий 234 ARTM)": the meter as a text line.
std::string meterText(const MeterLabel& m);

/// "ТУ-0001 «Квартира»": the point as a text line (number and name; "91-ТУ-2, Кафе «Ласточка»" for a name with
/// quotes of its own; the name alone without a number).
std::string pointText(const MeterLabel& m);

/// "05.03.2026 14:07": a moment on the tenant's clock (UTC + offsetS), as operators read it.
std::string localTimeText(long long ts, int offsetS);

} // namespace kabinet
