// The iam-* rules: findings of the AWS IAM engine (engine/iam_eval.h,
// engine/iam_smt.h, engine/iam_analysis.h). Every finding carries a
// request that the concrete evaluator allows (with the context it needs),
// and the location of each statement that allows it. Each rule's page is
// docs/rules/<id>.md.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <unordered_map>

#include "engine/aws_catalog.h"
#include "engine/context.h"
#include "engine/graph_publish.h"
#include "engine/iam_analysis.h"
#include "engine/iam_match.h"
#include "engine/iam_smt.h"
#include "rules/iam/iam_every_resource.h"
#include "rules/iam/iam_findings.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

using iam::Grant;
using iam::Subject;


void AddStatements(const Model& m, const Grant& g, Finding& f) {
  AddStatementLocations(m, g.statements, g.request.action, f);
}

void SetWitness(const Grant& g, Finding& f) {
  f.witness.kind = "iam-request";
  iam::GrantWitness(g, &f.witness.fields);
}

Finding Base(const RuleInfo& info, const Subject& s) {
  Finding f;
  f.rule = &info;
  f.severity = info.severity;
  f.primary = s.where;
  f.entity = s.entity;
  return f;
}

bool IsStar(const iam::Statement& st) {
  if (!st.has_resource || st.not_resource) return false;
  for (const auto& r : st.resources)
    if (r.value == "*") return true;
  return false;
}

std::string ConditionNote(const Grant& g) { return g.conditional ? " (under conditions: see the witness context)" : ""; }

// ----------------------------------------------------- admin-equivalent

constexpr RuleInfo kAdmin{
    "iam-admin-equivalent", "Admin-equivalent AWS principal", Severity::kCritical,
    "The principal (or a holder of the policy) is allowed every action on every resource, however it is "
    "spelled: Action \"*\", NotAction, service wildcards, or several policies together, after explicit denies "
    "and the permissions boundary. Anyone who controls it controls the account.",
    "Grant only the actions the workload needs (generate a policy from access activity), keep administrator "
    "access for a few break-glass roles that require MFA, and put a permissions boundary on delegated admins."};

void AdminEquivalent(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  auto& a = ctx.Iam();
  const auto& admins = a.Admins();
  for (std::size_t i = 0; i < a.subjects().size(); ++i) {
    if (!admins[i]) continue;
    const Subject& s = a.subjects()[i];
    auto g = a.Confirm(s, "iam:AttachRolePolicy", {"arn:aws:iam::" + a.AccountOf(s) + ":role/grantpath-example"});
    if (!g) continue;
    Finding f = Base(info, s);
    f.message = s.display + " is allowed every action on every resource" +
                (s.open_world ? ", including actions AWS has not released yet" : "") + ConditionNote(*g);
    AddStatements(ctx.model(), *g, f);
    SetWitness(*g, f);
    SetStatementGroup(ctx.model(), g->statements, s.display, "", f);
    out.Add(std::move(f));
  }
}

// ----------------------------------------------------- privilege escalation

struct Method {
  const char* name;
  std::vector<const char*> actions;
  const char* how;
};

