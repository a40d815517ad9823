// HTTPS GET through a libcurl loaded at run time (see CHTTPSGet.h for why).
#include "CHTTPSGet.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

// libcurl's stable ABI: these values are fixed by curl.h and have not changed
// since they were introduced. Where the header is installed, the build checks them.
typedef void cg_curl;
typedef int cg_curl_code;
enum {
  CG_CURLE_OK = 0,
  CG_CURL_GLOBAL_DEFAULT = 3,
  CG_CURL_ERROR_SIZE = 256,
  CG_CURLOPT_NOSIGNAL = 99,
  CG_CURLOPT_FOLLOWLOCATION = 52,
  CG_CURLOPT_TIMEOUT_MS = 155,
  CG_CURLOPT_CONNECTTIMEOUT_MS = 156,
  CG_CURLOPT_URL = 10002,
  CG_CURLOPT_ERRORBUFFER = 10010,
  CG_CURLOPT_USERAGENT = 10018,
  CG_CURLOPT_WRITEFUNCTION = 20011,
  CG_CURLOPT_RESOLVE = 10203,
  CG_CURLINFO_RESPONSE_CODE = 0x200002,
};

#if __has_include(<curl/curl.h>)
#include <curl/curl.h>
_Static_assert(CG_CURLE_OK == CURLE_OK, "CURLE_OK");
_Static_assert(CG_CURL_GLOBAL_DEFAULT == CURL_GLOBAL_DEFAULT, "CURL_GLOBAL_DEFAULT");
_Static_assert(CG_CURL_ERROR_SIZE == CURL_ERROR_SIZE, "CURL_ERROR_SIZE");
_Static_assert(CG_CURLOPT_NOSIGNAL == CURLOPT_NOSIGNAL, "CURLOPT_NOSIGNAL");
_Static_assert(CG_CURLOPT_FOLLOWLOCATION == CURLOPT_FOLLOWLOCATION, "CURLOPT_FOLLOWLOCATION");
_Static_assert(CG_CURLOPT_TIMEOUT_MS == CURLOPT_TIMEOUT_MS, "CURLOPT_TIMEOUT_MS");
_Static_assert(CG_CURLOPT_CONNECTTIMEOUT_MS == CURLOPT_CONNECTTIMEOUT_MS, "CURLOPT_CONNECTTIMEOUT_MS");
_Static_assert(CG_CURLOPT_URL == CURLOPT_URL, "CURLOPT_URL");
_Static_assert(CG_CURLOPT_ERRORBUFFER == CURLOPT_ERRORBUFFER, "CURLOPT_ERRORBUFFER");
_Static_assert(CG_CURLOPT_USERAGENT == CURLOPT_USERAGENT, "CURLOPT_USERAGENT");
_Static_assert(CG_CURLOPT_WRITEFUNCTION == CURLOPT_WRITEFUNCTION, "CURLOPT_WRITEFUNCTION");
_Static_assert(CG_CURLOPT_RESOLVE == CURLOPT_RESOLVE, "CURLOPT_RESOLVE");
_Static_assert(CG_CURLINFO_RESPONSE_CODE == CURLINFO_RESPONSE_CODE, "CURLINFO_RESPONSE_CODE");
#endif

