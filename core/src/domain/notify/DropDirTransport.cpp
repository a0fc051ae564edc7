#include "notify/DropDirTransport.h"

#include "notify/MailText.h"
#include "notify/MimeMessage.h"
#include "util/Log.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace kabinet::mail {

DropDirTransport::DropDirTransport(std::string dir) : dir_(std::move(dir)) {}

void DropDirTransport::send(const MailMessage& message) {
    const Poco::Timestamp now;
    const Prepared p = prepare(message, now);
    namespace fs = std::filesystem;
    std::lock_guard<std::mutex> lock(mutex_);
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) throw MailError("mail drop directory " + dir_ + ": cannot create it: " + ec.message(), true);
    std::string name = existingFile(p.id);
    if (name.empty()) name = Poco::DateTimeFormatter::format(now, "%Y%m%dT%H%M%S") + "-" + p.id + ".eml";
    const fs::path target = fs::path(dir_) / name;
    const fs::path temp = fs::path(dir_) / (".tmp-" + p.id + "-" + std::to_string(::getpid()) + "-" +
                                            std::to_string(counter_++) + ".part");
    writeSynced(temp, p.data, p.id);
    fs::rename(temp, target, ec);
    if (ec) {
        fs::remove(temp, ec);
        throw MailError("mail drop directory " + dir_ + ": cannot store message " + p.id, true);
    }
    syncDirectory();
    log::debug("mail stored", {{"transport", "dir"}, {"message_id", p.id}});
}

std::string DropDirTransport::describe() const { return "files in " + dir_; }

/// The file an earlier send() of this id wrote ("<15 chars of time>-<id>.eml"), or "".
std::string DropDirTransport::existingFile(const std::string& id) const {
    namespace fs = std::filesystem;
    const std::string suffix = "-" + id + ".eml";
    std::string found;
    std::error_code ec;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() != 15 + suffix.size() || name.compare(15, std::string::npos, suffix) != 0 || name[8] != 'T')
            continue;
        if (!isDigits(name.substr(0, 8)) || !isDigits(name.substr(9, 6))) continue;
        if (found.empty() || name < found) found = name;
    }
    return found;
}

void DropDirTransport::writeSynced(const std::filesystem::path& path, const std::string& data, const std::string& id) const {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    bool ok = fd >= 0;
    std::size_t written = 0;
    while (ok && written < data.size()) {
        const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) written += static_cast<std::size_t>(n);
    }
    const int savedErrno = errno;
    if (ok && ::fsync(fd) != 0) ok = false;
    if (fd >= 0 && ::close(fd) != 0) ok = false;
    if (!ok) {
        std::error_code ec;
        std::filesystem::remove(path, ec);
        throw MailError("mail drop directory " + dir_ + ": cannot write message " + id + ": " +
                            std::strerror(savedErrno ? savedErrno : errno),
                        true);
    }
}

void DropDirTransport::syncDirectory() const {
    const int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
}

} // namespace kabinet::mail
