# featurejob-operator: every target does its own set-up (Maven resolves dependencies on first use).
MVN ?= mvn -B -q
JAR  = target/featurejob-operator-0.1.0-SNAPSHOT.jar
CRD  = featurejobs.featurejob.io-v1.yml

.PHONY: build test demo run crds clean

build: $(JAR)

$(JAR): pom.xml $(shell find src/main -type f)
	$(MVN) package -DskipTests

## Run every test (unit, table, mock-server end-to-end).
test:
	mvn -B --no-transfer-progress verify

## Play the failure stories on an embedded API server with a simulated kubelet; exits by itself.
demo: build
	java -jar $(JAR) demo

## Run the operator against the current kubeconfig (or in-cluster config).
run: build
	java -jar $(JAR) run

## Regenerate crds/ from the Java API classes (CrdDriftTest fails until this is committed).
crds:
	$(MVN) process-classes
	cp target/classes/META-INF/fabric8/$(CRD) crds/$(CRD)

clean:
	$(MVN) clean
