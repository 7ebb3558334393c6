// Docker Compose / Swarm semantics (docs/docker.md), one test per rule:
// the parser's reading of ports, names and networks, then reachability.
#include <catch2/catch.hpp>

#include "docker/compose.h"
#include "engine/compose_net.h"
#include "test_util.h"

namespace grantpath {
namespace {

struct Stack {
  Model model;
  CollectingSink sink;
  std::unique_ptr<compose::Engine> engine;
  explicit Stack(const std::string& text, const std::string& name = "proj/compose.yaml") {
    testing::LoadString(model, sink, text, name);
    engine = std::make_unique<compose::Engine>(model, sink);
  }
  std::uint32_t Ep(const std::string& s) const {
    if (s == "internet") return engine->external();
    if (s == "host") return engine->host();
    auto slash = s.find('/');
    int i = engine->Find(s.substr(0, slash), s.substr(slash + 1));
    INFO(s);
    REQUIRE(i >= 0);
    return static_cast<std::uint32_t>(i);
  }
  std::string Reach(const std::string& a, const std::string& b) const {
    auto p = engine->Allowed(Ep(a), Ep(b));
    return p.empty() ? "none" : p.Format();
  }
  bool Has(const std::string& code) const {
    for (const auto& d : sink.diagnostics())
      if (d.code == code) return true;
    return false;
  }
};

TEST_CASE("Compose: short port syntax in every documented form", "[compose]") {
  Stack s(R"(name: p
services:
  a:
    image: x
    ports:
      - "3000"
      - "3000-3005"
      - "8000:8000"
      - "9090-9091:8080-8081"
      - "127.0.0.1:8001:8001"
      - "127.0.0.1::5000"
      - "6060:6060/udp"
      - "[::1]:6001:6001"
      - 49100:22
)");
  REQUIRE(s.sink.diagnostics().empty());
  const auto& ports = s.model.docker_services.at(0).ports;
  REQUIRE(ports.size() == 9);
  CHECK(compose::FormatPublish(ports[0]) == "*->3000/tcp");  // bare: an ephemeral host port, every interface
  CHECK(compose::FormatPublish(ports[1]) == "*->3000-3005/tcp");
  CHECK(compose::FormatPublish(ports[2]) == "8000->8000/tcp");
  CHECK(compose::FormatPublish(ports[3]) == "9090-9091->8080-8081/tcp");
  CHECK(compose::FormatPublish(ports[4]) == "127.0.0.1:8001->8001/tcp");
  CHECK(compose::FormatPublish(ports[5]) == "127.0.0.1:*->5000/tcp");
  CHECK(compose::FormatPublish(ports[6]) == "6060->6060/udp");
  CHECK(compose::FormatPublish(ports[7]) == "[::1]:6001->6001/tcp");
  CHECK(compose::FormatPublish(ports[8]) == "49100->22/tcp");
}

TEST_CASE("Compose: long port syntax, mode and interpolation defaults", "[compose]") {
  Stack s(R"(name: p
services:
  a:
    image: x
    ports:
      - target: 80
        published: "8080"
        host_ip: 127.0.0.1
        protocol: udp
        mode: host
      - "${WEB_PORT:-8443}:443"
      - "${UNSET}:9000"
)");
  const auto& ports = s.model.docker_services.at(0).ports;
  REQUIRE(ports.size() == 3);
  CHECK(compose::FormatPublish(ports[0]) == "127.0.0.1:8080->80/udp");
  CHECK(ports[0].mode == "host");
  CHECK(compose::FormatPublish(ports[1]) == "8443->443/tcp");
  CHECK(compose::FormatPublish(ports[2]) == "*->9000/tcp");  // unknown host port: assumed published
  CHECK(s.Has("compose-unresolved"));
  // mode is read by Swarm: the file is a stack.
  CHECK(s.model.docker_projects.at(0).swarm);
}

TEST_CASE("Compose: invalid ports and network references are located errors", "[compose]") {
  Stack s(R"(name: p
services:
  a:
    image: x
    ports:
      - "70000:80"
      - "8080-8081:80-82"
      - target: 80
        mode: routed
    networks: [nosuch]
  b:
    image: x
    network_mode: host
    networks: [default]
  c:
    image: x
    network_mode: "service:ghost"
)");
  auto text = testing::Formatted(s.model, s.sink);
  std::string all;
  for (const auto& t : text) all += t + "\n";
  CHECK(all.find("compose.yaml:6:10: error: invalid port '70000:80'") != std::string::npos);
  CHECK(all.find("compose.yaml:7:10: error: port '8080-8081:80-82' maps a host range onto a container range of another size") != std::string::npos);
  CHECK(all.find("port mode must be 'ingress' or 'host'") != std::string::npos);
  CHECK(all.find("refers to undefined network 'nosuch'") != std::string::npos);
  CHECK(all.find("sets both network_mode and networks") != std::string::npos);
  CHECK(all.find("there is no service 'ghost'") != std::string::npos);
  CHECK(s.model.docker_services.at(0).ports.empty());
}

TEST_CASE("Compose: the project is named by name:, else by its folder, normalised", "[compose]") {
  Stack named("name: My_App\nservices:\n  a: {image: x}\n");
  CHECK(named.model.docker_projects.at(0).name == "my_app");
  Stack folder("services:\n  a: {image: x}\n", "Shop.Front/compose.yaml");
  CHECK(folder.model.docker_projects.at(0).name == "shopfront");
  CHECK(parsers::NormalizeProjectName("-Web App") == "webapp");
}

TEST_CASE("Compose: network names, the implicit default, externals and stacks", "[compose]") {
  Stack s(R"(name: shop
services:
  a: {image: x}
  b:
    image: x
    networks: [back, shared, fixed]
networks:
  back:
  shared:
    external: true
    name: corp-net
  fixed:
    name: microservices
)");
  std::map<std::string, std::string> names;
  for (const auto& n : s.model.docker_networks) names[n.key] = n.name;
  CHECK(names["default"] == "shop_default");  // a joins the implicit default
  CHECK(names["back"] == "shop_back");
  CHECK(names["shared"] == "corp-net");
  CHECK(names["fixed"] == "microservices");
  CHECK_FALSE(s.model.docker_projects.at(0).swarm);
  Stack stack(R"(name: st
services:
  a:
    image: x
    deploy: {replicas: 2}
)");
  REQUIRE(stack.model.docker_projects.at(0).swarm);
  CHECK(stack.model.docker_networks.at(0).driver == "overlay");  // docker stack deploy's default
  Stack resources("name: r\nservices:\n  a:\n    image: x\n    deploy: {resources: {limits: {memory: 1G}}}\n");
  CHECK_FALSE(resources.model.docker_projects.at(0).swarm);  // compose up honours resources too
}

TEST_CASE("Compose: services on one network reach each other on every port; expose does not filter", "[compose]") {
  Stack s(R"(name: p
services:
  web:
    image: x
    networks: [front]
  api:
    image: x
    networks: [front, back]
    expose: ["8080"]
  db:
    image: x
    networks: [back]
networks:
  front:
  back:
)");
  CHECK(s.Reach("p/web", "p/api") == "All Connections");
  CHECK(s.Reach("p/api", "p/db") == "All Connections");
  CHECK(s.Reach("p/web", "p/db") == "none");
  CHECK(s.Reach("p/db", "p/web") == "none");
}

TEST_CASE("Compose: enable_icc false stops traffic between containers of that network", "[compose]") {
  Stack s(R"(name: p
services:
  a: {image: x, networks: [iso]}
  b: {image: x, networks: [iso]}
networks:
  iso:
    driver_opts:
      com.docker.network.bridge.enable_icc: "false"
)");
  CHECK(s.Reach("p/a", "p/b") == "none");
}

TEST_CASE("Compose: external networks are shared by name across projects", "[compose]") {
  Stack s("name: one\nservices:\n  a: {image: x, networks: [shared]}\nnetworks:\n  shared: {external: true, name: corp}\n"
          "---\n"
          "name: two\nservices:\n  b: {image: x, networks: [mine]}\nnetworks:\n  mine: {name: corp}\n");
  CHECK(s.Reach("one/a", "two/b") == "All Connections");
}

TEST_CASE("Compose: published ports: every interface, loopback, and from other containers", "[compose]") {
  Stack s(R"(name: p
services:
  web:
    image: x
    ports: ["8080:80", "127.0.0.1:9090:9090"]
  other:
    image: x
    networks: [own]
networks:
  own:
)");
  CHECK(s.Reach("internet", "p/web") == "TCP 80");            // container ports in answers
  CHECK(s.Reach("host", "p/web") == "All Connections");       // the host routes to the bridge
  CHECK(s.Reach("p/other", "p/web") == "TCP 80");             // through the host's address, not loopback
  CHECK(s.Reach("internet", "p/other") == "none");
}

TEST_CASE("Compose: an internal network has no route out and publishes nothing", "[compose]") {
  Stack s(R"(name: p
services:
  db:
    image: x
    networks: [back]
    ports: ["5432:5432"]
  app:
    image: x
    networks: [back, front]
networks:
  back: {internal: true}
  front:
)");
  CHECK(s.Reach("p/db", "internet") == "none");
  CHECK(s.Reach("internet", "p/db") == "none");
  CHECK(s.Reach("p/app", "internet") == "All Connections");
  CHECK(s.Reach("p/app", "p/db") == "All Connections");
  std::vector<compose::Reason> why;
  s.engine->Allowed(s.Ep("internet"), s.Ep("p/db"), &why);
  REQUIRE_FALSE(why.empty());
  CHECK(why.front().text.find("internal networks only: Docker does not publish") != std::string::npos);
}

TEST_CASE("Compose: network_mode host, none and service:", "[compose]") {
  Stack s(R"(name: p
services:
  h: {image: x, network_mode: host}
  n: {image: x, network_mode: none}
  db: {image: x}
  side: {image: x, network_mode: "service:db"}
  app: {image: x}
)");
  CHECK(s.Reach("internet", "p/h") == "All Connections");  // nothing isolates it
  CHECK(s.Reach("p/app", "p/h") == "All Connections");
  CHECK(s.Reach("p/h", "p/app") == "All Connections");      // the host routes to local bridges
  CHECK(s.Reach("p/n", "internet") == "none");
  CHECK(s.Reach("p/app", "p/n") == "none");
  CHECK(s.Reach("p/side", "p/db") == "All Connections");    // one namespace
  CHECK(s.Reach("p/app", "p/side") == "All Connections");   // side is on db's networks
  CHECK(s.engine->NamespaceOwner(s.Ep("p/side")) == s.Ep("p/db"));
}

TEST_CASE("Compose: network_mode bridge joins the default bridge", "[compose]") {
  Stack s("name: p\nservices:\n  a: {image: x, network_mode: bridge}\n  b: {image: x, network_mode: bridge}\n  c: {image: x}\n");
  CHECK(s.Reach("p/a", "p/b") == "All Connections");
  CHECK(s.Reach("p/a", "p/c") == "none");
  CHECK(s.Reach("p/a", "internet") == "All Connections");
}

TEST_CASE("Compose: a stack's ingress ports are published by the routing mesh; explanations say so", "[compose]") {
  Stack s(R"(name: st
services:
  web:
    image: x
    deploy: {replicas: 2}
    ports:
      - "443:443"
      - {target: 9000, published: 9000, mode: host}
)");
  std::vector<compose::Reason> why;
  CHECK(s.engine->Allowed(s.Ep("internet"), s.Ep("st/web"), &why).Format() == "TCP 443,9000");
  REQUIRE(why.size() == 2);
  CHECK(why[0].text.find("routing mesh") != std::string::npos);
  CHECK(why[1].text.find("mode host") != std::string::npos);
  CHECK(why[0].where.begin.line == 7);
}

TEST_CASE("Compose: files are recognised by content, not by name", "[compose]") {
  Stack s("services:\n  a:\n    build: .\n", "deploy/stack-prod.yml");
  CHECK(s.model.docker_services.size() == 1);
  Stack helm("services:\n  enabled: true\n");
  CHECK(helm.model.docker_services.empty());
  Stack k8s("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {services: y}\n");
  CHECK(k8s.model.docker_services.empty());
}

}  // namespace
}  // namespace grantpath
