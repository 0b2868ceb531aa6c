#!/usr/bin/env bash
# A real Kubernetes control plane on 127.0.0.1 for development, tests and CI:
# etcd + kube-apiserver + kube-controller-manager + kube-scheduler + kwok (one fake node),
# all built from Go modules (pinned in scripts/local-cluster/{k8s,etcd,kwok}/go.mod) and
# cached outside the repo. No containers, no downloads other than the Go module proxy.
#
#   scripts/local-cluster.sh up        build once (cached), start, install CRDs; stdout is
#                                      only `export KUBECONFIG=...` so that
#                                      eval "$(scripts/local-cluster.sh up)" works
#   scripts/local-cluster.sh down      stop every component by PID, remove the state folder
#   scripts/local-cluster.sh status    components, PIDs, readiness (exit 0 only when all is up)
#   scripts/local-cluster.sh env       export lines: KUBECONFIG, CANARY_TUI_RESTRICTED_KUBECONFIG,
#                                      CANARY_TUI_CLUSTER_STATE, CANARY_TUI_CLUSTER_BIN
#   scripts/local-cluster.sh build     only build (or find cached) binaries
#   scripts/local-cluster.sh stop|start|restart COMPONENT
#                                      COMPONENT: etcd kube-apiserver kube-controller-manager
#                                      kube-scheduler kwok (same flags and ports on start;
#                                      e.g. `restart kube-apiserver` for watch-reconnect tests)
#   scripts/local-cluster.sh kubectl ARGS...   the kubectl built with the cluster
#
# Environment:
#   CANARY_TUI_STATE   state folder (default /tmp/canary-tui-cluster): certs, kubeconfigs,
#                      etcd data, <component>.log, <component>.pid
#   CANARY_TUI_CACHE   binary cache (default ${XDG_CACHE_HOME:-$HOME/.cache}/canary-tui);
#                      binaries live in $CANARY_TUI_CACHE/bin/<name>-<version>-<hash>/
#   CANARY_TUI_APISERVER_PORT  fixed secure port for kube-apiserver (default: a free port)
#   CANARY_TUI_UP_TIMEOUT      seconds to wait for each readiness step (default 120)
#
# The cluster: kube-apiserver (RBAC, default admission plugins) and etcd on 127.0.0.1 only;
# kube-controller-manager (all default controllers, per-controller service accounts) so that
# Deployments get ReplicaSets and Pods, namespaces delete and garbage collection runs;
# kube-scheduler; kwok managing the fake node kwok-node-0 (Pods become Running and Ready at
# once, see scripts/local-cluster/kwok-stages.yaml). No kubelet, no kube-proxy, no metrics
# API: Services get ClusterIPs and EndpointSlices but carry no traffic, and HPAs report
# <unknown> metrics. CRDs: deploy/crds/*.yaml (ours) and the Gateway API and App Mesh files
# listed in UPSTREAM_CRDS below. Users: $STATE/kubeconfig is cluster-admin (client cert in
# system:masters); $STATE/restricted.kubeconfig is user canary-tui-restricted (group
# canary-tui:restricted) with no RBAC bindings, for forbidden-verb tests.
# Needs: Go >= 1.26 with the module proxy (first build only), openssl, curl, flock, node.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="$ROOT/scripts/local-cluster"
STATE="${CANARY_TUI_STATE:-/tmp/canary-tui-cluster}"
CACHE="${CANARY_TUI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/canary-tui}"
TIMEOUT="${CANARY_TUI_UP_TIMEOUT:-120}"
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
NODE_NAME="kwok-node-0"
FIELD_MANAGER="canary-tui-local-cluster"
# CRDs installed by `up`: ours, plus the upstream router CRDs the controller needs. The
# published Flagger CRDs (deploy/crds/upstream/flagger-*.yaml) are NOT installed: they
# define the same objects as ours and are kept only for comparison tests.
UPSTREAM_CRDS=(
	gateway-api-v1.6.1-gatewayclasses.yaml
	gateway-api-v1.6.1-gateways.yaml
	gateway-api-v1.6.1-httproutes.yaml
	gateway-api-v1.6.1-referencegrants.yaml
	appmesh-controller-1.13.3-crds.yaml
)

