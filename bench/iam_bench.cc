// IAM engine benchmark: loads an account export once, then times concrete
// can-i evaluations (median of N over users and roles, random actions and
// resources) and any-context queries on the solver (median, p99 and max).
// Usage: grantpath_iam_bench FILE [QUERIES [SOLVER_QUERIES]]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "engine/aws_catalog.h"
#include "engine/iam_eval.h"
#include "engine/iam_smt.h"
#include "grantpath/file_reader.h"
#include "loader.h"

namespace {
double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}
// The smallest value at or above `q` of the values (nearest rank).
double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  std::size_t k = static_cast<std::size_t>(q * static_cast<double>(v.size()) + 0.999999);
  return v[std::min(v.size() - 1, k == 0 ? 0 : k - 1)];
}
}  // namespace

int main(int argc, char** argv) {
  using namespace grantpath;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [QUERIES [SOLVER_QUERIES]]\n", argv[0]);
    return 2;
  }
  int queries = argc > 2 ? std::atoi(argv[2]) : 1000;
  int solver_queries = argc > 3 ? std::atoi(argv[3]) : 100;
  Model model;
  CollectingSink sink;
  DiskReader reader;
  double t0 = Now();
  parsers::Load({argv[1]}, reader, parsers::LoadOptions{}, model, sink);
  double t1 = Now();
  iam::Account acct(model, nullptr);
  const auto& cat = aws::Catalog::Get();
  double t2 = Now();
  std::vector<std::size_t> callers;
  for (std::size_t i = 0; i < model.iam_principals.size(); ++i)
    if (model.iam_principals[i].type != iam::PrincipalType::kGroup) callers.push_back(i);
  std::mt19937 rng(1);
  std::vector<double> concrete, symbolic;
  int allowed = 0, conditional = 0;
  for (int q = 0; q < queries && !callers.empty(); ++q) {
    iam::Request req;
    req.caller = acct.CallerFor(callers[rng() % callers.size()]);
    req.action = cat.FullName(static_cast<std::uint32_t>(rng() % cat.actions().size()));
    req.resource = "arn:aws:s3:::bench-" + std::to_string(rng() % 100) + "/key";
    double a = Now();
    auto ev = iam::Evaluate(acct, req);
    concrete.push_back(Now() - a);
    allowed += ev.decision == iam::Decision::kAllow;
    if (q < solver_queries) {
      double b = Now();
      auto r = iam::smt::AllowedForSomeContext(acct, req, {2000});
      symbolic.push_back(Now() - b);
      conditional += r.sat == iam::smt::Sat::kSat;
    }
  }
  std::printf("load %.3f s, account index %.3f s (%zu principals, %zu policies, catalog %zu actions)\n", t1 - t0,
              t2 - t1, model.iam_principals.size(), model.iam_policies.size(), cat.actions().size());
  std::printf("can-i (concrete): median %.1f us over %zu queries (%d allowed)\n", Median(concrete) * 1e6,
              concrete.size(), allowed);
  std::printf("can-i --any-context (solver): median %.2f ms, p99 %.2f ms, max %.2f ms over %zu queries (%d allowed "
              "for some context)\n",
              Median(symbolic) * 1e3, Quantile(symbolic, 0.99) * 1e3, Quantile(symbolic, 1.0) * 1e3, symbolic.size(),
              conditional);
  return 0;
}
