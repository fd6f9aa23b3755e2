# make install (mk/install.mk): fills a template of cmake/ as CMake's
# configure_file(... @ONLY) does, so both installs write the same files.
# Every @SLAB_NAME@ becomes the value of the environment variable SLAB_NAME;
# a name the environment does not set is an error (nothing is guessed).
# Usage: SLAB_VERSION=... awk -f tools/configure_file.awk template > output
{
    out = ""
    line = $0
    while (match(line, /@SLAB_[A-Z0-9_]+@/)) {
        name = substr(line, RSTART + 1, RLENGTH - 2)
        if (!(name in ENVIRON)) {
            printf "%s:%d: %s is not set\n", FILENAME, FNR, name > "/dev/stderr"
            failed = 1
            exit 1
        }
        out = out substr(line, 1, RSTART - 1) ENVIRON[name]
        line = substr(line, RSTART + RLENGTH)
    }
    print out line
}
END {
    if (failed) exit 1
}
