# grantpath in a container: docker build -t grantpath . && docker run --rm -v "$PWD:/src" grantpath scan /src
# Stage 1 builds with Debian 12's packages (as scripts/bootstrap.sh does) and
# makes the Debian package; stage 2 installs that package on a slim Debian 12.
FROM debian:12 AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      build-essential cmake pkg-config python3 dpkg-dev file \
      libyaml-cpp-dev libfyaml-dev nlohmann-json3-dev libz3-dev libboost-graph-dev libcli11-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt NOTICE README.md ./
COPY include include
COPY parsers parsers
COPY analyzer analyzer
COPY docs docs
COPY data data
COPY scripts scripts
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DGRANTPATH_BUILD_TESTS=OFF -DGRANTPATH_BUILD_BENCH=OFF \
 && cmake --build /build -j"$(nproc)" \
 && cd /build && cpack -G DEB -B /pkg

FROM debian:12-slim
COPY --from=build /pkg/grantpath_*.deb /tmp/
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/grantpath_*.deb git ca-certificates \
 && rm -rf /var/lib/apt/lists/* /tmp/grantpath_*.deb \
 && grantpath --version
WORKDIR /src
ENTRYPOINT ["grantpath"]
CMD ["--help"]