// The single-principal escalation methods of Rhino Security Labs'
// research, as Cloudsplaining and PMapper check them.
const std::vector<Method>& Methods() {
  static const std::vector<Method> kMethods = {
      {"CreateNewPolicyVersion", {"iam:CreatePolicyVersion"}, "write a new default version of a policy it holds"},
      {"SetExistingDefaultPolicyVersion", {"iam:SetDefaultPolicyVersion"}, "make an older, wider policy version the default"},
      {"CreateAccessKey", {"iam:CreateAccessKey"}, "create access keys for another user"},
      {"CreateLoginProfile", {"iam:CreateLoginProfile"}, "set a console password for another user"},
      {"UpdateLoginProfile", {"iam:UpdateLoginProfile"}, "change another user's console password"},
      {"AttachUserPolicy", {"iam:AttachUserPolicy"}, "attach AdministratorAccess to a user"},
      {"AttachGroupPolicy", {"iam:AttachGroupPolicy"}, "attach AdministratorAccess to a group"},
      {"AttachRolePolicy", {"iam:AttachRolePolicy"}, "attach AdministratorAccess to a role"},
      {"PutUserPolicy", {"iam:PutUserPolicy"}, "write an inline admin policy on a user"},
      {"PutGroupPolicy", {"iam:PutGroupPolicy"}, "write an inline admin policy on a group"},
      {"PutRolePolicy", {"iam:PutRolePolicy"}, "write an inline admin policy on a role"},
      {"AddUserToGroup", {"iam:AddUserToGroup"}, "join a more privileged group"},
      {"UpdateRolePolicyToAssumeIt", {"iam:UpdateAssumeRolePolicy", "sts:AssumeRole"}, "rewrite a role's trust policy, then assume it"},
      {"PassExistingRoleToNewEC2", {"iam:PassRole", "ec2:RunInstances"}, "launch an instance with a privileged role"},
      {"PassExistingRoleToNewLambdaThenInvoke", {"iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"}, "run code as a privileged role in Lambda"},
      {"PassExistingRoleToNewLambdaThenTriggerWithDynamoDB", {"iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"}, "run code as a privileged role in Lambda"},
      {"EditExistingLambdaFunctionWithRole", {"lambda:UpdateFunctionCode"}, "replace the code of a function that runs as a role"},
      {"PassExistingRoleToNewGlueDevEndpoint", {"iam:PassRole", "glue:CreateDevEndpoint"}, "open a Glue endpoint with a privileged role"},
      {"UpdateExistingGlueDevEndpoint", {"glue:UpdateDevEndpoint"}, "add an SSH key to a Glue endpoint that has a role"},
      {"PassExistingRoleToCloudFormation", {"iam:PassRole", "cloudformation:CreateStack"}, "create a stack that acts as a privileged role"},
      {"PassExistingRoleToNewDataPipeline", {"iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"}, "run commands as a privileged role in Data Pipeline"},
      {"PassExistingRoleToNewCodeBuildProject", {"iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"}, "run a build as a privileged role"},
      {"PassExistingRoleToNewSageMakerNotebook", {"iam:PassRole", "sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"}, "open a notebook with a privileged role"},
      {"PassExistingRoleToNewECSTask", {"iam:PassRole", "ecs:RunTask"}, "run a task with a privileged role"},
      {"PassExistingRoleToNewSageMakerProcessingJob", {"iam:PassRole", "sagemaker:CreateProcessingJob"}, "run a processing job as a privileged role"},
      {"PassExistingRoleToNewSageMakerTrainingJob", {"iam:PassRole", "sagemaker:CreateTrainingJob"}, "run a training job as a privileged role"},
      {"AccessExistingSageMakerNotebook", {"sagemaker:CreatePresignedNotebookInstanceUrl"}, "open a notebook that runs as its role"},
      {"UpdateExistingCloudFormationStack", {"cloudformation:UpdateStack"}, "change a stack that acts as its service role"},
      {"RunCommandOnInstanceViaSSM", {"ssm:SendCommand"}, "run commands on instances, with their roles"},
      {"StartSessionOnInstanceViaSSM", {"ssm:StartSession"}, "open a shell on instances, with their roles"},
      {"PushSSHKeyViaEC2InstanceConnect", {"ec2-instance-connect:SendSSHPublicKey"}, "log in to instances, with their roles"},
      {"DeleteOrChangeUserBoundary", {"iam:DeleteUserPermissionsBoundary"}, "remove the permissions boundary that limits a user"},
      {"DeleteOrChangeRoleBoundary", {"iam:DeleteRolePermissionsBoundary"}, "remove the permissions boundary that limits a role"},
      {"PutUserPermissionsBoundary", {"iam:PutUserPermissionsBoundary"}, "replace a user's permissions boundary with a wider one"},
      {"PutRolePermissionsBoundary", {"iam:PutRolePermissionsBoundary"}, "replace a role's permissions boundary with a wider one"},
  };
  return kMethods;
}

// A concrete resource for an action, to try first: someone else's user or
// role, a policy, a function...
std::vector<std::string> HintResources(const std::string& action, const std::string& acct, const std::string& self) {
  std::string a = iam::ToLower(action);
  std::string iam = "arn:aws:iam::" + acct + ":";
  bool credential = a == "iam:createaccesskey" || a == "iam:createloginprofile" || a == "iam:updateloginprofile";
  std::vector<std::string> out;
  if (a.find("user") != std::string::npos || credential) out.push_back(iam + "user/grantpath-other-user");
  else if (a.find("group") != std::string::npos) out.push_back(iam + "group/grantpath-example");
  else if (a.find("role") != std::string::npos || a == "sts:assumerole" || a == "iam:passrole" || a == "iam:updateassumerolepolicy")
    out.push_back(iam + "role/grantpath-example");
  else if (a.find("policyversion") != std::string::npos) out.push_back(iam + "policy/grantpath-example");
  else if (a.rfind("lambda:", 0) == 0) out.push_back("arn:aws:lambda:us-east-1:" + acct + ":function:grantpath-example");
  if (!credential && !self.empty() && a.find("user") != std::string::npos) out.push_back(self);
  return out;
}

bool IsCredentialAction(const std::string& a) {
  std::string l = iam::ToLower(a);
  return l == "iam:createaccesskey" || l == "iam:createloginprofile" || l == "iam:updateloginprofile";
}

