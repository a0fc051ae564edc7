#include "notify/MailTransport.h"

#include "notify/DropDirTransport.h"
#include "notify/MailText.h"
#include "notify/SmtpSettings.h"
#include "notify/SmtpTransport.h"
#include "util/Error.h"

namespace kabinet {

MailError::MailError(const std::string& what, bool retryable_, int replyCode_)
    : std::runtime_error(what), retryable(retryable_), replyCode(replyCode_) {}

std::unique_ptr<MailTransport> makeMailTransport(const std::string& smtpUrl, const std::string& dropDir,
                                                 int timeoutSeconds) {
    if (timeoutSeconds < 1 || timeoutSeconds > 3600)
        throw ConfigError("mail: the SMTP timeout must be from 1 to 3600 seconds");
    if (mail::trim(smtpUrl).empty()) {
        if (mail::trim(dropDir).empty())
            throw ConfigError("mail: neither an SMTP server URL nor a drop directory is configured");
        return std::make_unique<mail::DropDirTransport>(dropDir);
    }
    mail::SmtpSettings settings = mail::parseSmtpUrl(mail::trim(smtpUrl));
    settings.timeoutSeconds = timeoutSeconds;
    return std::make_unique<mail::SmtpTransport>(std::move(settings));
}

} // namespace kabinet
