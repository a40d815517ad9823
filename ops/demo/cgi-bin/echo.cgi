#!/bin/sh
# echo.cgi: answers with the CGI request it was given (meta-variables and body) as plain text.
printf 'Content-Type: text/plain; charset=utf-8\r\n'
printf 'Cache-Control: no-store\r\n'
printf '\r\n'
# A fixed list of names, so the eval below never sees input from the request.
for var in GATEWAY_INTERFACE SERVER_SOFTWARE SERVER_PROTOCOL REQUEST_METHOD SCRIPT_NAME PATH_INFO \
           QUERY_STRING CONTENT_TYPE CONTENT_LENGTH REMOTE_ADDR HTTP_HOST HTTP_X_FORWARDED_FOR; do
  eval "value=\${$var-}"
  printf '%s=%s\n' "$var" "$value"
done
if [ -n "${CONTENT_LENGTH-}" ] && [ "$CONTENT_LENGTH" -gt 0 ]; then
  # The body is exactly CONTENT_LENGTH bytes on stdin (RFC 3875 section 4.2).
  printf 'body='
  head -c "$CONTENT_LENGTH"
  printf '\n'
fi