void PrivilegeEscalation(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  auto& a = ctx.Iam();
  const auto& cat = aws::Catalog::Get();
  const auto& admins = a.Admins();
  for (std::size_t i = 0; i < a.subjects().size(); ++i) {
    if (admins[i]) continue;
    const Subject& s = a.subjects()[i];
    std::string self = s.kind == Subject::Kind::kPrincipal ? ctx.model().iam_principals[s.index].arn : "";
    for (const Method& m : Methods()) {
      bool candidate = true;
      for (const char* act : m.actions) {
        auto idx = cat.Find(act);
        if (!idx || !s.any.Test(*idx)) candidate = false;
      }
      if (!candidate) continue;
      std::vector<Grant> grants;
      for (const char* act : m.actions) {
        auto g = a.Confirm(s, act, HintResources(act, a.AccountOf(s), self));
        // Credentials of the principal itself are not an escalation.
        if (g && IsCredentialAction(act) && (g->request.resource == self || g->request.resource == "*")) g.reset();
        if (!g) break;
        grants.push_back(std::move(*g));
      }
      if (grants.size() != m.actions.size()) continue;
      Finding f = Base(info, s);
      std::string acts;
      for (const char* act : m.actions) acts += (acts.empty() ? "" : " + ") + std::string(act);
      f.message = s.display + " can escalate privileges (" + m.name + "): " + acts + " lets it " + m.how;
      for (const auto& g : grants) AddStatements(ctx.model(), g, f);
      SetWitness(grants.front(), f);
      f.witness.Add("method", m.name);
      for (std::size_t k = 1; k < grants.size(); ++k)
        f.witness.Add("also", grants[k].request.action + " on " + grants[k].request.resource);
      f.entity += ">" + std::string(m.name);
      std::vector<iam::StatementRef> used;
      for (const auto& g : grants) used.insert(used.end(), g.statements.begin(), g.statements.end());
      SetStatementGroup(ctx.model(), used, s.display, m.name, f);
      out.Add(std::move(f));
    }
  }
}

// ----------------------------------------------------- assume-role paths

constexpr RuleInfo kAssumePath{
    "iam-assume-role-path", "Role assumption path to an admin-equivalent role", Severity::kHigh,
    "The principal is not admin-equivalent itself, but it may assume a role (identity policy AND trust policy "
    "both allow sts:AssumeRole) that may assume another, and so on, up to an admin-equivalent role. The path "
    "shown is a shortest one, each hop with its statements.",
    "Remove the sts:AssumeRole permission or narrow the trust policy of the first role on the path, or add "
    "conditions (MFA, source identity, external id) that the principal cannot meet."};

void AssumeRolePath(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  auto& a = ctx.Iam();
  const auto& admins = a.Admins();
  // The IAM analysis publishes each principal's first hop toward an admin
  // (AdminPaths, identity AND trust confirmed) as a can-assume edge of the
  // access graph; the chain is found there, by the shared path module,
  // over those hops and the admins' holds edges only (the graph's other
  // can-assume edges, toward aws-auth mapped roles, are not hops toward an
  // admin). The grant of each hop gives the statements shown.
  const auto& hops = a.AdminPaths();
  const auto& prs = ctx.model().iam_principals;
  const AccessGraph& g = ctx.Access();
  auto admin = g.Find(kAwsAdminNode);
  if (!admin) return;
  std::unordered_map<std::string, std::size_t> index;  // ARN -> principal
  for (std::size_t p = 0; p < prs.size(); ++p) index.emplace(prs[p].arn, p);
  auto principal = [&](AccessGraph::Id v) -> std::optional<std::size_t> {
    if (g.node(v).kind != AccessNodeKind::kAwsPrincipal) return std::nullopt;
    auto it = index.find(g.node(v).id);
    if (it == index.end()) return std::nullopt;
    return it->second;
  };
  auto hop_edges = [&](std::size_t e) {
    auto from = principal(g.edge_source(e));
    if (!from) return false;
    // Only the admins' own holds edges: a principal that can make itself
    // admin (a holds edge too) is no admin-equivalent end of a chain.
    if (g.edge(e).kind == AccessEdgeKind::kHolds) return g.edge_target(e) == *admin && admins[*from];
    if (g.edge(e).kind != AccessEdgeKind::kCanAssume) return false;
    auto to = principal(g.edge_target(e));
    return to && hops[*from].distance > 0 && hops[*from].next == *to;
  };
  const auto toward = ShortestToward(g, *admin, hop_edges);
  for (std::size_t p = 0; p < prs.size(); ++p) {
    if (prs[p].type == iam::PrincipalType::kGroup || admins[p]) continue;
    auto v = g.Find(prs[p].arn);
    if (!v || !toward[*v]) continue;
    std::vector<std::size_t> chain{p};
    for (AccessGraph::Id at = *v; toward[at];) {
      std::size_t e = *toward[at];
      if (g.edge(e).kind == AccessEdgeKind::kHolds) break;
      at = g.edge_target(e);
      chain.push_back(*principal(at));
    }
    if (chain.size() < 2) continue;
    std::size_t target = chain.back();
    Finding f = Base(info, a.subjects()[p]);
    std::string names;
    for (std::size_t k = 0; k < chain.size(); ++k) names += (k ? " -> " : "") + prs[chain[k]].name;
    f.message = a.subjects()[p].display + " can reach admin-equivalent role '" + prs[target].name + "' in " +
                std::to_string(chain.size() - 1) + " role assumption(s): " + names;
    for (std::size_t k = 1; k < chain.size(); ++k) {
      const Grant& grant = hops[chain[k - 1]].grant;
      f.path.push_back({prs[chain[k - 1]].where, prs[chain[k - 1]].name + " assumes role '" + prs[chain[k]].name + "'"});
      AddStatements(ctx.model(), grant, f);
      if (auto tp = prs[chain[k]].trust_policy)
        f.related.push_back({ctx.model().iam_policies[*tp].where, "trust policy of '" + prs[chain[k]].name + "' names '" + prs[chain[k - 1]].name + "'"});
    }
    f.path.push_back({prs[target].where, "'" + prs[target].name + "' is admin-equivalent"});
    f.witness.kind = "iam-path";
    f.witness.Add("principal", prs[p].arn);
    f.witness.Add("target", prs[target].arn);
    f.witness.Add("path", names);
    f.witness.Add("first_request", hops[p].grant.request.action + " on " + hops[p].grant.request.resource);
    out.Add(std::move(f));
  }
}

