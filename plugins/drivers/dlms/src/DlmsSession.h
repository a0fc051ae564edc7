#pragma once
/// A session with one DLMS/COSEM (SPODES) meter: link + association (AARQ/AARE with the LN context and
/// LLS), GET with block transfer, and the read items of kb_read_item. The link and GET are in DlmsSession.cpp,
/// the objects' metadata in DlmsObjects.cpp, the items in DlmsValues.cpp (identity, clock, energy,
/// instantaneous values), DlmsProfile.cpp, DlmsBilling.cpp and DlmsEvents.cpp.
#include "ApduCodec.h"
#include "AxdrCodec.h"
#include "Link.h"
#include "Settings.h"
#include "Spodes.h"

#include "kabinet/driver.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kabinet::dlms {

class DlmsSession final : public sdk::ItemSession {
public:
    /// Connects and associates; throws AuthError when the meter refuses the password.
    DlmsSession(MeterSettings settings, DriverConfig config, sdk::Transport transport);
    ~DlmsSession() override;

    /// Reads the requested items, associating first when the last read lost the association; any error
    /// leaves the session to start over with the next read.
    void read(const sdk::ReadRequest& request, sdk::ReadingSink& sink) override;
    /// Releases the association (RLRQ) and disconnects, one attempt, errors ignored; sends nothing after a
    /// transport failure.
    void close() noexcept override;

private:
    /// One GET outcome: Data, or the meter's DataAccessResult for this object.
    struct Value {
        bool ok = false;
        Data data;
        std::uint8_t accessResult = 0;
        std::string reason() const { return apdu::accessResultText(accessResult); }
    };
    struct ScalerUnit {
        int scaler = 0;
        std::uint8_t unit = 0;
    };
    struct Column {
        std::uint16_t classId = 0;
        Obis obis;
        std::int8_t attribute = 0;
        std::optional<ScalerUnit> scaler; ///< registers: their scaler_unit, when readable
    };
    struct ProfileInfo {
        bool ok = false;
        std::string reason;
        std::vector<Column> columns;
        std::uint32_t period = 0;
    };
    /// What the association's object_list (read once per session) says of one object.
    enum class Listed { Unknown, Yes, No };

    void establish();
    void associate();
    Bytes exchange(const Bytes& apdu);
    Value get(std::uint16_t classId, const Obis& obis, std::int8_t attribute, const apdu::Access* access = nullptr);
    Value getOnce(std::uint16_t classId, const Obis& obis, std::int8_t attribute, const apdu::Access* access);
    std::uint8_t nextInvoke();

    /// scaler_unit of a register (cached for the session); nullopt with the reason when unreadable.
    std::optional<ScalerUnit> scalerUnit(std::uint16_t classId, const Obis& obis, std::string* reason = nullptr);
    const ProfileInfo& profileInfo(const Obis& profile);
    /// Whether the current association lists the object (Unknown when the meter gives no object_list).
    Listed listed(std::uint16_t classId, const Obis& obis);
    /// entries_in_use of a profile; nullopt when the meter does not give it.
    std::optional<std::uint32_t> entriesInUse(const Obis& profile);
    /// Rows of a profile buffer whose restricting clock lies in [from, to] (meter semantics, inclusive).
    std::optional<std::vector<Data>> profileRows(const Obis& profile, std::int64_t fromUtc, std::int64_t toUtc,
                                                 kb_read_item item, sdk::ReadingSink& sink);
    std::optional<std::int64_t> utcOf(const Data& value, std::uint8_t* status = nullptr) const;

    void readIdentity(sdk::ReadingSink& sink) override;
    void readClock(sdk::ReadingSink& sink) override;
    void readEnergy(sdk::ReadingSink& sink) override;
    void readInstant(sdk::ReadingSink& sink) override;
    void readBilling(const sdk::ReadRequest& request, sdk::ReadingSink& sink) override;
    void readProfile(const sdk::ReadRequest& request, sdk::ReadingSink& sink) override;
    void readEvents(const sdk::ReadRequest& request, sdk::ReadingSink& sink) override;
    /// A register's value in the quantity's unit, or the reason why not.
    std::optional<double> registerValue(const Obis& obis, kb_quantity quantity, std::string& reason);

    MeterSettings settings_;
    DriverConfig config_;
    sdk::Transport transport_;
    std::unique_ptr<Link> link_;
    std::uint8_t invoke_ = 0;
    bool associated_ = false;
    bool reestablished_ = false;    ///< the one re-establishment per read() was used
    bool linkBroken_ = false;       ///< the transport failed: close() sends nothing
    std::map<Obis, std::pair<std::optional<ScalerUnit>, std::string>> scalers_; ///< outcome and reason
    std::map<Obis, ProfileInfo> profiles_;
    std::optional<std::vector<spodes::ListedObject>> objectList_; ///< read once; empty optional after a failed read
    bool objectListRead_ = false;
};

} // namespace kabinet::dlms
