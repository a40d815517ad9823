#ifndef CGIPOOL_CHTTPSGET_H
#define CGIPOOL_CHTTPSGET_H

#include <stddef.h>

/// One HTTPS GET through libcurl, which is loaded with dlopen on first use.
///
/// cgipool links no TLS stack: only an `https://` health check needs one, and
/// linking libcurl would make every run of the binary (every probe, every
/// `cgipool status`) load some forty shared libraries. The certificate is
/// verified against the system's CA store and redirects are not followed.
///
/// `resolved`, when not NULL, is a libcurl `CURLOPT_RESOLVE` entry (`host:port:address`)
/// so libcurl connects there without resolving the host itself.
///
/// Returns 0 and sets `*status` to the HTTP status code when an answer came;
/// returns -1 and writes a one-line reason into `error` (NUL-terminated,
/// at most `error_size` bytes) otherwise.
int cgipool_https_get(
    const char *url, const char *resolved, long timeout_ms, long *status, char *error, size_t error_size);

#endif
