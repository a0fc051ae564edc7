#include "backup/FileDigest.h"

#include "backup/BackupError.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <unistd.h>
#include <vector>

namespace kabinet::backup {

namespace {

constexpr std::size_t kBlock = 1 << 20;

/// An incremental SHA-256.
class Sha256 {
public:
    Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
        if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) throw BackupError("SHA-256 is not available");
    }
    void add(const char* data, std::size_t n) { EVP_DigestUpdate(ctx_.get(), data, n); }
    std::string hex() {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx_.get(), out, &len);
        static const char* digits = "0123456789abcdef";
        std::string s;
        for (unsigned i = 0; i < len; ++i) {
            s += digits[out[i] >> 4];
            s += digits[out[i] & 15];
        }
        return s;
    }

private:
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

/// A file descriptor closed on every path.
struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
};

std::string why() { return std::strerror(errno); }

/// Reads a block, retrying on EINTR; returns the count (0 at the end).
ssize_t readSome(int fd, char* buf, const std::string& path) {
    for (;;) {
        const ssize_t n = ::read(fd, buf, kBlock);
        if (n >= 0) return n;
        if (errno != EINTR) throw BackupError("cannot read " + path + ": " + why());
    }
}

} // namespace

Digest digestFile(const std::string& path) {
    Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (in.fd < 0) throw BackupError("cannot open " + path + ": " + why());
    std::vector<char> buf(kBlock);
    Sha256 sha;
    Digest d;
    while (const ssize_t n = readSome(in.fd, buf.data(), path)) {
        sha.add(buf.data(), static_cast<std::size_t>(n));
        d.size += static_cast<std::uint64_t>(n);
    }
    d.sha256 = sha.hex();
    return d;
}

Digest copyFile(const std::string& from, const std::string& to) {
    Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
    if (in.fd < 0) throw BackupError("cannot open " + from + ": " + why());
    Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (out.fd < 0) throw BackupError("cannot create " + to + ": " + why());
    auto fail = [&](const std::string& what) {
        const std::string message = what + ": " + why();
        ::unlink(to.c_str());
        throw BackupError(message);
    };
    std::vector<char> buf(kBlock);
    Sha256 sha;
    Digest d;
    for (;;) {
        ssize_t n = 0;
        try {
            n = readSome(in.fd, buf.data(), from);
        } catch (...) {
            ::unlink(to.c_str());
            throw;
        }
        if (n == 0) break;
        sha.add(buf.data(), static_cast<std::size_t>(n));
        d.size += static_cast<std::uint64_t>(n);
        for (ssize_t done = 0; done < n;) {
            const ssize_t w = ::write(out.fd, buf.data() + done, static_cast<std::size_t>(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) fail("cannot write " + to);
            done += w;
        }
    }
    if (::fsync(out.fd) != 0) fail("cannot write " + to);
    d.sha256 = sha.hex();
    return d;
}

void writeFileSynced(const std::string& path, const std::string& content) {
    Fd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (out.fd < 0) throw BackupError("cannot create " + path + ": " + why());
    for (std::size_t done = 0; done < content.size();) {
        const ssize_t w = ::write(out.fd, content.data() + done, content.size() - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) throw BackupError("cannot write " + path + ": " + why());
        done += static_cast<std::size_t>(w);
    }
    if (::fsync(out.fd) != 0) throw BackupError("cannot write " + path + ": " + why());
}

void syncDirectory(const std::string& dir) {
    Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (d.fd >= 0) ::fsync(d.fd);
}

} // namespace kabinet::backup
