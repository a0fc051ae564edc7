#include "notify/SmsSender.h"

#include "config/Config.h"
#include "plugins/PluginHost.h"
#include "util/Error.h"

#include <Poco/File.h>
#include <Poco/Path.h>
#include <fstream>

namespace kabinet {

namespace {
class ChannelSms final : public SmsSender {
public:
    ChannelSms(std::unique_ptr<Channel> channel, std::string plugin) : channel_(std::move(channel)), plugin_(std::move(plugin)) {}
    void send(const std::string& recipient, const std::string& text, const std::string& reference) override {
        try {
            channel_->send(recipient, text, reference);
        } catch (const ChannelError& e) {
            throw SmsError(e.what(), e.status == KB_ERR_TRANSPORT || e.status == KB_ERR_TIMEOUT);
        }
    }
    std::string describe() const override { return "channel plugin " + plugin_; }
private:
    std::unique_ptr<Channel> channel_;
    std::string plugin_;
};

class DropDirSms final : public SmsSender {
public:
    explicit DropDirSms(std::string dir) : dir_(std::move(dir)) {}
    void send(const std::string& recipient, const std::string& text, const std::string& reference) override {
        Poco::File(dir_).createDirectories();
        const std::string tmp = dir_ + "/." + reference + ".tmp", file = dir_ + "/" + reference + ".txt";
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            out << "To: " << recipient << "\n\n" << text << "\n";
            if (!out) throw SmsError("cannot write to " + dir_, true);
        }
        Poco::File(tmp).renameTo(file);
    }
    std::string describe() const override { return "files in " + dir_; }
private:
    std::string dir_;
};
} // namespace

std::unique_ptr<SmsSender> makeSmsSender(const Config& config, const PluginHost& plugins) {
    if (config.smsGateway.empty()) {
        return std::make_unique<DropDirSms>(config.dataPath("sms"));
    }
    return std::make_unique<ChannelSms>(plugins.createChannel(config.smsPlugin, config.smsGateway), config.smsPlugin);
}

} // namespace kabinet
