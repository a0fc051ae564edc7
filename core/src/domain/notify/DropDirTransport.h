#pragma once
/// Mail into a drop directory instead of a server (development, tests, sites without SMTP).
#include "notify/MailTransport.h"

#include <atomic>
#include <filesystem>
#include <mutex>
#include <string>

namespace kabinet::mail {

/// Writes each message as <dir>/<UTC yyyymmddThhmmss>-<messageId>.eml, exactly as SMTP would send it: the
/// directory is created on demand, the file written under a temporary name, synced and renamed (a reader never
/// sees half a message); a messageId sent again replaces its earlier file. Thread-safe. Failures are
/// retryable MailErrors.
class DropDirTransport final : public MailTransport {
public:
    /// Mail goes to `dir` (created at the first send).
    explicit DropDirTransport(std::string dir);
    /// Stores one message (see MailTransport::send).
    void send(const MailMessage& message) override;
    /// "files in <dir>".
    std::string describe() const override;

private:
    std::string existingFile(const std::string& id) const;
    void writeSynced(const std::filesystem::path& path, const std::string& data, const std::string& id) const;
    void syncDirectory() const;

    std::string dir_;
    std::mutex mutex_;
    std::atomic<unsigned> counter_{0};
};

} // namespace kabinet::mail
