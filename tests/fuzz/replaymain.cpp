// Runs a fuzz target's entry point over the files and directories given on the command line (its
// seeds and committed crash reproducers), so every target is exercised by every ctest run.

#include <dirent.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

void collect(const std::string &path, std::vector<std::string> &out)
{
    struct stat st { };
    if (stat(path.c_str(), &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        out.push_back(path);
        return;
    }
    DIR *d = opendir(path.c_str());
    if (!d)
        return;
    while (const dirent *e = readdir(d))
        if (e->d_name[0] != '.')
            collect(path + '/' + e->d_name, out);
    closedir(d);
}

} // namespace

int main(int argc, char **argv)
{
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i)
        collect(argv[i], files);
    size_t ran = 0;
    for (const std::string &f : files) {
        if (f.size() >= 3 && f.compare(f.size() - 3, 3, ".md") == 0)
            continue;
        std::ifstream in(f, std::ios::binary);
        const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
        ++ran;
    }
    std::printf("fuzz replay: %zu inputs ran without a crash\n", ran);
    if (ran < 3) {
        std::fprintf(stderr,
            "fuzz replay: expected at least 3 seed files, found %zu (are the target's tests/fuzz/seeds "
            "there?)\n",
            ran);
        return 1;
    }
    return 0;
}
