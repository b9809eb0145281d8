# featurejob-operator image: `make image` (docker build, or podman where no Docker engine runs).
# The base images are build arguments so a machine that reaches no container registry can build the
# same file on bases made from Debian packages (hack/image.sh local-bases; docs/operations.md "Container image").
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

# Build stage: the operator module and the API module it needs (README "Layout"); tests run in CI, not here.
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY pom.xml .
COPY featurejob-api/pom.xml featurejob-api/
COPY featurejob-operator/pom.xml featurejob-operator/
COPY featurejob-testkit/pom.xml featurejob-testkit/
COPY featurejob-tools/pom.xml featurejob-tools/
# The same build without sources (and without the CRD post-processor, which needs them): downloads the
# plugins and dependencies into a layer that source changes do not invalidate.
RUN mvn -B -q -pl featurejob-operator -am package -Dmaven.test.skip=true -Dexec.skip=true
COPY featurejob-api/src featurejob-api/src
COPY featurejob-operator/src/main featurejob-operator/src/main
RUN mvn -B -q -pl featurejob-operator -am package -Dmaven.test.skip=true

# Runtime: JRE only, non-root, nothing written outside /tmp (an emptyDir in the chart, so the root
# filesystem can be read-only).
FROM ${RUNTIME_IMAGE}
WORKDIR /opt/featurejob
COPY --from=build /src/featurejob-operator/target/featurejob-operator.jar featurejob-operator.jar
# Exit (and get restarted) rather than limp on after an OutOfMemoryError; size the heap from the
# container's memory limit; keep temp files and JVM perf data off the read-only root.
ENV JAVA_TOOL_OPTIONS="-XX:+ExitOnOutOfMemoryError -XX:MaxRAMPercentage=70 -XX:-UsePerfData -Djava.io.tmpdir=/tmp"
USER 65532:65532
EXPOSE 8080
# exec form: java is PID 1 and gets SIGTERM, which runs the operator's shutdown hook.
ENTRYPOINT ["java", "-jar", "/opt/featurejob/featurejob-operator.jar"]
CMD ["run"]
