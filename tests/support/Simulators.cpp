#include "Simulators.h"

#include "KabinetdProcess.h"
#include "TestContext.h"

#include <Poco/Base64Decoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace kabinet::test {

Simulator::Simulator(const std::string& script, std::vector<std::string> args) {
    in_ = std::make_unique<Poco::Pipe>();
    out_ = std::make_unique<Poco::Pipe>();
    args.insert(args.begin(), sourceDir() + "/tests/simulators/" + script);
    args.push_back("--exit-on-stdin-eof");
    handle_ = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch("/usr/bin/python3", args, in_.get(), out_.get(), nullptr));
    Poco::PipeInputStream s(*out_);
    std::string word;
    s >> word >> port_;
    if (word != "PORT" || !port_) throw std::runtime_error(script + " did not start");
}

Simulator::~Simulator() {
    try {
        Poco::Process::kill(*handle_);
        handle_->wait();
    } catch (...) {
    }
}

namespace {
std::string decodeQuotedPrintable(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '=' && i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') i += 2;
        else if (s[i] == '=' && i + 1 < s.size() && s[i + 1] == '\n') i += 1;
        else if (s[i] == '=' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
                 std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else out += s[i];
    }
    return out;
}

std::string decodeBase64(const std::string& s) {
    std::istringstream in(s);
    Poco::Base64Decoder dec(in);
    std::string out((std::istreambuf_iterator<char>(dec)), std::istreambuf_iterator<char>());
    return out;
}

/// RFC 2047 encoded words (B and Q) in a header value.
std::string decodeWords(const std::string& value) {
    static const std::regex word(R"(=\?[^?]+\?([BbQq])\?([^?]*)\?=)");
    std::string out;
    auto begin = std::sregex_iterator(value.begin(), value.end(), word);
    std::size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
        std::string between = value.substr(last, static_cast<std::size_t>(it->position()) - last);
        if (between.find_first_not_of(" \t\r\n") != std::string::npos) out += between;
        const std::string enc = (*it)[1], text = (*it)[2];
        if (enc == "B" || enc == "b") out += decodeBase64(text);
        else {
            std::string t = text;
            std::replace(t.begin(), t.end(), '_', ' ');
            out += decodeQuotedPrintable(t);
        }
        last = static_cast<std::size_t>(it->position() + it->length());
    }
    return out + value.substr(last);
}

/// Header value (unfolded) of a header block.
std::string header(const std::string& head, const std::string& name) {
    std::istringstream in(head);
    std::string line, value;
    bool inside = false;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (inside && !line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            value += line.substr(1);
            continue;
        }
        inside = false;
        auto colon = line.find(':');
        if (colon != std::string::npos && Poco::icompare(line.substr(0, colon), name) == 0) {
            value = Poco::trim(line.substr(colon + 1));
            inside = true;
        }
    }
    return value;
}

