# Build stage: the same Maven wrapper and pom as development; tests run in CI, not in the image build.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q package -DskipTests

# Run stage: Java 21 so virtual threads are on.
FROM eclipse-temurin:21-jre
RUN useradd --system --home-dir /app swarmkeeper
WORKDIR /app
COPY --from=build /src/target/swarmkeeper.jar /app/swarmkeeper.jar
USER swarmkeeper
EXPOSE 8080
ENTRYPOINT ["java", "-XX:+UseZGC", "-jar", "/app/swarmkeeper.jar"]
