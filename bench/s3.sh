#!/usr/bin/env bash
# The same corral job on local files and on s3a:// through S3Proxy (a real S3 API server on 127.0.0.1, its
# in-memory backend), runs alternating: wall and CPU time (user + sys of ./corral, and of S3Proxy during the
# s3a runs), medians, the ratios s3a / local.
# Usage: bench/s3.sh [runs] [WET files of 12.5 MB of text]   e.g. bench/s3.sh 3 4
# Data go to $S3_BENCH_DIR (default /tmp/corral-s3-bench); delete it after.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=${1:-3}
files=${2:-4}
data=${S3_BENCH_DIR:-/tmp/corral-s3-bench}
"$root/mvnw" -q -B -o -Pbench -DskipTests -pl jobs,bench -am package >&2
# hadoop-aws and its AWS SDK bundle (test scope in jobs/pom.xml, never in corral.jar) for ./corral's class path.
"$root/mvnw" -q -B -o -pl jobs -am dependency:build-classpath -DincludeScope=test \
  -DincludeArtifactIds=hadoop-aws,aws-java-sdk-bundle -Dmdep.outputFile="$data/s3a-classpath.txt" >&2
export CORRAL_CLASSPATH=$(cat "$data/s3a-classpath.txt")

if [[ ! -f $data/wet/_manifest.tsv || $(wc -l < "$data/wet/_manifest.tsv") -lt $files ]]; then
  rm -rf "$data/wet"
  java -cp "$root/bench/target/classes" dev.corral.bench.WetCorpus "$shared/data/udhr-dev.tsv" "$data/wet" "$files" 12.5 >&2
fi
mb=$(head -n "$files" "$data/wet/_manifest.tsv" | awk '{b += $2} END {printf "%.1f", b / 1e6}')

# S3Proxy in its own JVM, jclouds' transient (in-memory) backend: flat keys as on S3. Its filesystem backend maps a
# key ending in "/" to a folder, so S3A's folder marker "wet/" was not seen as one (put: No such file or
# directory) and each delete of a marker above a written file waited 10 s for a folder that is not empty.
rm -rf "$data/s3" && mkdir -p "$data/s3"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$data/s3/s3proxy.conf" <<CONF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench-access
s3proxy.credential=bench-secret
jclouds.provider=transient
CONF
java -Xmx3g -jar "$root/jobs/target/s3proxy/s3proxy.jar" --properties "$data/s3/s3proxy.conf" > "$data/s3/s3proxy.log" 2>&1 &
proxy=$!
trap 'kill $proxy 2> /dev/null || true' EXIT
for _ in $(seq 600); do (echo > /dev/tcp/127.0.0.1/$port) 2> /dev/null && break; sleep 0.1; done
# The bucket, made by a signed PUT (S3A never creates buckets).
code=$(curl -s -o "$data/s3/bucket.xml" -w '%{http_code}' -X PUT --aws-sigv4 aws:amz:us-east-1:s3 \
  --user bench-access:bench-secret -H x-amz-content-sha256:UNSIGNED-PAYLOAD "http://127.0.0.1:$port/bench")
[[ $code == 200 ]] || { echo "s3.sh: creating bucket bench: HTTP $code $(cat "$data/s3/bucket.xml")" >&2; exit 1; }
# CPU seconds (user + sys) S3Proxy has used so far.
proxy_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$proxy/stat"; }

s3conf=(-Dspark.hadoop.fs.s3a.endpoint=http://127.0.0.1:$port -Dspark.hadoop.fs.s3a.endpoint.region=us-east-1
  -Dspark.hadoop.fs.s3a.path.style.access=true -Dspark.hadoop.fs.s3a.connection.ssl.enabled=false
  -Dspark.hadoop.fs.s3a.aws.credentials.provider=org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider
  -Dspark.hadoop.fs.s3a.access.key=bench-access -Dspark.hadoop.fs.s3a.secret.key=bench-secret)
