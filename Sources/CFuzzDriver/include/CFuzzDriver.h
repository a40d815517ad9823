#ifndef CGIPOOL_CFUZZDRIVER_H
#define CGIPOOL_CFUZZDRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (linked only in `-sanitize=fuzzer` builds): the fuzz targets have a Swift
/// `main` (SwiftPM links executables that way), which hands over to libFuzzer here.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
