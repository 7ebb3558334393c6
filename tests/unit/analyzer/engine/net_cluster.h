// A model from YAML plus its network engine, with lookups by "ns/name",
// for the network engine's unit tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/net.h"
#include "test_util.h"

namespace grantpath::testing {

struct NetCluster {
  Model model;
  CollectingSink sink;
  std::unique_ptr<net::Engine> engine;
  explicit NetCluster(const std::string& yaml, net::EngineOptions options = {}) {
    LoadString(model, sink, yaml);
    engine = std::make_unique<net::Engine>(model, sink, options);
  }
  std::uint32_t Ep(const std::string& ns_name) const {
    auto slash = ns_name.find('/');
    int ep = engine->FindPod(ns_name.substr(0, slash), ns_name.substr(slash + 1));
    REQUIRE(ep >= 0);
    return static_cast<std::uint32_t>(ep);
  }
  // Allowed connections as netpol-analyzer prints them.
  std::string Conn(const std::string& from, const std::string& to) {
    return engine->conns().Get(engine->Allowed(Ep(from), Ep(to))).Format();
  }
  std::string FromIp(const std::string& ip, const std::string& to) {
    auto eps = engine->ExternalOverlapping(*net::ParseCidr(ip), true);
    REQUIRE(eps.size() == 1);
    return engine->conns().Get(engine->Allowed(eps[0], Ep(to))).Format();
  }
  std::string ToIp(const std::string& from, const std::string& ip) {
    auto eps = engine->ExternalOverlapping(*net::ParseCidr(ip), false);
    REQUIRE(eps.size() == 1);
    return engine->conns().Get(engine->Allowed(Ep(from), eps[0])).Format();
  }
  // The explanation of one direction, one reason per line.
  std::string Why(const std::string& from, const std::string& to, bool ingress) {
    std::vector<net::Reason> eg, in;
    engine->Allowed(Ep(from), Ep(to), &eg, &in);
    std::string out;
    for (const auto& r : ingress ? in : eg) out += r.Describe(model) + "\n";
    return out;
  }
  bool Has(const std::string& code) const {
    for (const auto& d : sink.diagnostics())
      if (d.code == code) return true;
    return false;
  }
};

}  // namespace grantpath::testing