export CORRAL_JAVA_OPTS="${s3conf[*]}"
local_inputs=$(head -n "$files" "$data/wet/_manifest.tsv" | cut -f1 | sed "s|^|$data/wet/|" | paste -sd,)
s3_inputs=$(head -n "$files" "$data/wet/_manifest.tsv" | cut -f1 | sed "s|^|s3a://bench/wet/|" | paste -sd,)
# The WET files go into the bucket through S3A (Hadoop's shell, the same settings as the job).
# Hadoop's shell reads them from a core-site.xml (its -D options fail here: "core-site.xml not found").
mkdir -p "$data/s3/conf"
{ echo '<configuration>'
  for kv in "${s3conf[@]}"; do kv=${kv#-Dspark.hadoop.}; echo "<property><name>${kv%%=*}</name><value>${kv#*=}</value></property>"; done
  echo '</configuration>'; } > "$data/s3/conf/core-site.xml"
fs_shell() {
  java -cp "$data/s3/conf:$CORRAL_CLASSPATH:$(cat "$root/jobs/target/spark-classpath.txt")" org.apache.hadoop.fs.FsShell "$@"
}
fs_shell -put "$data/wet" s3a://bench/wet 2> "$data/put.err" || { cat "$data/put.err" >&2; exit 1; }

local_times=() s3_times=() local_cpus=() s3_cpus=() proxy_cpus=() loads=()
for ((i = 0; i < runs; i++)); do
  for where in local s3; do
    if [[ $where == local ]]; then
      in=$local_inputs out=$data/out
      rm -rf "$data/out"
    else
      in=$s3_inputs out=s3a://bench/out
      fs_shell -rm -r -f -skipTrash s3a://bench/out > /dev/null 2>&1
    fi
    p0=$(proxy_cpu)
    /usr/bin/time -o "$data/time.txt" -f '%e %U %S' "$root/corral" ccnet --input "$in" --output "$out" \
      > "$data/job-$where-$i.log" 2> "$data/job-$where-$i.err" || { cat "$data/job-$where-$i.err" >&2; exit 1; }
    p1=$(proxy_cpu)
    read -r t u s < <(tail -n 1 "$data/time.txt")
    cpu=$(python3 -c "print('%.1f' % ($u + $s))")
    load=$(cut -d' ' -f1 /proc/loadavg)
    loads+=("$load")
    echo "$where run $i: $t s wall, $cpu s CPU (S3Proxy $(python3 -c "print('%.1f' % ($p1 - $p0))") s) (load $load)" >&2
    if [[ $where == local ]]; then
      local_times+=("$t") local_cpus+=("$cpu")
    else
      s3_times+=("$t") s3_cpus+=("$cpu") proxy_cpus+=("$(python3 -c "print('%.1f' % ($p1 - $p0))")")
    fi
  done
done
lm=$(median "${local_times[@]}") sm=$(median "${s3_times[@]}")
lc=$(median "${local_cpus[@]}") sc=$(median "${s3_cpus[@]}") pc=$(median "${proxy_cpus[@]}")
echo "| input and output | WET text | runs: wall (s) | median wall | runs: CPU s of ./corral | median CPU s | S3Proxy CPU s (median) |"
echo "| --- | ---: | --- | ---: | --- | ---: | ---: |"
echo "| local files, local Delta output | $mb MB | ${local_times[*]} | $lm | ${local_cpus[*]} | $lc | - |"
echo "| s3a:// through S3Proxy, Delta output on s3a:// | $mb MB | ${s3_times[*]} | $sm | ${s3_cpus[*]} | $sc | $pc |"
python3 -c "print('s3a / local (medians): wall %.2f, CPU of ./corral %.2f, CPU with S3Proxy %.2f' % ($sm / $lm, $sc / $lc, ($sc + $pc) / $lc))"
echo "load average (1 min) after each run: ${loads[*]}"