log() { printf '[local-cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------------------------------
# versions and binaries
# ---------------------------------------------------------------------------------------
modver() { # dir module -> version required in that wrapper go.mod
	sed -n "s#^[[:space:]]*\(require[[:space:]]\+\)\?$2[[:space:]]\+\(v[^[:space:]]*\).*#\2#p" "$HERE/$1/go.mod" | head -n1
}
K8S_VERSION="$(modver k8s k8s.io/kubernetes)"
ETCD_VERSION="$(modver etcd go.etcd.io/etcd/server/v3)"
KWOK_VERSION="$(modver kwok sigs.k8s.io/kwok)"
[[ -n "$K8S_VERSION" && -n "$ETCD_VERSION" && -n "$KWOK_VERSION" ]] ||
	die "cannot read pinned versions from $HERE/{k8s,etcd,kwok}/go.mod"
K8S_MINOR="${K8S_VERSION#v1.}"; K8S_MINOR="${K8S_MINOR%%.*}"

# Upstream's release build: static, these tags, version stamped as hack/lib/version.sh does.
K8S_TAGS="selinux,notest,grpcnotrace"
k8s_ldflags() {
	local ld="-s -w" p
	for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		ld+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$K8S_MINOR"
		ld+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
	done
	printf '%s' "$ld"
}

bin_dir() { # name version -> cache dir keyed by version and by the wrapper module's pins
	local key
	key="$({ cat "$HERE/$1/go.mod" "$HERE/$1/go.sum"; echo "$K8S_TAGS $(k8s_ldflags)"; } | sha256sum | cut -c1-12)"
	printf '%s/bin/%s-%s-%s' "$CACHE" "$1" "$2" "$key"
}
go_version_line() { command -v go >/dev/null 2>&1 && GOTOOLCHAIN=local go env GOVERSION 2>/dev/null || echo "no-go"; }

require_go() {
	command -v go >/dev/null 2>&1 ||
		die "Go is not installed: building the control plane needs Go >= 1.26 and the Go module proxy"
	local v; v="$(GOTOOLCHAIN=local go env GOVERSION)"
	local minor="${v#go1.}"; minor="${minor%%.*}"
	[[ "$minor" =~ ^[0-9]+$ && "$minor" -ge 26 ]] || die "Go $v is too old: need Go >= 1.26 (GOTOOLCHAIN=local)"
}

gobuild() { # module-dir [go build args...]
	local mod="$1"; shift
	(cd "$HERE/$mod" && env GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS=-mod=readonly \
		go build -trimpath -buildvcs=false "$@")
}

build_one() { # name version dir -- go build args... (@OUT@ in an arg = the output folder)
	local name="$1" version="$2" dir="$3"; shift 4
	[[ -f "$dir/.complete" ]] && return 0
	require_go
	local gocache avail
	gocache="$(GOTOOLCHAIN=local go env GOCACHE 2>/dev/null || true)"
	while [[ -n "$gocache" && ! -d "$gocache" ]]; do gocache="$(dirname "$gocache")"; done
	avail="$(df -Pk "${gocache:-/}" 2>/dev/null | awk 'NR==2{print $4}' || true)"
	if [[ -n "$avail" && "$avail" -lt 4000000 ]]; then
		log "warning: less than 4 GB free for the Go build cache; the build may fail"
	fi
	log "building $name $version into $dir (once; a cold build of kube-* takes several minutes)"
	local tmp="$dir.tmp.$$" start=$SECONDS
	rm -rf "$tmp"; mkdir -p "$tmp"
	local args=() a
	for a in "$@"; do args+=("${a//@OUT@/$tmp}"); done
	if ! gobuild "$name" "${args[@]}" >&2; then
		rm -rf "$tmp"; die "go build of $name $version failed (see above)"
	fi
	echo "$((SECONDS - start))s on $(date -u +%Y-%m-%dT%H:%M:%SZ) with $(go_version_line)" >"$tmp/.build-time"
	touch "$tmp/.complete"
	rm -rf "$dir"; mv "$tmp" "$dir"
	log "built $name $version in $((SECONDS - start))s"
}

ensure_binaries() {
	mkdir -p "$CACHE/bin"
	exec 8>"$CACHE/bin/.build.lock"
	flock 8
	K8S_BIN="$(bin_dir k8s "$K8S_VERSION")"
	ETCD_BIN="$(bin_dir etcd "$ETCD_VERSION")"
	KWOK_BIN="$(bin_dir kwok "$KWOK_VERSION")"
	local t0=$SECONDS
	build_one etcd "$ETCD_VERSION" "$ETCD_BIN" -- -o @OUT@/etcd -ldflags "-s -w" go.etcd.io/etcd/server/v3
	build_one k8s "$K8S_VERSION" "$K8S_BIN" -- -o @OUT@/ -tags "$K8S_TAGS" -ldflags "$(k8s_ldflags)" \
		k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
		k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
	build_one kwok "$KWOK_VERSION" "$KWOK_BIN" -- -o @OUT@/kwok -ldflags "-s -w" sigs.k8s.io/kwok/cmd/kwok
	flock -u 8; exec 8>&-
	local b
	for b in "$ETCD_BIN/etcd" "$K8S_BIN/kube-apiserver" "$K8S_BIN/kube-controller-manager" \
		"$K8S_BIN/kube-scheduler" "$K8S_BIN/kubectl" "$KWOK_BIN/kwok"; do
		[[ -x "$b" ]] || die "missing binary $b"
	done
	(( SECONDS - t0 > 1 )) && log "binaries ready after $((SECONDS - t0))s"
	return 0
}

bin_of() {
	case "$1" in
	etcd) echo "$ETCD_BIN/etcd" ;;
	kwok) echo "$KWOK_BIN/kwok" ;;
	kubectl) echo "$K8S_BIN/kubectl" ;;
	*) echo "$K8S_BIN/$1" ;;
	esac
}

