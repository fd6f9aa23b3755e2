// A main() for the fuzz target without libFuzzer: runs every file named on
// the command line (or every file in a directory named there) through
// LLVMFuzzerTestOneInput once. Used to replay the corpus in builds libFuzzer
// cannot make: gcc with --coverage (make coverage), and valgrind. A
// divergence aborts, as under libFuzzer.
#include <dirent.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv);
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

bool run_file(const std::string &path)
{
    FILE *f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        return false;
    }
    std::vector<uint8_t> bytes;
    int c;
    while ((c = std::fgetc(f)) != EOF) {
        bytes.push_back(static_cast<uint8_t>(c));
    }
    std::fclose(f);
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    return true;
}

}  // namespace

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (d == nullptr) {
            if (!run_file(argv[i])) {
                std::fprintf(stderr, "replay: cannot read %s\n", argv[i]);
                return 1;
            }
            continue;
        }
        while (dirent *e = readdir(d)) {
            if (e->d_name[0] != '.') {
                run_file(std::string(argv[i]) + "/" + e->d_name);
            }
        }
        closedir(d);
    }
    return 0;
}
