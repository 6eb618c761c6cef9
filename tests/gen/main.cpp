// lbscope-gen: command-line front end of lbscope_gen (see generator.h).

#include "generator.h"
#include "robustnesscorpus.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

int main(int argc, char **argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    for (const std::string &a : args)
        if (a == "--help" || a == "-h") {
            std::fputs(lbs::gen::usage(), stdout);
            return 0;
        }
    if (args.size() == 2 && args[0] == "--robustness-corpus") {
        const auto names = lbs::gen::writeRobustnessCorpus(args[1]);
        if (!names) {
            std::fprintf(stderr, "lbscope-gen: %s\n", names.error().toString().c_str());
            return 1;
        }
        std::fprintf(
            stderr, "lbscope-gen: %zu robustness corpus files in %s\n", names->size(), args[1].c_str());
        return 0;
    }
    lbs::gen::Options options;
    std::string truthPath;
    if (const lbs::Status st = lbs::gen::parseArguments(args, options, truthPath); !st) {
        std::fprintf(stderr, "lbscope-gen: %s\n", st.error().toString().c_str());
        return 2;
    }
    const auto truth = lbs::gen::generate(options);
    if (!truth) {
        std::fprintf(stderr, "lbscope-gen: %s\n", truth.error().toString().c_str());
        return 1;
    }
    if (!truthPath.empty()) {
        const std::string json = lbs::gen::toJson(truth.value());
        FILE *f = std::fopen(truthPath.c_str(), "wb");
        if (!f || std::fwrite(json.data(), 1, json.size(), f) != json.size() || std::fclose(f) != 0) {
            std::fprintf(stderr, "lbscope-gen: cannot write the ground truth to %s: %s\n", truthPath.c_str(),
                std::strerror(errno));
            return 1;
        }
    }
    std::fprintf(stderr, "lbscope-gen: %llu packets, %zu flows, %zu faults, %zu file(s)%s\n",
        static_cast<unsigned long long>(truth->packets), truth->flows.size(), truth->faults.size(),
        truth->files.size(), truth->wrapped ? " (ring wrapped)" : "");
    return 0;
}
