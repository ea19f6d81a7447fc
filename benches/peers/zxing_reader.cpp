// The zxing-cpp peer of Mamori's QR benchmarks (benches/peers/build-zxing.sh builds it against
// zxing-cpp's own core, the version pinned there).
//
//   zxing-reader FILE...          what ZXingReader does: load each image (stb_image, as
//                                 ZXingReader), read every QR code with the library's default
//                                 options, print each text on its own line
//   zxing-reader --time N FILE... decode each image N times from memory (file loading not
//                                 timed) and print one JSON line per file: the median ms and
//                                 the texts read
//
// QR codes only, as Mamori reads only QR codes; every other option is zxing-cpp's default
// (try harder, rotate, invert, downscale).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

#include "ReadBarcode.h"

static std::string json_escape(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += c;
        }
    }
    return out;
}

int main(int argc, char** argv) {
    int reps = 0;
    int first = 1;
    if (argc > 2 && std::strcmp(argv[1], "--time") == 0) {
        reps = std::max(1, std::atoi(argv[2]));
        first = 3;
    }
    if (first >= argc) {
        std::fprintf(stderr, "usage: zxing-reader [--time N] FILE...\n");
        return 2;
    }
    ZXing::ReaderOptions options;
    options.setFormats(ZXing::BarcodeFormat::QRCode);
    int status = 0;
    for (int i = first; i < argc; ++i) {
        int width = 0, height = 0, channels = 0;
        std::unique_ptr<stbi_uc, void (*)(void*)> pixels(stbi_load(argv[i], &width, &height, &channels, 1),
                                                         stbi_image_free);
        if (!pixels) {
            std::fprintf(stderr, "%s: cannot load: %s\n", argv[i], stbi_failure_reason());
            if (reps)
                std::printf("{\"file\":\"%s\",\"ms\":null,\"texts\":[],\"error\":\"cannot load\"}\n",
                            json_escape(argv[i]).c_str());
            status = 1;
            continue;
        }
        ZXing::ImageView image(pixels.get(), width, height, ZXing::ImageFormat::Lum);
        if (reps == 0) {
            for (auto&& barcode : ZXing::ReadBarcodes(image, options))
                std::printf("%s\n", barcode.text().c_str());
            continue;
        }
        std::vector<double> times;
        ZXing::Barcodes barcodes;
        for (int r = 0; r < reps; ++r) {
            auto start = std::chrono::steady_clock::now();
            barcodes = ZXing::ReadBarcodes(image, options);
            times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        }
        std::sort(times.begin(), times.end());
        std::printf("{\"file\":\"%s\",\"ms\":%.3f,\"texts\":[", json_escape(argv[i]).c_str(), times[times.size() / 2]);
        for (size_t b = 0; b < barcodes.size(); ++b)
            std::printf("%s\"%s\"", b ? "," : "", json_escape(barcodes[b].text()).c_str());
        std::printf("]}\n");
    }
    return status;
}