// ----------------------------------------------------- public / cross-account

struct ResourceSide {
  std::size_t policy;
  std::string owner;   // account, "" when unknown
  std::string what;    // "trust policy of role 'x'", "resource policy 'b.json'"
  iam::PolicyRole role;
  std::string role_arn;  // trust policies: the role they guard
};

std::vector<ResourceSide> ResourceSides(const Model& m) {
  std::vector<ResourceSide> out;
  for (const auto& pr : m.iam_principals)
    if (pr.type == iam::PrincipalType::kRole && pr.trust_policy)
      out.push_back({*pr.trust_policy, iam::ArnAccount(pr.arn), "trust policy of role '" + pr.name + "'",
                     iam::PolicyRole::kTrust, pr.arn});
  for (std::size_t i = 0; i < m.iam_policies.size(); ++i) {
    const auto& p = m.iam_policies[i];
    if (p.kind != iam::PolicyKind::kResource) continue;
    std::string owner;
    for (const auto& st : p.document.statements)
      for (const auto& r : st.resources)
        if (auto acct = iam::ArnAccount(r.value); iam::IsAccountId(acct)) owner = acct;
    out.push_back({i, owner, "resource policy '" + p.name + "'", iam::PolicyRole::kResource, ""});
  }
  return out;
}

std::string RequestText(const iam::Request& r) {
  std::string ctx;
  for (const auto& [k, v] : r.context)
    for (const auto& x : v) ctx += (ctx.empty() ? "" : ", ") + k + "=" + x;
  return r.caller.Display() + " may " + r.action + " on " + r.resource + (ctx.empty() ? "" : " with " + ctx);
}

constexpr RuleInfo kPublic{
    "iam-public-access", "Resource or trust policy grants public access", Severity::kCritical,
    "A resource-based policy (S3 bucket, SQS queue, SNS topic, KMS key, ECR repository, Lambda function, "
    "Secrets Manager secret...) or a role trust policy allows an anonymous caller or any AWS account: its "
    "Principal is \"*\" (or NotPrincipal) and no condition ties the caller to an organization, account, VPC, "
    "VPC endpoint or network (aws:PrincipalOrgID, aws:SourceAccount, aws:SourceVpce, aws:SourceIp...). "
    "Access Analyzer reports the same as an active public finding.",
    "Name the principals that need access, or add an aws:PrincipalOrgID / aws:SourceAccount / aws:SourceVpce "
    "condition; for buckets, enable S3 Block Public Access."};

