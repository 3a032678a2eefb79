# A real HTTP server on loopback for the HEAD-request demo (sess_http.nr):
# python3 -m http.server in a temporary directory, port NR_HTTP_PORT.
export NR_HTTP_PORT=16180
mkdir -p "$NR_WORK/www"
printf '<html><body>netrepl test page</body></html>\n' >"$NR_WORK/www/index.html"
python3 -m http.server --bind 127.0.0.1 --directory "$NR_WORK/www" $NR_HTTP_PORT \
    >/dev/null 2>&1 &
NR_PIDS="$NR_PIDS $!"
for _i in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$NR_HTTP_PORT") 2>/dev/null && break
    sleep 0.1
done
