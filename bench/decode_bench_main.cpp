// Decode throughput of one frame decoder: feeds the seed frames of its fuzz corpus (real frames of the
// protocol) through the decoder's fuzz entry, LLVMFuzzerTestOneInput, for about a second and prints frames
// per second. Built once per decoder by kabinet_add_decoders (cmake/KabinetPlugin.cmake).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int, char** argv) {
    std::vector<std::vector<std::uint8_t>> frames;
    std::size_t bytes = 0;
    for (const auto& e : std::filesystem::directory_iterator(KABINET_DECODER_CORPUS)) {
        if (!e.is_regular_file()) continue;
        std::ifstream in(e.path(), std::ios::binary);
        frames.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        bytes += frames.back().size();
    }
    const std::string name = std::filesystem::path(argv[0]).filename().string().substr(13); // after "bench_decode_"
    if (frames.empty()) {
        std::printf("decode %-28s no seed frames in %s\n", name.c_str(), KABINET_DECODER_CORPUS);
        return 1;
    }
    std::uint64_t decoded = 0;
    const auto start = std::chrono::steady_clock::now();
    double seconds = 0;
    do {
        for (int round = 0; round < 100; ++round)
            for (const auto& f : frames) LLVMFuzzerTestOneInput(f.data(), f.size());
        decoded += 100 * frames.size();
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (seconds < 1.0);
    std::printf("decode %-28s %12.0f frames/s  (%zu seed frames, %.0f bytes on average)\n", name.c_str(), double(decoded) / seconds,
                frames.size(), double(bytes) / double(frames.size()));
    return 0;
}
