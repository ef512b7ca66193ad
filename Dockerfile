# Build stage: the same Maven wrapper and pom as development; tests run in CI, not in the image build.
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q package -DskipTests

# Run stage: the project's one Java version, 25. G1 with tenuring 1, the benchmark's collector flags (docs/SCALING.md);
# G1 named because a container with one CPU or under 1792 MB would otherwise get the serial collector. Heap size:
# add -Xms/-Xmx through JAVA_TOOL_OPTIONS (the benchmark's 1 GiB holds a million peers in 183 MiB).
FROM eclipse-temurin:25-jre
RUN useradd --system --home-dir /app swarmkeeper
WORKDIR /app
COPY --from=build /src/target/swarmkeeper.jar /app/swarmkeeper.jar
USER swarmkeeper
# 6969: BitTorrent clients (tracker.port); 8080: the admin API, the dashboard and Actuator
EXPOSE 6969 8080
ENTRYPOINT ["java", "-XX:+UseG1GC", "-XX:MaxTenuringThreshold=1", "-jar", "/app/swarmkeeper.jar"]
