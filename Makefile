# featurejob-operator: every target does its own set-up (Maven resolves dependencies on first use).
MVN ?= mvn -B -q
# Modules (README "Layout"): the image runs JAR; demo, simulate and classify on a laptop run TOOLS_JAR.
JAR  = featurejob-operator/target/featurejob-operator.jar
TOOLS_JAR = featurejob-tools/target/featurejob-tools.jar
CRD  = featurejobs.featurejob.io-v1.yml
IMAGE ?= featurejob/featurejob-operator:0.1.0

.PHONY: build test bench e2e e2e-node chaos cluster cluster-down demo run crds manifests image clean simulate \
	simulate-full simulate-stress bench-matching spark-corpus spark-test

build: $(JAR) $(TOOLS_JAR)

$(JAR) $(TOOLS_JAR) &: pom.xml $(wildcard */pom.xml) $(shell find featurejob-*/src/main -type f)
	$(MVN) package -DskipTests

## Run every test (unit, table, mock-server end-to-end).
test:
	mvn -B --no-transfer-progress verify

## End-to-end tests on a real control plane: KUBECONFIG's cluster, else a local one (hack/cluster.sh)
## started and stopped around the run. See docs/testing.md "End-to-end tests on a real control plane".
e2e:
	hack/e2e.sh

## Fault injection on a real control plane: storms of failing and retrying jobs while the operator
## (its own process) is SIGKILLed at random points, kube-apiserver is restarted, etcd is paused, a proxy
## answers a share of the operator's requests with 429/500/timeouts, and the leader is paused past its
## lease; after each an audit of the API server's records; prints one table (target/chaos/table.md) and
## fails on any non-zero count. `make e2e` runs a small storm of each. Override CHAOS_ARGS.
CHAOS_ARGS ?= -Dfeaturejob.chaos.jobs=20 -Dfeaturejob.chaos.restarts=100 -Dfeaturejob.chaos.apiserverRestarts=3 \
	-Dfeaturejob.chaos.etcdPauses=3 -Dfeaturejob.chaos.proxyBursts=3 -Dfeaturejob.chaos.leaderPauses=3 \
	-Dfeaturejob.chaos.seed=1
chaos:
	FEATUREJOB_E2E_IMAGE=0 E2E_MAVEN_ARGS="-Dtest=ChaosOnControlPlaneTest $(CHAOS_ARGS)" hack/e2e.sh

## The tests tagged "node": real Spark driver and executor pods on a real node (kubelet, containerd,
## runc, bridge CNI; root). Builds the Spark image, starts the control plane with its node, stops it.
## See docs/testing.md "Real node".
e2e-node:
	hack/node/e2e.sh

## Tests that run real spark-submit (tag "spark"; hack/spark/README.md): installs Spark, the JDBC
## driver and PostgreSQL 15 (once, cached outside the repo), then runs only those tests.
spark-test:
	eval "$$(hack/spark/install.sh env)" && mvn -B --no-transfer-progress test -Dgroups=spark -Dfeaturejob.excludedGroups=none

## Regenerate the corpus of real Spark output (featurejob-operator/src/test/resources/.../demo/spark-corpus): install,
## start a private PostgreSQL, run the cases (all, or SPARK_CASES="sigterm sigkill"), stop it.
SPARK_CASES ?=
spark-corpus:
	hack/spark/install.sh
	hack/spark/postgres.sh start >/dev/null
	hack/spark/capture.sh $(SPARK_CASES); rc=$$?; hack/spark/postgres.sh stop; exit $$rc

## The spot-shortage storm on the local control plane (no node), the operator then the Kubernetes Job
## controller on the same API server: requests per attempt by verb and resource, cold start, retry
## lateness, failure-to-status, memory; prints a table with ratios and writes target/bench.txt.
## BENCH_JOBS=200 BENCH_SECONDS=120 BENCH_WARMUP=60 BENCH_HEAP=384m by default; BENCH_SHARDS and BENCH_THREADS
## (e.g. "4,16") add runs side by side, with their CPU; BENCH_FULL_HISTORY=true starts every job with its
## history full (a restart in a long storm). BENCH_MIX=success: the success-heavy mix instead
## (FeatureJobs, then CronJobs, every minute on one simulated node). BENCH_MIX=status-writes: kube-apiserver's
## CPU per FeatureJob status write by history size, and per pod. See docs/testing.md "Scale".
bench:
	hack/bench.sh

## Build (once, cached outside the repo) and start etcd + kube-apiserver + kube-controller-manager
## on 127.0.0.1; prints the KUBECONFIG to use.
cluster:
	hack/cluster.sh up

## Stop exactly the processes `make cluster` started (PIDs in .cluster/pids); with a real node also
## its containers, bridge, addresses, mounts and cgroups.
cluster-down:
	hack/cluster.sh down

## Play the failure stories on an embedded API server with a simulated kubelet; exits by itself.
demo: build
	java -jar $(TOOLS_JAR) demo

## Replay the field's failure mix under each retry policy (same Decider as the reconciler); prints a
## markdown table and writes a CSV. A quick month; override e.g. SIM_ARGS="--jobs 100000 --days 1".
SIM_ARGS ?= --jobs 1000 --days 30 --out target/simulation.csv
simulate: build
	java -jar $(TOOLS_JAR) simulate $(SIM_ARGS)

## docs/simulator.md's table: 1,000 jobs x 360 days x 3 seeds, same-seed differences with 95% intervals.
simulate-full: build
	nice -n 10 java -jar $(TOOLS_JAR) simulate --jobs 1000 --days 360 --seeds 1,2,3 \
	  --out target/simulation-full.csv | tee target/simulation-full.md

## docs/simulator.md's stress table: every failure rate x10, STRESS_JOBS jobs x 30 days x 3 seeds.
STRESS_JOBS ?= 1000
simulate-stress: build
	nice -n 10 java -jar $(TOOLS_JAR) simulate --jobs $(STRESS_JOBS) --days 30 --seeds 1,2,3 \
	  --failure-scale 10 --out target/simulation-stress.csv | tee target/simulation-stress.md

## Time classification and redaction on issue 13's worst inputs: java.util.regex and the old patterns
## (before) against RE2/J on bounded text (after); prints a markdown table and the load average.
bench-matching:
	$(MVN) -pl featurejob-operator -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
	  -Dmdep.outputFile=target/test-classpath.txt
	java -cp featurejob-operator/target/test-classes:featurejob-operator/target/classes:$$(cat featurejob-operator/target/test-classpath.txt) \
	  io.featurejob.operator.classify.MatchingBenchmark

## Run the operator against the current kubeconfig (or in-cluster config).
run: build
	java -jar $(JAR) run

## Regenerate crds/ from the Java API classes (CrdDriftTest fails until this is committed).
crds:
	$(MVN) -pl featurejob-api process-classes
	cp featurejob-api/target/classes/META-INF/fabric8/$(CRD) crds/$(CRD)
	cp crds/$(CRD) helm/featurejob-operator/crds/$(CRD)

## Re-render deploy/ from the helm chart's defaults (ChartDriftTest fails until this is committed).
manifests:
	$(MVN) -pl featurejob-operator -am test -Dtest=ChartDriftTest -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dfeaturejob.writeManifests=true

## Build the container image: multi-stage Maven build, JRE runtime, uid 65532. Docker when its engine
## answers, else podman; FEATUREJOB_IMAGE_BASES=local builds the bases from Debian packages (no registry).
image:
	IMAGE=$(IMAGE) hack/image.sh build

clean:
	$(MVN) clean
