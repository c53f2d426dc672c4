# syntax=docker/dockerfile:1
# The hybridcni image: `docker build -t hybridcni/hybridcni:0.1.0-SNAPSHOT .` from the repository root
# (deploy/README.md). Its entrypoint is `hybridcni controller`; any other command runs with
# `--entrypoint hybridcni`.

# Build with the repository's Maven wrapper (the Maven version the build is verified with). Tests run in CI, not
# here; the cache mount keeps the downloaded dependencies between builds.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -pl cli -am package -DskipTests \
    && cp cli/target/hybridcni.jar /hybridcni.jar

# Run on a JRE 17 as a non-root user with no home to write to: the pod's root filesystem is read-only and /tmp is
# an emptyDir (deploy/deployment.yaml). 65532 is the user the manifests' securityContext names.
FROM eclipse-temurin:17-jre
COPY --from=build /hybridcni.jar /opt/hybridcni/hybridcni.jar
RUN printf '#!/bin/sh\nexec java ${JAVA_OPTS} -jar /opt/hybridcni/hybridcni.jar "$@"\n' > /usr/local/bin/hybridcni \
    && chmod 0755 /usr/local/bin/hybridcni
USER 65532:65532
ENV HOME=/tmp
EXPOSE 8081
ENTRYPOINT ["hybridcni", "controller"]
