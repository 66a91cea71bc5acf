# share-server.sh: sourced by the tests of kiplan clone and sync.  A real
# git server on 127.0.0.1, started by the test itself: git http-backend
# behind lighttpd (smart HTTP), on a free port.  Needs $T (the test's
# directory).  Every server is stopped by server_stop_all, which the
# test calls from its trap.
#
#   server_repo NAME          a bare repository $T/srv/NAME.git that
#                             takes pushes over HTTP; refuses
#                             non-fast-forwards as a real host does
#   server_start              start lighttpd; sets HTTP_URL
#                             (http://127.0.0.1:PORT/git)
#   server_stop               stop it (the server killed: SIGKILL to
#                             its whole process group, CGIs included)
#   server_stop_all           what the trap calls

SERVER_PIDS=
HTTP_PORT=

server_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

server_repo() {
	mkdir -p "$T/srv"
	git init -q --bare "$T/srv/$1.git"
	git -C "$T/srv/$1.git" config http.receivepack true
	git -C "$T/srv/$1.git" config receive.denyNonFastForwards true
	git -C "$T/srv/$1.git" config receive.fsckObjects true
}

server_start() {
	[ -n "$HTTP_PORT" ] || HTTP_PORT=$(server_free_port)
	mkdir -p "$T/www"
	cat >"$T/lighttpd.conf" <<CONF
server.document-root = "$T/www"
server.port = $HTTP_PORT
server.bind = "127.0.0.1"
server.modules = ( "mod_alias", "mod_cgi", "mod_setenv" )
server.errorlog = "$T/lighttpd.log"
alias.url = ( "/git" => "$(git --exec-path)/git-http-backend" )
\$HTTP["url"] =~ "^/git" {
  cgi.assign = ( "" => "" )
  setenv.set-environment = ( "GIT_PROJECT_ROOT" => "$T/srv", "GIT_HTTP_EXPORT_ALL" => "1", "GIT_CONFIG_NOSYSTEM" => "1", "HOME" => "$T" )
}
CONF
	# Its own process group, so that killing it kills its CGIs too.
	setsid lighttpd -D -f "$T/lighttpd.conf" </dev/null >>"$T/lighttpd.log" 2>&1 &
	HTTP_PID=$!
	SERVER_PIDS="$SERVER_PIDS $HTTP_PID"
	HTTP_URL=http://127.0.0.1:$HTTP_PORT/git
	i=0
	while [ $i -lt 100 ]; do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $HTTP_PORT), 1)" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "share-server: lighttpd did not start" >&2
	cat "$T/lighttpd.log" >&2
	return 1
}

server_stop() {
	[ -n "${HTTP_PID:-}" ] || return 0
	kill -KILL -- "-$HTTP_PID" 2>/dev/null || kill -KILL "$HTTP_PID" 2>/dev/null
	wait "$HTTP_PID" 2>/dev/null
	HTTP_PID=
}

server_stop_all() {
	for p in $SERVER_PIDS; do
		kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null
	done
	SERVER_PIDS=
}