# ---------------------------------------------------------------------------------------
# processes (by PID only)
# ---------------------------------------------------------------------------------------
pid_of() { [[ -s "$STATE/$1.pid" ]] && cat "$STATE/$1.pid" || true; }

alive() { # component -> 0 if its recorded PID runs the recorded binary
	local pid; pid="$(pid_of "$1")"
	[[ -n "$pid" && -d "/proc/$pid" ]] || return 1
	local st; st="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo Z)"
	[[ "$st" != Z ]] || return 1
	local want; want="$(head -n1 "$STATE/$1.cmd" 2>/dev/null || true)"
	local arg0; arg0="$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n1 || true)"
	[[ -n "$want" && "$arg0" == "$want" ]]
}

start_component() { # component: runs the command saved in $STATE/<component>.cmd
	local name="$1" cmd=()
	mapfile -t cmd <"$STATE/$name.cmd"
	alive "$name" && return 0
	local envs=()
	[[ -s "$STATE/$name.env" ]] && mapfile -t envs <"$STATE/$name.env"
	echo "---- start $(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$STATE/$name.log"
	# stdin/stdout/stderr away from the caller, so `$(local-cluster.sh up)` returns at once
	# and without the lock descriptors 8/9, or a later `up` would wait for the daemons
	env "${envs[@]}" nohup "${cmd[@]}" </dev/null >>"$STATE/$name.log" 2>&1 8>&- 9>&- &
	echo $! >"$STATE/$name.pid"
}

launch() { # component binary args... : save the command, then start it
	local name="$1"; shift
	printf '%s\n' "$@" >"$STATE/$name.cmd"
	start_component "$name"
}

stop_component() {
	local name="$1" pid i
	pid="$(pid_of "$name")"
	if alive "$name"; then
		kill -TERM "$pid" 2>/dev/null || true
		for i in $(seq 1 200); do alive "$name" || break; sleep 0.1; done
		if alive "$name"; then
			log "$name (pid $pid) did not stop in 20s: SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
			for i in $(seq 1 50); do alive "$name" || break; sleep 0.1; done
		fi
	fi
	rm -f "$STATE/$name.pid"
}

tail_log() { [[ -f "$STATE/$1.log" ]] && tail -n "${2:-25}" "$STATE/$1.log" | sed "s/^/  $1| /" >&2 || true; }

# ---------------------------------------------------------------------------------------
# API access with the admin client certificate
# ---------------------------------------------------------------------------------------
api_url() { echo "https://127.0.0.1:$(cat "$STATE/apiserver.port")"; }
kcurl() { # path [curl args...]
	local path="$1"; shift
	curl -sS --max-time 30 -A canary-tui-local-cluster --cacert "$STATE/pki/ca.crt" --cert "$STATE/pki/admin.crt" \
		--key "$STATE/pki/admin.key" "$@" "$(api_url)$path"
}
kcode() { # path [curl args...] -> HTTP status code only
	local path="$1"; shift
	kcurl "$path" -o /dev/null -w '%{http_code}' "$@" 2>/dev/null || echo 000
}

