// The IAM engine on real data: every AWS managed policy, Access Analyzer's
// own validation findings for 78 of them, the Cloudsplaining example account
// and the Quacky before/after policy pairs.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/aws_catalog.h"
#include "engine/context.h"
#include "engine/iam_smt.h"
#include "engine/rbac.h"
#include "grantpath/file_reader.h"
#include "loader.h"
#include "rules/registry.h"
#include "test_util.h"

namespace grantpath {
namespace {

namespace fs = std::filesystem;

struct Scanned {
  Model model;
  CollectingSink sink;
  std::vector<Finding> findings;
  // file stem -> rule ids with a finding there
  std::map<std::string, std::set<std::string>> by_file;
};

std::unique_ptr<Scanned> ScanIam(const std::string& path) {
  auto s = std::make_unique<Scanned>();
  DiskReader reader;
  parsers::Load({path}, reader, parsers::LoadOptions{}, s->model, s->sink);
  rbac::Engine engine(s->model);
  AnalysisContext ctx(s->model, engine, AnalysisOptions{});
  ctx.SetDiagnostics(&s->sink);
  FindingSink out;
  for (const auto& r : rules::AllRules())
    if (r->info().id.substr(0, 4) == "iam-") r->Check(ctx, out);
  s->findings = out.Take();
  for (const auto& f : s->findings)
    s->by_file[fs::path(s->model.files.display_path(f.primary.file)).stem().string()].insert(std::string(f.rule->id));
  return s;
}

TEST_CASE("AWS managed policies: all 1,388 load and are judged as expected", "[iam][corpora]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  auto s = ScanIam(corpora + "/aws-iam/mamip/policies");
  CHECK(s->model.iam_policies.size() == 1388);
  std::size_t undecided = 0;
  for (const auto& d : s->sink.diagnostics()) {
    INFO(d.message);
    CHECK(d.level != DiagLevel::kError);
    if (d.code == "undecided") {
      ++undecided;
      CHECK(d.where.known());
    }
  }
  // Undecided questions are reported with their reason (a resource ARN built
  // from a principal tag in one boundary policy): pinned, so that a change
  // shows up.
  CHECK(undecided == 2);
  auto& by = s->by_file;
  CHECK(by["AdministratorAccess"].count("iam-admin-equivalent") == 1);
  CHECK(by["ReadOnlyAccess"].count("iam-admin-equivalent") == 0);
  CHECK(by["ReadOnlyAccess"].count("iam-broad-permissions") == 0);
  CHECK(by["ReadOnlyAccess"].count("iam-privilege-escalation") == 0);
  CHECK(by["PowerUserAccess"].count("iam-admin-equivalent") == 0);
  CHECK(by["PowerUserAccess"].count("iam-broad-permissions") == 1);
  CHECK(by["IAMFullAccess"].count("iam-privilege-escalation") == 1);
  CHECK(by["AmazonS3ReadOnlyAccess"].count("iam-unrestricted-data-access") == 1);
  CHECK(by["AmazonS3ReadOnlyAccess"].count("iam-privilege-escalation") == 0);
  std::size_t admins = 0;
  for (const auto& [file, rules] : by) admins += rules.count("iam-admin-equivalent");
  CHECK(admins == 1);  // only AdministratorAccess
  for (const auto& f : s->findings) {
    REQUIRE(f.primary.known());
    CHECK_FALSE(f.witness.kind.empty());
  }
}

TEST_CASE("Access Analyzer's PassRole findings on managed policies are reproduced exactly", "[iam][corpora]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  fs::path aa = fs::path(corpora) / "aws-iam" / "mamip" / "access-analyzer-findings";
  std::set<std::pair<std::string, std::string>> theirs, ours;
  std::vector<std::string> invalid_theirs;
  std::set<std::string> unknown_ours;
  for (const auto& e : fs::directory_iterator(aa)) {
    if (e.path().extension() != ".json") continue;  // README.md, fails.txt
    std::string name = e.path().stem().string();
    auto j = nlohmann::json::parse(testing::ReadFile(e.path().string()));
    for (const auto& x : j) {
      std::string code = x["issueCode"];
      if (code.rfind("PASS_ROLE", 0) == 0) theirs.insert({name, code});
      if (code == "INVALID_ACTION") invalid_theirs.push_back(x["findingDetails"]);
    }
    auto s = ScanIam((fs::path(corpora) / "aws-iam" / "mamip" / "policies" / (name + ".json")).string());
    for (const auto& f : s->findings) {
      if (f.rule->id == "iam-passrole-star-resource")
        for (const auto& [k, v] : f.witness.fields)
          if (k == "issue_code") ours.insert({name, v});
      if (f.rule->id == "iam-unknown-action")
        for (const auto& [k, v] : f.witness.fields)
          if (k == "action") unknown_ours.insert(v);
    }
  }
  CHECK(theirs.size() == 9);
  CHECK(ours == theirs);
  // Each action Access Analyzer did not know is either in the newer
  // catalog (released since it ran) or reported by iam-unknown-action.
  std::regex action_re("The action ([A-Za-z0-9-]+:[A-Za-z0-9]+) does not exist");
  for (const auto& d : invalid_theirs) {
    std::smatch m;
    REQUIRE(std::regex_search(d, m, action_re));
    INFO(m[1].str());
    CHECK((aws::Catalog::Get().Find(m[1].str()).has_value() || unknown_ours.count(m[1].str()) == 1));
  }
}

TEST_CASE("Cloudsplaining's example account: escalation users found, false positives not", "[iam][corpora]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  auto s = ScanIam(corpora + "/aws-iam/cloudsplaining/examples/files/example.json");
  std::map<std::string, std::set<std::string>> by_entity;  // principal ARN -> rules
  for (const auto& f : s->findings) {
    std::string e = f.entity.substr(0, f.entity.find('>'));
    by_entity[e].insert(std::string(f.rule->id));
  }
  std::size_t privesc_users = 0;
  for (const auto& p : s->model.iam_principals) {
    if (p.type != iam::PrincipalType::kUser) continue;
    INFO(p.name);
    const auto& rules = by_entity[p.arn];
    // privesc1-CreateNewPolicyVersion-user ... privesc21-...: the method
    // each is named after.
    // privesc-AssumeRole-start-user holds sts:AssumeRole only: that is a
    // path (iam-assume-role-path) when an admin-equivalent role trusts it.
    if (p.name.rfind("privesc", 0) == 0 && p.name.find("-user") != std::string::npos &&
        p.name != "privesc-sre-user" && p.name != "privesc-AssumeRole-start-user") {
      ++privesc_users;
      CHECK(rules.count("iam-privilege-escalation") == 1);
    }
    // fp*: Cloudsplaining's false-positive cases (allow and deny together,
    // resource or condition constraints that cannot be exploited).
    if (p.name.rfind("fp", 0) == 0 && p.name != "fp2-allow-all-user") {
      CHECK(rules.count("iam-privilege-escalation") == 0);
      CHECK(rules.count("iam-admin-equivalent") == 0);
    }
    // fn*: false negatives of simpler tools (NotAction, condition and
    // resource constraints that can be exploited).
    if (p.name.rfind("fn", 0) == 0) CHECK(rules.count("iam-privilege-escalation") == 1);
  }
  CHECK(privesc_users >= 20);
  bool admin_role = false;
  for (const auto& f : s->findings)
    if (f.rule->id == "iam-admin-equivalent" && f.entity.find(":role/") != std::string::npos) admin_role = true;
  CHECK(admin_role);
}

TEST_CASE("Quacky's before/after policy pairs compare to a decided answer with witnesses", "[iam][corpora]") {
  std::string corpora = testing::CorporaDir();
  if (corpora.empty()) return;
  std::set<std::string> seen;  // the same pairs recur under several folders
  std::size_t pairs = 0;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(corpora) / "aws-iam" / "quacky")) {
    fs::path dir = e.path();
    if (!e.is_directory()) continue;
    fs::path a = dir / "initial.json", b = dir / "fixed.json";
    if (!fs::exists(a)) {
      a = dir / "policy1.json";
      b = dir / "policy2.json";
    }
    if (!fs::exists(a) || !fs::exists(b)) continue;
    std::string key = testing::ReadFile(a.string()) + "\n--\n" + testing::ReadFile(b.string());
    if (!seen.insert(key).second) continue;
    ++pairs;
    Model ma, mb;
    CollectingSink sa, sb;
    testing::LoadString(ma, sa, testing::ReadFile(a.string()), "a.json");
    testing::LoadString(mb, sb, testing::ReadFile(b.string()), "b.json");
    REQUIRE(ma.iam_policies.size() == 1);
    REQUIRE(mb.iam_policies.size() == 1);
    iam::PolicyRole role = ma.iam_policies[0].kind == iam::PolicyKind::kResource ||
                                   mb.iam_policies[0].kind == iam::PolicyKind::kResource
                               ? iam::PolicyRole::kResource
                               : iam::PolicyRole::kIdentity;
    INFO(dir.string());
    for (int dirn = 0; dirn < 2; ++dirn) {
      const auto& x = dirn == 0 ? mb.iam_policies[0].document : ma.iam_policies[0].document;
      const auto& y = dirn == 0 ? ma.iam_policies[0].document : mb.iam_policies[0].document;
      auto r = iam::smt::Difference(x, y, role);
      CHECK(r.sat != iam::smt::Sat::kUnknown);
      if (r.sat == iam::smt::Sat::kSat) {
        CHECK(iam::smt::DocumentDecision(x, role, r.witness) == iam::Decision::kAllow);
        CHECK(iam::smt::DocumentDecision(y, role, r.witness) == iam::Decision::kDeny);
      }
    }
  }
  CHECK(pairs >= 10);
}

}  // namespace
}  // namespace grantpath
