#include "AnswerShapes.h"

#include <cstdlib>
#include <fstream>
#include <mutex>

namespace kabinet::test {

void checkAnswer(const std::string& method, const std::string& target, const HttpResult& answer) {
    const char* dump = std::getenv("KABINET_DUMP_ANSWERS");
    if (!dump) return;
    static std::mutex m;
    std::lock_guard<std::mutex> lock(m);
    std::ofstream out(dump, std::ios::app);
    std::string ct;
    if (auto it = answer.headers.find("Content-Type"); it != answer.headers.end()) ct = it->second;
    out << "@@ " << method << " " << target << " " << answer.status << " " << ct << "\n";
    if (ct.find("json") != std::string::npos) out << answer.body << "\n";
}

} // namespace kabinet::test
