#pragma once
/// The DLMS/COSEM (SPODES) driver: an instance made from the driver config opens DlmsSessions.
#include "Settings.h"

#include "kabinet/driver.hpp"

#include <memory>
#include <string_view>

namespace kabinet::dlms {

class DlmsDriver final : public sdk::Driver {
public:
    explicit DlmsDriver(std::string_view configJson);
    std::unique_ptr<sdk::Session> open(std::string_view meterJson, sdk::Transport transport) override;

private:
    DriverConfig config_;
};

} // namespace kabinet::dlms