void PublicAccess(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  const Model& m = ctx.model();
  for (const auto& side : ResourceSides(m)) {
    const auto& pol = m.iam_policies[side.policy];
    bool star = false;
    for (const auto& st : pol.document.statements)
      if (st.allow && (st.not_principal || std::any_of(st.principals.begin(), st.principals.end(), [](const iam::PrincipalEntry& e) {
                         return e.type == "*" || std::any_of(e.values.begin(), e.values.end(), [](const auto& v) { return v.value == "*"; });
                       })))
        star = true;
    if (!star) continue;
    auto turn = ctx.Iam().SolverTurn(side.what + ": whether it allows public access", pol.where);
    if (!turn) continue;
    auto start = std::chrono::steady_clock::now();
    auto r = iam::smt::PublicAccess(pol.document, side.owner, *turn, side.role);
    ctx.Iam().SolverSpent(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    if (r.sat != iam::smt::Sat::kSat) continue;
    if (side.role == iam::PolicyRole::kTrust) r.witness.resource = side.role_arn;
    Finding f;
    f.rule = &info;
    f.severity = info.severity;
    f.entity = side.what;
    // The allowing statement is the primary location.
    f.primary = pol.where;
    for (std::size_t si = 0; si < pol.document.statements.size(); ++si) {
      const auto& st = pol.document.statements[si];
      if (st.allow && iam::MatchStatement(st, iam::VariablesEnabled(pol.document), side.role, r.witness, nullptr) == iam::Tri::kTrue) {
        if (f.related.empty()) f.primary = st.where;
        f.related.push_back({st.where, "statement " + std::to_string(si) + " allows " + r.witness.action});
      }
    }
    f.message = side.what + " allows access from outside: " + RequestText(r.witness);
    f.witness.kind = "iam-request";
    Grant g;
    g.request = r.witness;
    iam::GrantWitness(g, &f.witness.fields);
    out.Add(std::move(f));
  }
}

constexpr RuleInfo kCrossAccount{
    "iam-cross-account-trust", "Trust or resource policy grants another AWS account", Severity::kMedium,
    "A role trust policy or resource policy names a principal of another account (its root, a user or a "
    "role). Whoever controls that account's identity policies decides who may use this access.",
    "Confirm the other account is trusted; name specific roles rather than the account root, and add "
    "sts:ExternalId or aws:PrincipalOrgID conditions."};

void CrossAccount(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  const Model& m = ctx.model();
  for (const auto& side : ResourceSides(m)) {
    if (side.owner.empty()) continue;
    const auto& pol = m.iam_policies[side.policy];
    std::set<std::string> reported;
    for (const auto& st : pol.document.statements) {
      if (!st.allow || st.not_principal) continue;
      for (const auto& e : st.principals) {
        if (e.type != "AWS") continue;
        for (const auto& v : e.values) {
          std::string acct = iam::IsAccountId(v.value) ? v.value : iam::ArnAccount(v.value);
          if (!iam::IsAccountId(acct) || acct == side.owner || !reported.insert(v.value).second) continue;
          iam::Request req;
          req.caller = ctx.Iam().account().CallerFromString(v.value);
          req.action = st.not_action || st.actions.empty() ? "sts:AssumeRole" : st.actions.front().value;
          if (iam::HasWildcard(req.action)) {
            auto ms = aws::Catalog::Get().Match(req.action);
            if (!ms.empty()) req.action = aws::Catalog::Get().FullName(ms.front());
          }
          if (side.role == iam::PolicyRole::kTrust) req.resource = side.role_arn;
          else if (st.has_resource && !st.resources.empty())
            req.resource = iam::ExampleResource(st.resources.front().value, side.owner);
          else req.resource = "*";
          Finding f;
          f.rule = &info;
          f.severity = info.severity;
          f.primary = v.where.known() ? v.where : st.where;
          f.entity = side.what + ">" + v.value;
          f.message = side.what + " grants account " + acct + " (" + v.value + ")" +
                      (st.conditions.empty() ? "" : " under conditions");
          f.related.push_back({st.where, "statement naming it"});
          f.witness.kind = "iam-request";
          f.witness.Add("principal", v.value);
          f.witness.Add("action", req.action);
          f.witness.Add("resource", req.resource);
          out.Add(std::move(f));
        }
      }
    }
  }
}

// ----------------------------------------------------- OIDC without subject

constexpr RuleInfo kOidc{
    "iam-oidc-trust-without-subject", "OIDC trust policy without a subject condition", Severity::kHigh,
    "A role trusts a web identity provider (GitHub Actions, EKS IRSA, other OIDC issuers) for "
    "sts:AssumeRoleWithWebIdentity without restricting the token's subject (<issuer>:sub): any repository "
    "of any GitHub organization, or any service account of the cluster, can assume the role.",
    "Add a StringEquals (or a StringLike without a leading wildcard) condition on <issuer>:sub naming the "
    "repository and branch or environment (repo:ORG/REPO:ref:refs/heads/main), or the namespace and "
    "service account (system:serviceaccount:NS:NAME); keep the :aud condition as well."};

// True when a subject value pins an owner: GitHub "repo:ORG/..." with a
// literal ORG, EKS "system:serviceaccount:NS:..." with a literal NS, or any
// other value that does not start with a wildcard.
bool PinsSubject(const std::string& v) {
  if (v.empty() || v[0] == '*' || v[0] == '?') return false;
  if (v.rfind("repo:", 0) == 0) {
    std::string rest = v.substr(5);
    std::size_t slash = rest.find('/');
    return slash != std::string::npos && slash > 0 && !iam::HasWildcard(rest.substr(0, slash));
  }
  if (v.rfind("system:serviceaccount:", 0) == 0) {
    std::string rest = v.substr(22);
    std::size_t colon = rest.find(':');
    return colon != std::string::npos && colon > 0 && !iam::HasWildcard(rest.substr(0, colon));
  }
  return true;
}

void OidcWithoutSubject(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  const Model& m = ctx.model();
  for (const auto& pr : m.iam_principals) {
    if (!pr.trust_policy) continue;
    const auto& pol = m.iam_policies[*pr.trust_policy];
    for (const auto& st : pol.document.statements) {
      if (!st.allow || !iam::ActionMatches(st, "sts:AssumeRoleWithWebIdentity")) continue;
      for (const auto& e : st.principals) {
        if (e.type != "Federated") continue;
        for (const auto& v : e.values) {
          // The issuer: "arn:aws:iam::ACCT:oidc-provider/ISSUER" or a bare
          // host such as "accounts.google.com".
          std::string issuer = v.value;
          if (std::size_t k = issuer.find("oidc-provider/"); k != std::string::npos) issuer = issuer.substr(k + 14);
          else if (issuer.find(":saml-provider/") != std::string::npos) continue;
          // EKS issuers: iam-irsa-trust-any-serviceaccount reports them with
          // their Kubernetes meaning (the cluster, or one namespace).
          if (issuer.find("oidc.eks.") != std::string::npos) continue;
          std::string sub_key = iam::ToLower(issuer + ":sub");
          bool pinned = false;
          for (const auto& c : st.conditions) {
            if (iam::ToLower(c.key.value) != sub_key) continue;
            auto op = iam::ParseOperator(c.op.value);
            if (!op || op->negated || op->family != iam::OpFamily::kString || op->if_exists) continue;
            if (op->set == iam::SetQualifier::kForAllValues) continue;  // vacuous when absent
            bool all = !c.values.empty();
            for (const auto& val : c.values) all = all && PinsSubject(val.value);
            pinned = pinned || all;
          }
          if (pinned) continue;
          Finding f;
          f.rule = &info;
          f.severity = info.severity;
          f.primary = st.where;
          f.entity = pr.arn + ">" + issuer;
          f.message = "role '" + pr.name + "' trusts OIDC issuer " + issuer + " without a condition on " +
                      issuer + ":sub that names an owner: any token subject of that issuer can assume it";
          f.related.push_back({v.where, "federated principal"});
          f.related.push_back({pr.where, "role"});
          f.witness.kind = "iam-request";
          f.witness.Add("principal", "federated " + v.value);
          f.witness.Add("action", "sts:AssumeRoleWithWebIdentity");
          f.witness.Add("resource", pr.arn);
          f.witness.Add("context", sub_key + "=" + (issuer.find("githubusercontent") != std::string::npos
                                                         ? "repo:attacker-org/any-repo:ref:refs/heads/main"
                                                         : "system:serviceaccount:any-namespace:any-account"));
          out.Add(std::move(f));
        }
      }
    }
  }
}

// ----------------------------------------------------- unrestricted data access

constexpr RuleInfo kData{
    "iam-unrestricted-data-access", "Unrestricted data access", Severity::kHigh,
    "The principal (or a holder of the policy) may read data on every resource of its kind: s3:GetObject on "
    "every bucket, secretsmanager:GetSecretValue on every secret, ssm:GetParameter(s) on every parameter, "
    "kms:Decrypt with every key. A leaked credential then exposes all of it (Cloudsplaining's data "
    "exfiltration check).",
    "Scope the Resource to the buckets, secrets, parameters and keys the workload uses, or add resource tag "
    "conditions."};

void DataAccess(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  static const std::vector<ActionProbe> kData = {
      {"s3:GetObject", "arn:aws:s3:::grantpath-any-bucket/any-key"},
      {"secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:{acct}:secret:grantpath-any-secret"},
      {"ssm:GetParameter", "arn:aws:ssm:us-east-1:{acct}:parameter/grantpath-any"},
      {"ssm:GetParameters", "arn:aws:ssm:us-east-1:{acct}:parameter/grantpath-any"},
      {"ssm:GetParametersByPath", "arn:aws:ssm:us-east-1:{acct}:parameter/grantpath-any"},
      {"kms:Decrypt", "arn:aws:kms:us-east-1:{acct}:key/grantpath-any-key"},
  };
  EveryResourceFindings(info, ctx, out, kData, /*unconditioned=*/false, "read data");
}

// ----------------------------------------------------- broad permissions

constexpr RuleInfo kBroad{
    "iam-broad-permissions", "Write access to most AWS services", Severity::kMedium,
    "Not admin-equivalent, but the principal (or a holder of the policy) may perform write or permissions-"
    "management actions on every resource in at least half of all AWS services (PowerUserAccess is the "
    "typical case), often through NotAction, which also grants every service AWS adds later.",
    "Replace the broad grant with the services the workload uses; avoid Allow with NotAction."};

void BroadPermissions(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  auto& a = ctx.Iam();
  const auto& admins = a.Admins();
  const auto& cat = aws::Catalog::Get();
  for (std::size_t i = 0; i < a.subjects().size(); ++i) {
    if (admins[i]) continue;
    const Subject& s = a.subjects()[i];
    std::size_t with_write = 0, services = 0;
    std::optional<std::uint32_t> sample;
    for (const auto& svc : cat.services()) {
      bool has_write = false, granted = false;
      for (std::uint32_t k = svc.first; k < svc.last; ++k) {
        auto lvl = cat.actions()[k].level;
        if (lvl != aws::AccessLevel::kWrite && lvl != aws::AccessLevel::kPermissions) continue;
        has_write = true;
        if (s.star.Test(k)) {
          granted = true;
          if (!sample || iam::ToLower(svc.prefix) == "ec2") sample = k;
        }
      }
      if (!has_write) continue;
      ++services;
      if (granted) ++with_write;
    }
    if (services == 0 || with_write * 2 < services || !sample) continue;
    auto g = a.Confirm(s, cat.FullName(*sample), {});
    if (!g) continue;
    Finding f = Base(info, s);
    f.message = s.display + " may write to " + std::to_string(with_write) + " of " + std::to_string(services) +
                " AWS services on every resource" + (s.open_world ? ", and to services AWS adds later (NotAction)" : "");
    AddStatements(ctx.model(), *g, f);
    SetWitness(*g, f);
    SetStatementGroup(ctx.model(), g->statements, s.display,
                      std::to_string(with_write) + " of " + std::to_string(services) + (s.open_world ? "+" : ""), f);
    out.Add(std::move(f));
  }
}

// ----------------------------------------------------- validation

// A policy validation finding: located at the entry, with its statement.
Finding ValidationFinding(const RuleInfo& info, const iam::Policy& p, const iam::Statement& st,
                          const SourceRange& at, const std::string& key, std::string message) {
  Finding f;
  f.rule = &info;
  f.severity = info.severity;
  f.primary = at;
  f.entity = (p.arn.empty() ? p.name : p.arn) + ">" + key;
  f.message = std::move(message);
  f.related.push_back({st.where, "statement"});
  return f;
}

// The account a policy belongs to, for example ARNs ("123456789012" when
// the input does not say).
std::string PolicyAccount(const iam::Policy& p) {
  for (const std::string& arn : {p.owner_arn, p.arn})
    if (auto a = iam::ArnAccount(arn); iam::IsAccountId(a)) return a;
  return "123456789012";
}

constexpr RuleInfo kPassRoleStar{
    "iam-passrole-star-resource", "iam:PassRole on every role", Severity::kMedium,
    "An Allow statement grants iam:PassRole (directly or by wildcard) with Resource \"*\": the holder can hand "
    "any role of the account, including administrator roles, to a service it controls. IAM Access Analyzer "
    "policy validation issue codes PASS_ROLE_WITH_STAR_IN_RESOURCE and (for a wildcard action such as iam:*) "
    "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE.",
    "List the roles that may be passed in Resource, and add an iam:PassedToService condition."};

// Judged on effective permissions: a Deny in the same policy, or in the
// policies, boundaries and SCPs of every principal that holds it, takes
// iam:PassRole away again. True when the policy alone allows it and, if
// principals of the input hold it, one of them gets it through it.
bool EffectivelyPassesRoles(const AnalysisContext& ctx, std::size_t pi) {
  const Model& m = ctx.model();
  const auto& p = m.iam_policies[pi];
  auto& a = ctx.Iam();
  std::string res = "arn:aws:iam::" + PolicyAccount(p) + ":role/any-admin-role";
  bool holders = false, effective = false;
  for (const auto& s : a.subjects()) {
    if (s.kind == iam::Subject::Kind::kPolicy) {
      if (s.index == pi && !a.Confirm(s, "iam:PassRole", {res})) return false;
      continue;
    }
    const auto& pr = m.iam_principals[s.index];
    bool holds = std::find(pr.inline_policies.begin(), pr.inline_policies.end(), pi) != pr.inline_policies.end() ||
                 (!p.arn.empty() &&
                  std::find(pr.managed_policy_arns.begin(), pr.managed_policy_arns.end(), p.arn) != pr.managed_policy_arns.end());
    if (!holds) continue;
    holders = true;
    if (auto g = a.Confirm(s, "iam:PassRole", {res}))
      for (const auto& ref : g->statements) effective |= ref.policy == pi;
  }
  return !holders || effective;
}

void PassRoleStar(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  const Model& m = ctx.model();
  for (std::size_t pi = 0; pi < m.iam_policies.size(); ++pi) {
    const auto& p = m.iam_policies[pi];
    if (p.kind != iam::PolicyKind::kIdentity) continue;
    for (std::size_t si = 0; si < p.document.statements.size(); ++si) {
      const auto& st = p.document.statements[si];
      if (!st.allow || st.not_action || !IsStar(st)) continue;
      // Access Analyzer checks the action names written, wildcards included
      // (iam:Pass*, iam:*, "*").
      const Located<std::string>* hit = nullptr;
      for (const auto& a : st.actions)
        if (!hit && iam::Glob(a.value, "iam:PassRole", true)) hit = &a;
      if (!hit) continue;
      // A condition on iam:PassedToService or iam:AssociatedResourceArn
      // limits where roles go: Access Analyzer does not report those.
      bool limited = false;
      for (const auto& c : st.conditions) {
        auto op = iam::ParseOperator(c.op.value);
        // ...IfExists holds when the key is absent: no limit.
        std::string key = iam::ToLower(c.key.value);
        if ((key == "iam:passedtoservice" || key == "iam:associatedresourcearn") && op && !op->if_exists &&
            !op->negated &&
            op->set != iam::SetQualifier::kForAllValues)
          limited = true;
      }
      if (limited) continue;
      if (!EffectivelyPassesRoles(ctx, pi)) continue;
      bool star_action = iam::HasWildcard(hit->value);
      Finding f = ValidationFinding(info, p, st, hit->where, std::to_string(si),
                                    "statement " + std::to_string(si) + (st.sid.empty() ? "" : " (" + st.sid + ")") +
                                        " of '" + p.name + "' allows iam:PassRole (as '" + hit->value +
                                        "') on Resource \"*\"");
      f.witness.kind = "iam-request";
      f.witness.Add("action", "iam:PassRole");
      f.witness.Add("resource", "arn:aws:iam::" + PolicyAccount(p) + ":role/any-admin-role");
      f.witness.Add("issue_code", star_action ? "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE" : "PASS_ROLE_WITH_STAR_IN_RESOURCE");
      out.Add(std::move(f));
    }
  }
}

constexpr RuleInfo kUnknownAction{
    "iam-unknown-action", "Action that no AWS service defines", Severity::kLow,
    "An Action or NotAction entry names a service prefix or an action that the action catalog does not know "
    "(a typo, a retired action, or a service prefix that does not exist). The statement does not grant or "
    "deny what its author meant. IAM Access Analyzer policy validation issue code INVALID_ACTION (or "
    "INVALID_SERVICE).",
    "Fix the spelling (see the Service Authorization Reference) or remove the entry; regenerate the catalog "
    "with scripts/gen_aws_catalog.py when AWS has released the action since."};

void UnknownAction(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  const Model& m = ctx.model();
  const auto& cat = aws::Catalog::Get();
  for (const auto& p : m.iam_policies) {
    for (std::size_t si = 0; si < p.document.statements.size(); ++si) {
      const auto& st = p.document.statements[si];
      for (const auto& a : st.actions) {
        const std::string& v = a.value;
        if (v.find_first_not_of('*') == std::string::npos) continue;
        std::size_t colon = v.find(':');
        std::string code;
        if (colon == std::string::npos) {
          code = "INVALID_ACTION";
        } else {
          std::string svc = v.substr(0, colon);
          if (iam::HasWildcard(svc)) continue;
          if (!cat.FindService(svc)) code = "INVALID_SERVICE";
          else if (cat.Match(v).empty()) code = "INVALID_ACTION";
        }
        if (code.empty()) continue;
        Finding f = ValidationFinding(info, p, st, a.where, v,
                                      "'" + v + "' in statement " + std::to_string(si) + " of '" + p.name +
                                          "' matches no action of the catalog (" + cat.version() + ")");
        f.witness.kind = "iam-validation";
        f.witness.Add("action", v);
        f.witness.Add("issue_code", code);
        out.Add(std::move(f));
      }
    }
  }
}

constexpr RuleInfo kInvalidArn{
    "iam-invalid-arn", "Resource that is not a valid ARN", Severity::kLow,
    "A Resource or NotResource entry is neither \"*\" nor an ARN: it does not start with \"arn:\", or it has "
    "fewer than six colon-separated parts and no final wildcard. It matches no request, so the statement does "
    "not grant (or deny) what its author meant. IAM Access Analyzer policy validation reports such entries as "
    "errors (issue code INVALID_ARN).",
    "Write the full ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE; see the Service Authorization "
    "Reference for each resource type), or \"*\"."};

void InvalidArn(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  const Model& m = ctx.model();
  for (const auto& p : m.iam_policies) {
    for (std::size_t si = 0; si < p.document.statements.size(); ++si) {
      const auto& st = p.document.statements[si];
      for (const auto& r : st.resources) {
        const std::string& v = r.value;
        if (v == "*") continue;
        bool ok = v.rfind("arn:", 0) == 0 && (iam::SplitArn(v).has_value() || (!v.empty() && v.back() == '*'));
        // A leading wildcard ("*-bucket", "*:role/x") can still match ARNs.
        if (ok || v[0] == '*' || v[0] == '$') continue;
        Finding f = ValidationFinding(info, p, st, r.where, v,
                                      "'" + v + "' in statement " + std::to_string(si) + " of '" + p.name +
                                          "' is not an ARN: it matches no request");
        f.witness.kind = "iam-validation";
        f.witness.Add("resource", v);
        f.witness.Add("issue_code", "INVALID_ARN");
        out.Add(std::move(f));
      }
    }
  }
}

constexpr RuleInfo kEscalation{
    "iam-privilege-escalation", "AWS privilege escalation method", Severity::kHigh,
    "The principal (or a holder of the policy) holds every permission of a known privilege escalation method "
    "(Rhino Security Labs' list, as Cloudsplaining and PMapper check it): creating policy versions, attaching "
    "or writing policies, creating credentials for other users, rewriting trust policies, passing a role to a "
    "new EC2 instance, Lambda function, Glue endpoint, CloudFormation stack, CodeBuild project... Each "
    "permission is confirmed on a concrete resource, with conditions honoured.",
    "Remove the permissions or scope them to resources that cannot lead to more privilege (the principal's "
    "own credentials, roles that are not privileged); add a permissions boundary."};

}  // namespace

