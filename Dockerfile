# featurejob-operator image: `make image` (docker build, or podman where no Docker engine runs).
# The base images are build arguments so a machine that reaches no container registry can build the
# same file on bases made from Debian packages (hack/image.sh local-bases; README "Container image").
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

# Build stage: the same Maven build as `make build`; tests run in CI, not here.
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q package -DskipTests

# Runtime: JRE only, non-root, nothing written outside /tmp (an emptyDir in the chart, so the root
# filesystem can be read-only).
FROM ${RUNTIME_IMAGE}
WORKDIR /opt/featurejob
COPY --from=build /src/target/featurejob-operator-0.1.0-SNAPSHOT.jar featurejob-operator.jar
# Exit (and get restarted) rather than limp on after an OutOfMemoryError; size the heap from the
# container's memory limit; keep temp files and JVM perf data off the read-only root.
ENV JAVA_TOOL_OPTIONS="-XX:+ExitOnOutOfMemoryError -XX:MaxRAMPercentage=75 -XX:-UsePerfData -Djava.io.tmpdir=/tmp"
USER 65532:65532
EXPOSE 8080
# exec form: java is PID 1 and gets SIGTERM, which runs the operator's shutdown hook.
ENTRYPOINT ["java", "-jar", "/opt/featurejob/featurejob-operator.jar"]
CMD ["run"]
