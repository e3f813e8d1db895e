#!/usr/bin/env bash
# Quick measurement of the core gateway on this machine: added latency at concurrency 1 (gateway minus
# direct to the same fake upstream, interleaved) and N concurrent 10-second streams (completed, chunks lost,
# peak threads, peak RSS of the gateway process). Everything runs on loopback.
# Usage: bench/probe.sh [latency-requests=5000] [streams=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-5000}
STREAMS=${2:-1000}
UP_PORT=19100
GW_PORT=18080
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

mvn -q -DskipTests package test-compile
mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="target/test-classes:target/classes:$(cat "$WORK/cp.txt")"

java -cp "$CP" io.camelllmproxy.bench.BenchUpstream $UP_PORT > "$WORK/upstream.log" 2>&1 &
cat > "$WORK/registry.yaml" <<YAML
providers:
  - name: bench
    provider_type: openai_compatible
    api_base: http://127.0.0.1:$UP_PORT/v1
    models:
      - {model_id: instant, model_name: instant}
      - {model_id: s-100-100, model_name: 100 chunks 100 ms apart}
YAML
java -Dcamel.server.port=$GW_PORT -Dllm.db.url="jdbc:h2:mem:bench;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1" \
     -Dllm.registry.bootstrap="$WORK/registry.yaml" -Dllm.crypto.secret=bench-secret -Dllm.auth.enabled=false \
     -jar target/camel-llm-proxy.jar > "$WORK/gateway.log" 2>&1 &
GW_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$GW_PORT/v1/models" >/dev/null && break; sleep 0.2; done

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB, $(java -version 2>&1 | head -1)"
java -cp "$CP" io.camelllmproxy.bench.BenchClient latency "http://127.0.0.1:$UP_PORT/v1" "http://127.0.0.1:$GW_PORT/v1" "$REQUESTS"

peak_rss=0; peak_threads=0
sample() {
  while kill -0 $GW_PID 2>/dev/null; do
    rss=$(awk '/VmRSS/{print $2}' /proc/$GW_PID/status); th=$(awk '/Threads/{print $2}' /proc/$GW_PID/status)
    echo "$rss $th" >> "$WORK/samples"; sleep 0.5
  done
}
sample & SAMPLER=$!
java -cp "$CP" io.camelllmproxy.bench.BenchClient streams "http://127.0.0.1:$GW_PORT/v1" "$STREAMS" s-100-100
kill $SAMPLER 2>/dev/null || true
awk '{ if ($1>r) r=$1; if ($2>t) t=$2 } END { printf "gateway during the stream run: peak RSS %.0f MiB, peak threads %d\n", r/1024, t }' "$WORK/samples"
if grep -q "ERROR\|Exception" "$WORK/gateway.log"; then echo "gateway log has errors:"; grep -m5 "ERROR\|Exception" "$WORK/gateway.log"; fi