std::unique_ptr<Rule> MakeIamAdminEquivalent() { return std::make_unique<FnRule>(kAdmin, AdminEquivalent); }
std::unique_ptr<Rule> MakeIamAssumeRolePath() { return std::make_unique<FnRule>(kAssumePath, AssumeRolePath); }
std::unique_ptr<Rule> MakeIamBroadPermissions() { return std::make_unique<FnRule>(kBroad, BroadPermissions); }
std::unique_ptr<Rule> MakeIamCrossAccountTrust() { return std::make_unique<FnRule>(kCrossAccount, CrossAccount); }
std::unique_ptr<Rule> MakeIamInvalidArn() { return std::make_unique<FnRule>(kInvalidArn, InvalidArn); }
std::unique_ptr<Rule> MakeIamOidcTrustWithoutSubject() { return std::make_unique<FnRule>(kOidc, OidcWithoutSubject); }
std::unique_ptr<Rule> MakeIamPassroleStarResource() { return std::make_unique<FnRule>(kPassRoleStar, PassRoleStar); }
std::unique_ptr<Rule> MakeIamPrivilegeEscalation() { return std::make_unique<FnRule>(kEscalation, PrivilegeEscalation); }
std::unique_ptr<Rule> MakeIamPublicAccess() { return std::make_unique<FnRule>(kPublic, PublicAccess); }
std::unique_ptr<Rule> MakeIamUnknownAction() { return std::make_unique<FnRule>(kUnknownAction, UnknownAction); }
std::unique_ptr<Rule> MakeIamUnrestrictedDataAccess() { return std::make_unique<FnRule>(kData, DataAccess); }

}  // namespace grantpath::rules