/// The decoded text/plain body of a message (single part or the first text/plain part of a multipart).
std::string plainText(const std::string& raw) {
    auto split = raw.find("\r\n\r\n");
    std::size_t sep = 4;
    if (split == std::string::npos) {
        split = raw.find("\n\n");
        sep = 2;
    }
    const std::string head = raw.substr(0, split), body = split == std::string::npos ? "" : raw.substr(split + sep);
    const std::string type = header(head, "Content-Type");
    static const std::regex boundaryRe(R"re(boundary="?([^";]+)"?)re", std::regex::icase);
    std::smatch m;
    if (Poco::toLower(type).rfind("multipart/", 0) == 0 && std::regex_search(type, m, boundaryRe)) {
        const std::string b = "--" + m[1].str();
        std::size_t pos = body.find(b);
        while (pos != std::string::npos) {
            auto next = body.find(b, pos + b.size());
            if (next == std::string::npos) break;
            std::string part = body.substr(pos + b.size(), next - pos - b.size());
            while (!part.empty() && (part[0] == '\r' || part[0] == '\n')) part.erase(0, 1);
            const std::string text = plainText(part);
            auto ph = part.find("\n\n") != std::string::npos ? part.substr(0, part.find("\n\n")) : part;
            if (Poco::toLower(header(ph, "Content-Type")).find("text/plain") != std::string::npos || !text.empty()) return text;
            pos = next;
        }
        return {};
    }
    const std::string enc = Poco::toLower(header(head, "Content-Transfer-Encoding"));
    if (enc == "base64") return decodeBase64(body);
    if (enc == "quoted-printable") return decodeQuotedPrintable(body);
    return body;
}

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
} // namespace

SmtpServer::SmtpServer() : dir_(tempDir("smtp")), sim_("smtp_server.py", {"--port", "0", "--dir", dir_}) {}

std::vector<ReceivedMail> SmtpServer::mails() const {
    std::vector<std::pair<int, std::string>> files;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
        const auto name = e.path().filename().string();
        if (e.path().extension() == ".eml" && !name.empty() && std::isdigit(static_cast<unsigned char>(name[0])))
            files.push_back({std::stoi(name), e.path().string()});
    }
    std::sort(files.begin(), files.end());
    std::vector<ReceivedMail> out;
    for (const auto& [n, path] : files) {
        ReceivedMail m;
        m.raw = readAll(path);
        auto split = m.raw.find("\r\n\r\n");
        if (split == std::string::npos) split = m.raw.find("\n\n");
        const std::string head = m.raw.substr(0, split);
        m.to = decodeWords(header(head, "To"));
        m.subject = decodeWords(header(head, "Subject"));
        m.text = plainText(m.raw);
        out.push_back(std::move(m));
    }
    return out;
}

ReceivedMail SmtpServer::waitFor(const std::string& to, int n, int seconds) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        int seen = 0;
        for (const auto& m : mails())
            if (m.to.find(to) != std::string::npos && ++seen == n) return m;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("no mail #" + std::to_string(n) + " to " + to + " within " + std::to_string(seconds) + " s");
}

SmsGateway::SmsGateway(const std::string& token) : token_(token), sim_("sms_gateway.py", {"--port", "0", "--token", token}) {}

std::string SmsGateway::pluginConfig() const {
    return R"({"url":"http://127.0.0.1:)" + std::to_string(port()) + R"(/send","token":")" + token_ +
           R"(","timeout_ms":3000,"retries":2,"backoff_ms":50})";
}

std::string SmsGateway::waitFor(const std::string& to, int n, int seconds) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        auto r = http(port(), "GET", "/_messages");
        Poco::JSON::Parser p;
        auto list = p.parse(r.body).extract<Poco::JSON::Array::Ptr>();
        int seen = 0;
        for (const auto& m : *list) {
            auto o = m.extract<Poco::JSON::Object::Ptr>();
            if (o->optValue<std::string>("outcome", "") != "accepted") continue;
            auto fields = o->getObject("fields");
            if (fields && fields->optValue<std::string>("to", "") == to && ++seen == n) return fields->optValue<std::string>("text", "");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("no text message #" + std::to_string(n) + " to " + to);
}

std::string SmsGateway::codeFor(const std::string& to, int n) const {
    static const std::regex code(R"((\d{6}))");
    std::smatch m;
    const std::string text = waitFor(to, n);
    if (!std::regex_search(text, m, code)) throw std::runtime_error("no code in the text message");
    return m[1];
}

std::string findLink(const std::string& text, const std::string& fragment) {
    static const std::regex url(R"(https?://[^\s<>"]+)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), url); it != std::sregex_iterator(); ++it)
        if (it->str().find(fragment) != std::string::npos) return it->str();
    return {};
}

std::string queryParam(const std::string& url, const std::string& name) {
    Poco::URI uri(url);
    for (const auto& [k, v] : uri.getQueryParameters())
        if (k == name) return v;
    return {};
}

} // namespace kabinet::test
