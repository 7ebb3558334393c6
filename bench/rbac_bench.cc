// RBAC engine benchmark: loads a cluster once, then times the engine build,
// the scan rules, and repeated who-can / can-i queries (median of N).
// Usage: grantpath_rbac_bench FILE [QUERIES]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/rbac.h"
#include "grantpath/file_reader.h"
#include "grantpath/process.h"
#include "k8s/bootstrap.h"
#include "loader.h"
#include "rules/registry.h"

namespace {
double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  using namespace grantpath;
  TuneMemoryAllocator();
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [QUERIES]\n", argv[0]);
    return 2;
  }
  int queries = argc > 2 ? std::atoi(argv[2]) : 50;
  Model model;
  CollectingSink sink;
  DiskReader reader;
  double t0 = Now();
  parsers::Load({argv[1]}, reader, parsers::LoadOptions{}, model, sink);
  parsers::AddK8sBootstrap(model, sink);
  double t1 = Now();
  rbac::Engine engine(model);
  AnalysisContext ctx(model, engine, AnalysisOptions{});
  double t2 = Now();
  FindingSink out;
  for (const auto& r : rules::AllRules()) r->Check(ctx, out);
  double t3 = Now();
  std::printf("objects: %zu roles, %zu bindings, %zu service accounts, %zu workloads\n",
              model.k8s_roles.size(), model.k8s_bindings.size(), model.k8s_service_accounts.size(),
              model.k8s_workloads.size());
  std::printf("load %.3f s, engine %.3f s, all rules %.3f s (%zu findings)\n", t1 - t0, t2 - t1,
              t3 - t2, out.findings().size());
  std::vector<double> who, can;
  for (int i = 0; i < queries; ++i) {
    rbac::Request req;
    req.verb = "get";
    req.resource = "secrets";
    req.ns = "team-" + std::to_string(100 + i % 100).substr(0, 3);
    double a = Now();
    auto subjects = engine.WhoCan(req, false, false);
    double b = Now();
    auto d = engine.Authorize(rbac::UserInfoFor({"ServiceAccount", req.ns, "sa-" + std::to_string(i)}), req);
    double c = Now();
    who.push_back(b - a);
    can.push_back(c - b);
    if (i == 0) std::printf("who-can get secrets -n %s: %zu subjects\n", req.ns.c_str(), subjects.size());
    (void)d;
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::printf("who-can median %.2f ms, can-i median %.3f ms (%d queries each), peak RSS %.0f MB\n",
              Median(who) * 1e3, Median(can) * 1e3, queries, ru.ru_maxrss / 1024.0);
  return 0;
}
