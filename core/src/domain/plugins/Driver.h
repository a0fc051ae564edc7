#pragma once
/// The host side of a driver plugin (kb_driver_vtable): a Driver instance opens DriverSessions to meters
/// over ByteTransports; a read returns everything the driver reported as plain C++ data plus the outcome.
#include "plugins/Transport.h"

#include <kabinet/plugin.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kabinet {

struct LoadedPlugin;

/// What one read brought back. Values are in the units plugin.h names; times are UTC Unix seconds.
struct DriverReading {
    struct Identity { std::string serial, model, firmware, manufacturedOn; };
    struct Clock { long long meterTime = 0, hostTime = 0; };
    struct Value { kb_quantity quantity{}; unsigned tariff = 0, phase = 0; double value = 0; long long ts = 0; };
    struct Interval { long long start = 0; unsigned lengthS = 0; double ap = 0, am = 0, rp = 0, rm = 0; unsigned flags = 0; };
    struct Event { long long ts = 0; kb_event_class eventClass{}; unsigned phase = 0; std::string journal; int code = -1; };
    /// One object not read: status KB_OK when the meter lacks it (a note), else its answer was malformed.
    struct Failure { kb_read_item item{}; std::string object, reason; kb_status status = KB_OK; };

    std::optional<Identity> identity;
    std::optional<Clock> clock;
    std::vector<Value> values;
    std::vector<Interval> intervals; ///< ap/am/rp/rm are NaN when the meter does not record the channel
    std::vector<Event> events;
    std::vector<Failure> unavailable;
};

/// A failed driver call: the status (transport, timeout, protocol, auth, config, ...) and the driver's text.
struct DriverError : std::runtime_error {
    DriverError(kb_status s, const std::string& m) : std::runtime_error(m), status(s) {}
    kb_status status;
};

/// "transport", "timeout", "protocol", "auth", "config", "rejected", "internal".
const char* driverErrorKind(kb_status status);

class DriverSession {
public:
    DriverSession(std::shared_ptr<const LoadedPlugin> plugin, void* session);
    ~DriverSession();  ///< closes the session (log-out) if not closed
    DriverSession(const DriverSession&) = delete;
    DriverSession& operator=(const DriverSession&) = delete;
    /// Reads `items` (kb_read_item bits); profile/events in [from, to). Appends to `out` what was reported
    /// even when the call fails; throws DriverError on failure.
    void read(unsigned items, long long from, long long to, DriverReading& out);
    /// Logs out and frees the session; idempotent.
    void close();

private:
    std::shared_ptr<const LoadedPlugin> plugin_;
    void* session_;
};

class Driver {
public:
    Driver(std::shared_ptr<const LoadedPlugin> plugin, void* instance);
    ~Driver();
    Driver(const Driver&) = delete;
    Driver& operator=(const Driver&) = delete;
    /// Opens a session to a meter (settings as a JSON object) over `transport`, which must outlive the
    /// session. Throws DriverError.
    std::unique_ptr<DriverSession> open(const std::string& meterJson, ByteTransport& transport);
    const std::string& name() const;

private:
    std::shared_ptr<const LoadedPlugin> plugin_;
    void* instance_;
};

} // namespace kabinet