wait_for() { # description timeout-seconds component-to-watch command...
	local what="$1" limit="$2" watch="$3" start=$SECONDS; shift 3
	until "$@" >/dev/null 2>&1; do
		if [[ -n "$watch" ]] && ! alive "$watch"; then
			tail_log "$watch" 40
			die "$watch exited while waiting for $what (log: $STATE/$watch.log)"
		fi
		if (( SECONDS - start > limit )); then
			[[ -n "$watch" ]] && tail_log "$watch" 40
			die "timed out after ${limit}s waiting for $what"
		fi
		sleep 0.3
	done
}

# Server-side apply of one YAML document (apiserver parses YAML itself: no kubectl needed).
ssa() { # api-path file
	local code
	code="$(kcurl "$1?fieldManager=$FIELD_MANAGER&force=true" -X PATCH \
		-H 'Content-Type: application/apply-patch+yaml' --data-binary "@$2" \
		-o "$STATE/.ssa-response" -w '%{http_code}')" || code=000
	if [[ "$code" != 2* ]]; then
		log "apply of $2 to $1 failed: HTTP $code"
		head -c 2000 "$STATE/.ssa-response" >&2 || true; echo >&2
		return 1
	fi
}

# Split a multi-document YAML file into one file per document with a `kind:`; prints paths.
split_yaml() { # file outdir
	awk -v out="$2" '
		function flush() { if (doc != "" && doc ~ /(^|\n)kind:[ \t]/) { n++; f = sprintf("%s/%03d.yaml", out, n); printf "%s", doc > f; close(f); print f } doc = "" }
		/^---[ \t]*$/ { flush(); next }
		{ doc = doc $0 "\n" }
		END { flush() }' "$1"
}

doc_name() { # top-level metadata.name of one YAML document
	awk '/^metadata:/ { m = 1; next } m && /^[^ \t#]/ { m = 0 } m && /^  name:[ \t]/ { sub(/^  name:[ \t]*/, ""); gsub(/["\047]/, ""); print; exit }' "$1"
}