static struct {
  cg_curl_code (*global_init)(long flags);
  cg_curl *(*easy_init)(void);
  cg_curl_code (*easy_setopt)(cg_curl *handle, int option, ...);
  cg_curl_code (*easy_perform)(cg_curl *handle);
  cg_curl_code (*easy_getinfo)(cg_curl *handle, int info, ...);
  const char *(*easy_strerror)(cg_curl_code code);
  void (*easy_cleanup)(cg_curl *handle);
  void *(*slist_append)(void *list, const char *text);
  void (*slist_free_all)(void *list);
  char load_error[200];
  int loaded;
} curl;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void load_curl(void) {
  void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    snprintf(curl.load_error, sizeof curl.load_error, "https checks need libcurl (libcurl.so.4): %s", dlerror());
    return;
  }
  // Casting dlsym's object pointer to a function pointer is how POSIX hands functions out.
  *(void **)&curl.global_init = dlsym(library, "curl_global_init");
  *(void **)&curl.easy_init = dlsym(library, "curl_easy_init");
  *(void **)&curl.easy_setopt = dlsym(library, "curl_easy_setopt");
  *(void **)&curl.easy_perform = dlsym(library, "curl_easy_perform");
  *(void **)&curl.easy_getinfo = dlsym(library, "curl_easy_getinfo");
  *(void **)&curl.easy_strerror = dlsym(library, "curl_easy_strerror");
  *(void **)&curl.easy_cleanup = dlsym(library, "curl_easy_cleanup");
  *(void **)&curl.slist_append = dlsym(library, "curl_slist_append");
  *(void **)&curl.slist_free_all = dlsym(library, "curl_slist_free_all");
  if (!curl.global_init || !curl.easy_init || !curl.easy_setopt || !curl.easy_perform || !curl.easy_getinfo ||
      !curl.easy_strerror || !curl.easy_cleanup || !curl.slist_append || !curl.slist_free_all) {
    snprintf(curl.load_error, sizeof curl.load_error, "https checks need libcurl: libcurl.so.4 lacks the easy API");
    return;
  }
  // curl_global_init is not thread-safe; pthread_once makes this the only call.
  if (curl.global_init(CG_CURL_GLOBAL_DEFAULT) != CG_CURLE_OK) {
    snprintf(curl.load_error, sizeof curl.load_error, "https checks need libcurl: curl_global_init failed");
    return;
  }
  curl.loaded = 1;
}

// The body is not needed: only the status line decides health.
static size_t discard_body(char *data, size_t size, size_t count, void *context) {
  (void)data;
  (void)context;
  return size * count;
}

static void copy_message(char *error, size_t error_size, const char *message) {
  if (error_size == 0) return;
  snprintf(error, error_size, "%s", message);
}

int cgipool_https_get(
    const char *url, const char *resolved, long timeout_ms, long *status, char *error, size_t error_size) {
  pthread_once(&curl_once, load_curl);
  if (!curl.loaded) {
    copy_message(error, error_size, curl.load_error);
    return -1;
  }
  cg_curl *handle = curl.easy_init();
  if (handle == NULL) {
    copy_message(error, error_size, "curl_easy_init failed");
    return -1;
  }
  char curl_error[CG_CURL_ERROR_SIZE] = {0};
  long millis = timeout_ms > 0 ? timeout_ms : 1;
  curl.easy_setopt(handle, CG_CURLOPT_URL, url);
  curl.easy_setopt(handle, CG_CURLOPT_ERRORBUFFER, curl_error);
  curl.easy_setopt(handle, CG_CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(handle, CG_CURLOPT_FOLLOWLOCATION, 0L);
  curl.easy_setopt(handle, CG_CURLOPT_TIMEOUT_MS, millis);
  curl.easy_setopt(handle, CG_CURLOPT_CONNECTTIMEOUT_MS, millis);
  curl.easy_setopt(handle, CG_CURLOPT_USERAGENT, "cgipool-probe");
  curl.easy_setopt(handle, CG_CURLOPT_WRITEFUNCTION, discard_body);
  // The caller resolved the host within its deadline: libcurl's own resolver thread cannot be
  // interrupted, and cleaning up after a stalled look-up waits for the resolver's timeout.
  void *resolve_list = resolved ? curl.slist_append(NULL, resolved) : NULL;
  if (resolve_list) curl.easy_setopt(handle, CG_CURLOPT_RESOLVE, resolve_list);
  cg_curl_code code = curl.easy_perform(handle);
  int result = 0;
  if (code == CG_CURLE_OK) {
    long answer = 0;
    curl.easy_getinfo(handle, CG_CURLINFO_RESPONSE_CODE, &answer);
    *status = answer;
  } else {
    // The error buffer has the specific words ("SSL certificate problem: ..."); strerror is the fallback.
    copy_message(error, error_size, curl_error[0] ? curl_error : curl.easy_strerror(code));
    result = -1;
  }
  curl.easy_cleanup(handle);
  if (resolve_list) curl.slist_free_all(resolve_list);
  return result;
}