install_crds() {
	local files=() f d doc name names=()
	for f in "$ROOT"/deploy/crds/*.yaml; do [[ -e "$f" ]] && files+=("$f"); done
	for f in "${UPSTREAM_CRDS[@]}"; do
		[[ -f "$ROOT/deploy/crds/upstream/$f" ]] || die "missing deploy/crds/upstream/$f"
		files+=("$ROOT/deploy/crds/upstream/$f")
	done
	d="$STATE/crd-docs"; rm -rf "$d"; mkdir -p "$d"
	for f in "${files[@]}"; do
		while IFS= read -r doc; do
			grep -q '^kind: CustomResourceDefinition' "$doc" || continue
			name="$(doc_name "$doc")"
			[[ -n "$name" ]] || die "no metadata.name in a document of $f"
			ssa "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/$name" "$doc" ||
				die "could not install CRD $name from ${f#"$ROOT"/}"
			names+=("$name")
		done < <(mkdir -p "$d/$(basename "$f" .yaml)" && split_yaml "$f" "$d/$(basename "$f" .yaml)")
	done
	log "applied ${#names[@]} CRDs; waiting until they are Established and served"
	for name in "${names[@]}"; do
		wait_for "CRD $name Established" "$TIMEOUT" kube-apiserver crd_established "$name"
	done
	for name in "${names[@]}"; do
		wait_for "CRD $name in discovery" "$TIMEOUT" kube-apiserver crd_discovered "$name"
	done
}

crd_established() {
	kcurl "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/$1" |
		grep -q '"type":"Established","status":"True"'
}

crd_discovered() { # every served version lists the plural in discovery
	local json plural group v
	json="$(kcurl "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/$1")"
	plural="${1%%.*}"; group="${1#*.}"
	for v in $(node -e 'const c=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(c.spec.versions.filter(v=>v.served).map(v=>v.name).join(" "))' <<<"$json"); do
		kcurl "/apis/$group/$v" | grep -q "\"name\":\"$plural\"" || return 1
	done
}

node_ready() {
	kcurl "/api/v1/nodes/$NODE_NAME" | grep -q '"type":"Ready","status":"True"'
}

# ---------------------------------------------------------------------------------------
# certificates and kubeconfigs (openssl, ECDSA P-256)
# ---------------------------------------------------------------------------------------
gen_pki() {
	command -v openssl >/dev/null || die "openssl is needed to create the cluster's certificates"
	local p="$STATE/pki"
	mkdir -p "$p"; chmod 700 "$p"
	(
		cd "$p"
		openssl ecparam -name prime256v1 -genkey -noout -out ca.key
		openssl req -x509 -new -key ca.key -subj "/CN=canary-tui-local-ca" -days 3650 -out ca.crt \
			-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
		issue() { # name subject extensions
			openssl ecparam -name prime256v1 -genkey -noout -out "$1.key"
			openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
			printf '%s\n' "$3" >"$1.ext"
			openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
				-extfile "$1.ext" -out "$1.crt" 2>/dev/null
			rm -f "$1.csr" "$1.ext"
		}
		local client=$'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth'
		issue apiserver "/CN=kube-apiserver" \
			$'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc'
		issue admin "/O=system:masters/CN=canary-tui-admin" "$client"
		issue kube-controller-manager "/CN=system:kube-controller-manager" "$client"
		issue kube-scheduler "/CN=system:kube-scheduler" "$client"
		issue kwok "/O=system:masters/CN=kwok" "$client"
		issue restricted "/O=canary-tui:restricted/CN=canary-tui-restricted" "$client"
		openssl ecparam -name prime256v1 -genkey -noout -out sa.key
		openssl ec -in sa.key -pubout -out sa.pub 2>/dev/null
	) >/dev/null
}

write_kubeconfig() { # file user(cert basename) context-namespace
	local p="$STATE/pki"
	cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: canary-tui-local
  cluster:
    server: $(api_url)
    certificate-authority-data: $(base64 -w0 <"$p/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 <"$p/$2.crt")
    client-key-data: $(base64 -w0 <"$p/$2.key")
contexts:
- name: canary-tui-local$([[ "$2" == admin ]] || echo "-$2")
  context:
    cluster: canary-tui-local
    user: $2
    namespace: $3
current-context: canary-tui-local$([[ "$2" == admin ]] || echo "-$2")
EOF
	chmod 600 "$1"
}

free_port() {
	if command -v node >/dev/null 2>&1; then
		node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
	else
		python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'
	fi
}

# ---------------------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------------------
healthy() {
	local c
	[[ -f "$STATE/kubeconfig" && -f "$STATE/apiserver.port" && -f "$STATE/.up-complete" ]] || return 1
	for c in "${COMPONENTS[@]}"; do alive "$c" || return 1; done
	[[ "$(kcurl /readyz 2>/dev/null)" == ok ]]
}

print_export() { printf 'export KUBECONFIG=%q\n' "$STATE/kubeconfig"; }

cmd_up() {
	mkdir -p "$(dirname "$STATE")"
	exec 9>"$STATE.lock"
	flock 9
	if healthy; then
		log "already up: $(api_url) (state in $STATE)"
		print_export
		return 0
	fi
	if [[ -e "$STATE" ]]; then
		log "found a stale or partial cluster in $STATE: stopping it and starting afresh"
		do_down
	fi
	local t0=$SECONDS
	ensure_binaries
	local t1=$SECONDS
	mkdir -p "$STATE"
	cat >"$STATE/versions" <<EOF
kubernetes $K8S_VERSION $K8S_BIN
etcd $ETCD_VERSION $ETCD_BIN
kwok $KWOK_VERSION $KWOK_BIN
EOF
	gen_pki
	local ep pp ap
	ep="$(free_port)"; pp="$(free_port)"; ap="${CANARY_TUI_APISERVER_PORT:-$(free_port)}"
	while [[ "$pp" == "$ep" ]]; do pp="$(free_port)"; done
	while [[ "$ap" == "$ep" || "$ap" == "$pp" ]]; do ap="$(free_port)"; done
	echo "$ap" >"$STATE/apiserver.port"
	echo "$ep" >"$STATE/etcd.port"
	write_kubeconfig "$STATE/kubeconfig" admin default
	write_kubeconfig "$STATE/kube-controller-manager.kubeconfig" kube-controller-manager kube-system
	write_kubeconfig "$STATE/kube-scheduler.kubeconfig" kube-scheduler kube-system
	write_kubeconfig "$STATE/kwok.kubeconfig" kwok kube-system
	write_kubeconfig "$STATE/restricted.kubeconfig" restricted default
	cp "$HERE/kwok-stages.yaml" "$STATE/kwok-stages.yaml"
	mkdir -p "$STATE/kwok-workdir"
	local p="$STATE/pki"

	log "starting etcd $ETCD_VERSION on 127.0.0.1:$ep"
	launch etcd "$(bin_of etcd)" --name=default --data-dir="$STATE/etcd-data" \
		--listen-client-urls="http://127.0.0.1:$ep" --advertise-client-urls="http://127.0.0.1:$ep" \
		--listen-peer-urls="http://127.0.0.1:$pp" --initial-advertise-peer-urls="http://127.0.0.1:$pp" \
		--initial-cluster="default=http://127.0.0.1:$pp" \
		--unsafe-no-fsync=true --quota-backend-bytes=2147483648 --log-level=warn
	wait_for "etcd /health" "$TIMEOUT" etcd etcd_healthy "$ep"

	log "starting kube-apiserver $K8S_VERSION on https://127.0.0.1:$ap"
	launch kube-apiserver "$(bin_of kube-apiserver)" \
		--etcd-servers="http://127.0.0.1:$ep" \
		--bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$ap" \
		--cert-dir="$p" --tls-cert-file="$p/apiserver.crt" --tls-private-key-file="$p/apiserver.key" \
		--client-ca-file="$p/ca.crt" \
		--service-account-issuer="https://127.0.0.1:$ap" \
		--service-account-key-file="$p/sa.pub" --service-account-signing-key-file="$p/sa.key" \
		--service-cluster-ip-range=10.96.0.0/16 \
		--authorization-mode=RBAC --allow-privileged=true \
		--endpoint-reconciler-type=none --profiling=false \
		--shutdown-watch-termination-grace-period=2s
	wait_for "kube-apiserver /readyz" "$TIMEOUT" kube-apiserver apiserver_ready
	wait_for "namespace default" "$TIMEOUT" kube-apiserver api_ok /api/v1/namespaces/default

	log "starting kube-controller-manager, kube-scheduler and kwok"
	launch kube-controller-manager "$(bin_of kube-controller-manager)" \
		--kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
		--bind-address=127.0.0.1 --secure-port=0 --leader-elect=false \
		--service-account-private-key-file="$p/sa.key" --root-ca-file="$p/ca.crt" \
		--use-service-account-credentials=true --cluster-name=canary-tui-local \
		--controllers='*' --profiling=false
	launch kube-scheduler "$(bin_of kube-scheduler)" \
		--kubeconfig="$STATE/kube-scheduler.kubeconfig" \
		--authentication-kubeconfig="$STATE/kube-scheduler.kubeconfig" \
		--authorization-kubeconfig="$STATE/kube-scheduler.kubeconfig" \
		--bind-address=127.0.0.1 --secure-port=0 --leader-elect=false --profiling=false
	printf '%s\n' "KWOK_WORKDIR=$STATE/kwok-workdir" >"$STATE/kwok.env"
	launch kwok "$(bin_of kwok)" --kubeconfig="$STATE/kwok.kubeconfig" \
		--config="$STATE/kwok-stages.yaml" --manage-all-nodes=true \
		--node-lease-duration-seconds=40 --cidr=10.244.0.0/16

	install_crds

	log "registering fake node $NODE_NAME (kwok)"
	cat >"$STATE/node.yaml" <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $NODE_NAME
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: $NODE_NAME
    kubernetes.io/os: linux
    kubernetes.io/role: agent
    node-role.kubernetes.io/agent: ""
    type: kwok
EOF
	ssa "/api/v1/nodes/$NODE_NAME" "$STATE/node.yaml" || die "could not create node $NODE_NAME"
	wait_for "node $NODE_NAME Ready" "$TIMEOUT" kwok node_ready
	wait_for "ServiceAccount default/default (kube-controller-manager)" "$TIMEOUT" kube-controller-manager \
		api_ok /api/v1/namespaces/default/serviceaccounts/default
	alive kube-scheduler || { tail_log kube-scheduler 40; die "kube-scheduler exited"; }
	touch "$STATE/.up-complete"
	log "up in $((SECONDS - t0))s (start $((SECONDS - t1))s): $(api_url); logs and PIDs in $STATE"
	print_export
}

etcd_healthy() { curl -fsS --max-time 2 "http://127.0.0.1:$1/health" | grep -q '"health":"true"'; }
apiserver_ready() { [[ "$(kcurl /readyz 2>/dev/null)" == ok ]]; }
api_ok() { [[ "$(kcode "$1")" == 200 ]]; }

do_down() {
	local i
	for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
		if alive "${COMPONENTS[i]}"; then
			log "stopping ${COMPONENTS[i]} (pid $(pid_of "${COMPONENTS[i]}"))"
		fi
		stop_component "${COMPONENTS[i]}"
	done
	case "$STATE" in
	"" | / | "$HOME" | "$ROOT") die "refusing to remove state folder '$STATE'" ;;
	esac
	rm -rf "$STATE"
}

cmd_down() {
	exec 9>"$STATE.lock"
	flock 9
	if [[ -e "$STATE" ]]; then do_down; log "down; removed $STATE"; else log "not running (no $STATE)"; fi
}

cmd_status() {
	if [[ ! -d "$STATE" ]]; then echo "local cluster: down (no $STATE)"; return 3; fi
	local c ok=0 pid
	echo "state:   $STATE"
	[[ -f "$STATE/versions" ]] && sed 's/^/version: /' "$STATE/versions"
	[[ -f "$STATE/apiserver.port" ]] && echo "server:  $(api_url)"
	for c in "${COMPONENTS[@]}"; do
		pid="$(pid_of "$c")"
		if alive "$c"; then printf '%-24s running  pid %s\n' "$c" "$pid"; else printf '%-24s STOPPED\n' "$c"; ok=1; fi
	done
	if [[ -f "$STATE/apiserver.port" ]] && apiserver_ready; then echo "readyz:  ok"; else echo "readyz:  not ready"; ok=1; fi
	if [[ -f "$STATE/apiserver.port" ]] && node_ready; then echo "node:    $NODE_NAME Ready"; else echo "node:    $NODE_NAME not ready"; ok=1; fi
	echo "kubeconfig: $STATE/kubeconfig"
	return "$ok"
}

cmd_env() {
	[[ -f "$STATE/kubeconfig" ]] || die "not up: run scripts/local-cluster.sh up"
	printf 'export KUBECONFIG=%q\n' "$STATE/kubeconfig"
	printf 'export CANARY_TUI_RESTRICTED_KUBECONFIG=%q\n' "$STATE/restricted.kubeconfig"
	printf 'export CANARY_TUI_CLUSTER_STATE=%q\n' "$STATE"
	printf 'export CANARY_TUI_CLUSTER_BIN=%q\n' "$(dirname "$(head -n1 "$STATE/kube-apiserver.cmd")")"
}

cmd_component() { # stop|start|restart component
	local verb="$1" name="${2:-}" c found=
	for c in "${COMPONENTS[@]}"; do [[ "$c" == "$name" ]] && found=1; done
	[[ -n "$found" ]] || die "unknown component '$name' (one of: ${COMPONENTS[*]})"
	[[ -f "$STATE/$name.cmd" ]] || die "not up: run scripts/local-cluster.sh up"
	exec 9>"$STATE.lock"
	flock 9
	if [[ "$verb" != start ]]; then log "stopping $name"; stop_component "$name"; fi
	if [[ "$verb" != stop ]]; then
		log "starting $name"
		start_component "$name"
		case "$name" in
		etcd) wait_for "etcd /health" "$TIMEOUT" etcd etcd_healthy "$(cat "$STATE/etcd.port")" ;;
		kube-apiserver) wait_for "kube-apiserver /readyz" "$TIMEOUT" kube-apiserver apiserver_ready ;;
		*) sleep 0.5; alive "$name" || { tail_log "$name" 40; die "$name exited"; } ;;
		esac
	fi
}

cmd_kubectl() {
	[[ -f "$STATE/kube-apiserver.cmd" ]] || die "not up: run scripts/local-cluster.sh up"
	local bin; bin="$(dirname "$(head -n1 "$STATE/kube-apiserver.cmd")")/kubectl"
	exec "$bin" --kubeconfig="$STATE/kubeconfig" "$@"
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
env) cmd_env ;;
build) ensure_binaries; log "binaries: $K8S_BIN $ETCD_BIN $KWOK_BIN" ;;
stop | start | restart) cmd_component "$1" "${2:-}" ;;
kubectl) shift; cmd_kubectl "$@" ;;
*)
	sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac
