#include "engine/graph_publish.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "engine/aws_auth.h"
#include "engine/iam_eval.h"
#include "engine/iam_match.h"
#include "engine/k8s_escalation.h"
#include "engine/k8s_escape.h"
#include "engine/net.h"

namespace grantpath {
namespace {

using Id = AccessGraph::Id;

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) return out;
    start = p + 1;
  }
}

std::string NsWords(const std::string& ns) {
  return ns.empty() ? "every namespace" : "namespace '" + ns + "'";
}

class Publisher {
 public:
  Publisher(const AnalysisContext& ctx, DiagnosticSink& sink) : ctx_(ctx), m_(ctx.model()), sink_(sink) {
    for (std::size_t i = 0; i < m_.k8s_service_accounts.size(); ++i) {
      const auto& sa = m_.k8s_service_accounts[i];
      sa_index_[{sa.meta.ns, sa.meta.name}] = i;
    }
  }

  AccessGraph Build() {
    cluster_admin_ = g_.AddNode(AccessNodeKind::kCapability, kClusterAdminNode,
                                "cluster-admin (every permission in the cluster)");
    Rbac();
    Workloads();
    Escapes();
    Internet();
    if (!m_.iam_principals.empty()) {
      Iam();
      Irsa();
      PodIdentity();
      AwsAuth();
      AccessEntries();
      NodeRole();
    } else {
      NoIamInput();
    }
    AwsNetwork();
    Compose();
    OtherClouds();
    g_.Freeze();
    return std::move(g_);
  }

 private:
  Id Subject(const SubjectKey& s) {
    SourceRange where;
    if (s.kind == "ServiceAccount") {
      auto it = sa_index_.find({s.ns, s.name});
      if (it != sa_index_.end()) where = m_.k8s_service_accounts[it->second].meta.where;
    }
    return g_.AddNode(AccessNodeKind::kK8sSubject, K8sSubjectNodeId(s), s.Display(), where);
  }

  // A node of the escalation model from its number and key (see
  // EscalationGraph::ForEachEdge).
  Id EscalationNodeAt(std::size_t v, const std::string& key) {
    if (v >= esc_nodes_.size()) esc_nodes_.resize(v + 1);
    if (!esc_nodes_[v]) esc_nodes_[v] = EscalationNode(key);
    return *esc_nodes_[v];
  }
  // The same from its key alone (AddNode finds a node already made).
  Id EscalationNode(const std::string& key) {
    if (key == "admin") return cluster_admin_;
    std::vector<std::string> parts = Split(key, '|');
    if (parts.size() == 2 && parts[0] == "target")
      return g_.AddNode(AccessNodeKind::kCapability, parts[1], parts[1] + " (held cluster-wide)");
    if (parts.size() == 3) return Subject({parts[0], parts[1], parts[2]});
    std::string what = parts[0], ns = parts.size() > 1 ? parts[1] : "";
    std::string display = what == "create"    ? "create pods in " + NsWords(ns)
                          : what == "exec"    ? "exec into pods in " + NsWords(ns)
                          : what == "secrets" ? "read secrets in " + NsWords(ns)
                          : what == "token"   ? "request service account tokens in " + NsWords(ns)
                          : what == "nsadmin" ? "admin of " + NsWords(ns)
                                              : key;
    return g_.AddNode(AccessNodeKind::kHub, "k8s-step:" + key, display);
  }

  static std::vector<SourceRange> Locs(SourceRange r) {
    if (r.file == 0) return {};
    return {r};
  }

  void Rbac() {
    rbac::EscalationGraph esc(ctx_);
    esc_nodes_.assign(esc.vertices(), std::nullopt);
    esc.ForEachEdge([&](std::size_t from_v, const std::string& from, std::size_t to_v, const std::string& to,
                        const std::string& text, SourceRange where) {
      AccessEdgeKind kind = AccessEdgeKind::kCanActAs;
      if (to == "admin" || to.rfind("target|", 0) == 0) kind = AccessEdgeKind::kHolds;
      else if (text.rfind("member of group", 0) == 0) kind = AccessEdgeKind::kMemberOf;
      g_.AddEdge(EscalationNodeAt(from_v, from), EscalationNodeAt(to_v, to), AccessEdge{kind, text, Locs(where), ""});
    });
  }

  void Workloads() {
    for (const auto& w : m_.k8s_workloads) {
      Id wl = g_.AddNode(AccessNodeKind::kWorkload, WorkloadNodeId(w),
                         w.kind + " '" + w.meta.ns + "/" + w.meta.name + "'", w.meta.where);
      if (k8s::IsHostEndpoint(w)) continue;  // a host's interface: no pod, no service account
      SubjectKey sa{"ServiceAccount", w.meta.ns, w.service_account};
      std::optional<bool> sa_mount;
      if (auto it = sa_index_.find({w.meta.ns, w.service_account}); it != sa_index_.end())
        sa_mount = m_.k8s_service_accounts[it->second].automount_token;
      bool mounted = w.automount_token.value_or(sa_mount.value_or(true));
      // Whoever can exec into its pods (the escalation model's step) acts
      // from inside them: escapes, instance metadata.
      for (const std::string& ns : {w.meta.ns, std::string()})
        if (auto hub = g_.Find("k8s-step:exec|" + ns))
          g_.AddEdge(*hub, wl,
                     AccessEdge{AccessEdgeKind::kCanActAs,
                                "exec into a pod of " + w.kind + " '" + w.meta.ns + "/" + w.meta.name + "'",
                                Locs(w.meta.where), ""});
      g_.AddEdge(wl, Subject(sa),
                 AccessEdge{AccessEdgeKind::kRunsAs,
                            "runs as " + sa.Display() +
                                (mounted ? ", its token mounted" : ", its API token not mounted (a projected IRSA token still is)"),
                            Locs(w.service_account_where.file ? w.service_account_where : w.meta.where), ""});
    }
  }

  // The node a workload's pods run on: named when a Pod gives
  // spec.nodeName, otherwise "node:*" (any node: manifests do not say).
  Id NodeOf(const k8s::Workload& w) {
    if (!w.node_name.empty())
      return g_.AddNode(AccessNodeKind::kNode, "node:" + w.node_name, "node '" + w.node_name + "'");
    return g_.AddNode(AccessNodeKind::kNode, "node:*", "a node (any: the input does not say where pods run)");
  }

  // Container escapes (KubeHound's escape edges), and what a node holds:
  // the service account tokens of the pods that run on it.
  void Escapes() {
    bool any = false;
    for (const auto& w : m_.k8s_workloads) {
      auto escapes = k8s::ContainerEscapes(w);
      if (escapes.empty()) continue;
      any = true;
      Id wl = *g_.Find(WorkloadNodeId(w));
      Id node = NodeOf(w);
      for (const auto& e : escapes)
        g_.AddEdge(wl, node, AccessEdge{AccessEdgeKind::kEscapesTo, e.technique + ": " + e.text, Locs(e.where), ""});
    }
    if (!any) return;
    // The kubelet's own credentials: user system:node:NAME in group
    // system:nodes, so what RBAC grants them comes with the node (the Node
    // authorizer's own grants are the tokens below and the Secrets and
    // ConfigMaps of the node's pods).
    std::set<std::string> nodes_seen;
    for (const auto& w : m_.k8s_workloads) {
      if (k8s::IsHostEndpoint(w)) continue;
      Id node = NodeOf(w);
      if (!nodes_seen.insert(w.node_name).second) continue;
      std::vector<SubjectKey> ids = {{"Group", "", "system:nodes"}};
      if (!w.node_name.empty()) ids.push_back({"User", "", "system:node:" + w.node_name});
      for (const auto& id : ids)
        g_.AddEdge(node, Subject(id),
                   AccessEdge{AccessEdgeKind::kCanActAs,
                              "use the kubelet's credentials (" + id.Display() + ")", {}, ""});
    }
    // Tokens on the node: the kubelet mounts every pod's token, and its own
    // credentials (the Node authorizer) may request them.
    for (const auto& w : m_.k8s_workloads) {
      if (k8s::IsHostEndpoint(w)) continue;
      Id node = NodeOf(w);
      Id any_node = g_.AddNode(AccessNodeKind::kNode, "node:*", "a node (any: the input does not say where pods run)");
      SubjectKey sa{"ServiceAccount", w.meta.ns, w.service_account};
      for (Id n : {node, any_node})
        g_.AddEdge(n, Subject(sa),
                   AccessEdge{AccessEdgeKind::kCanActAs,
                              "read the token of " + sa.Display() + " from a pod of " + w.kind + " '" + w.meta.ns + "/" +
                                  w.meta.name + "' on the node",
                              Locs(w.meta.where),
                              w.node_name.empty() ? "the pod may be scheduled on that node (scheduling is not in the input)" : ""});
    }
  }

  // Internet -> workload: LoadBalancer and NodePort Services, Ingresses and
  // Routes whose target pods' ingress policies let outside traffic in, and
  // ports pods open on their node (hostPort, hostNetwork); the network
  // engine decides. Node ports rest on the node's address being reachable
  // from the internet, which no export says: the edge carries that
  // assumption.
  void Internet() {
    bool any = !m_.k8s_ingresses.empty();
    for (const auto& svc : m_.k8s_services) any |= svc.type == "LoadBalancer" || svc.type == "NodePort";
    for (const auto& w : m_.k8s_workloads)
      for (const auto& c : w.containers)
        for (const auto& p : c.ports) any |= p.host_port > 0 || (w.host_network && p.port > 0);
    if (!any) return;
    net::Engine& e = ctx_.Net();
    Id internet = g_.AddNode(AccessNodeKind::kInternet, "internet", "the internet");
    for (const auto& x : e.InternetExposures()) {
      std::string via;
      SourceRange where;
      if (x.service >= 0) {
        const auto& svc = m_.k8s_services[static_cast<std::size_t>(x.service)];
        via = svc.type + " Service '" + svc.meta.ns + "/" + svc.meta.name + "'";
        where = svc.meta.where;
      } else {
        const auto& ing = m_.k8s_ingresses[static_cast<std::size_t>(x.ingress)];
        via = ing.kind + " '" + ing.meta.ns + "/" + ing.meta.name + "'";
        where = ing.backends[static_cast<std::size_t>(x.backend)].where;
      }
      for (std::uint32_t wi : e.endpoints()[x.endpoint].workloads) {
        const auto& w = m_.k8s_workloads[wi];
        auto wl = g_.Find(WorkloadNodeId(w));
        if (!wl) continue;
        g_.AddEdge(internet, *wl,
                   AccessEdge{AccessEdgeKind::kReaches,
                              "reaches " + w.kind + " '" + w.meta.ns + "/" + w.meta.name + "' through " + via + " on " +
                                  e.conns().Get(x.conn).Format(),
                              Locs(where), ""});
      }
    }
    for (const auto& x : e.HostExposures()) {
      const auto& w = m_.k8s_workloads[x.workload];
      auto wl = g_.Find(WorkloadNodeId(w));
      if (!wl) continue;
      std::string port = std::to_string(x.node_port) + "/" + x.protocol;
      g_.AddEdge(internet, *wl,
                 AccessEdge{AccessEdgeKind::kReaches,
                            "reaches " + w.kind + " '" + w.meta.ns + "/" + w.meta.name + "' on its node's port " + port +
                                (x.host_network ? " (hostNetwork: no pod policy applies)"
                                                : " (hostPort, to container port " + std::to_string(x.container_port) +
                                                      ", through its ingress policies)"),
                            {x.where, x.host_network ? w.host_network_where : w.meta.where},
                            "the node's address is reachable from the internet on that port (node firewalls and "
                            "security groups are not in the Kubernetes input)"});
    }
  }

  // The node instance role: aws-auth maps it to system:nodes. A node (after
  // an escape) gets its credentials from instance metadata; so does a pod
  // whose egress allows 169.254.169.254:80, when the metadata hop limit lets
  // it (not in any export).
  void NodeRole() {
    std::vector<std::pair<std::size_t, SourceRange>> roles;
    for (const auto& a : m_.k8s_aws_auth) {
      if (a.kind != k8s::AwsAuthEntry::Kind::kRole) continue;
      if (std::find(a.groups.begin(), a.groups.end(), "system:nodes") == a.groups.end()) continue;
      if (auto p = FindMapped(a.arn)) roles.push_back({*p, a.where});
    }
    if (roles.empty() || m_.k8s_workloads.empty()) return;
    Id any_node = g_.AddNode(AccessNodeKind::kNode, "node:*", "a node (any: the input does not say where pods run)");
    for (const auto& [r, where] : roles)
      g_.AddEdge(any_node, Principal(r),
                 AccessEdge{AccessEdgeKind::kInstanceMetadata,
                            "the node's instance profile role, from instance metadata (aws-auth maps it to system:nodes)",
                            Locs(where), ""});
    net::Engine& e = ctx_.Net();
    auto md = e.ExternalOverlapping(*net::ParseCidr("169.254.169.254"), false);
    if (md.empty()) return;
    for (std::uint32_t ep = 0; ep < e.endpoints().size(); ++ep) {
      const auto& endpoint = e.endpoints()[ep];
      if (endpoint.kind != net::EndpointKind::kPod) continue;
      if (!e.conns().Get(e.Allowed(ep, md.front())).Contains(net::kTCP, 80)) continue;
      for (std::uint32_t wi : endpoint.workloads) {
        const auto& w = m_.k8s_workloads[wi];
        for (const auto& [r, where] : roles)
          g_.AddEdge(*g_.Find(WorkloadNodeId(w)), Principal(r),
                     AccessEdge{AccessEdgeKind::kInstanceMetadata,
                                "egress to 169.254.169.254:80 is allowed: the node's instance role from instance metadata",
                                {w.meta.where, where},
                                w.host_network ? ""
                                               : "the metadata hop limit lets pod traffic through (it is not in any "
                                                 "export; IMDSv2 with hop limit 1 stops pods that do not use hostNetwork)"});
      }
    }
  }

  // EC2: the internet reaches an instance through its security groups,
  // network ACL and routes (the AWS network engine), and the instance has
  // its instance profile's role.
  void AwsNetwork() {
    if (m_.aws_instances.empty()) return;
    awsnet::Engine& e = ctx_.AwsNet();
    std::map<std::string, std::size_t> role_of_profile;
    for (std::size_t i = 0; i < m_.iam_principals.size(); ++i)
      for (const auto& arn : m_.iam_principals[i].instance_profile_arns) role_of_profile[arn] = i;
    auto instance_node = [&](const awsnet::Instance& inst) {
      return g_.AddNode(AccessNodeKind::kAwsInstance, inst.id,
                        "instance " + inst.id + (inst.name.empty() ? "" : " (" + inst.name + ")"), inst.where);
    };
    for (const auto& inst : m_.aws_instances) {
      auto it = role_of_profile.find(inst.instance_profile_arn);
      if (inst.instance_profile_arn.empty() || it == role_of_profile.end()) continue;
      g_.AddEdge(instance_node(inst), Principal(it->second),
                 AccessEdge{AccessEdgeKind::kInstanceProfile,
                            "instance profile " + inst.instance_profile_arn + ": its role's credentials from the "
                            "instance metadata service",
                            {inst.where, m_.iam_principals[it->second].where}, ""});
    }
    auto exposures = e.InternetExposures();
    if (exposures.empty()) return;
    Id internet = g_.AddNode(AccessNodeKind::kInternet, "internet", "the internet");
    for (const auto& x : exposures) {
      const awsnet::Instance* inst = e.InstanceOf(x.interface);
      if (inst == nullptr) continue;
      std::vector<SourceRange> locs = x.rules;
      locs.push_back(inst->where);
      g_.AddEdge(internet, instance_node(*inst),
                 AccessEdge{AccessEdgeKind::kReaches,
                            "reaches " + inst->id + " " + x.Via() + " on " +
                                (x.all_protocols ? std::string("all protocols") : x.ports.Format()) +
                                " (security groups, network ACL and routes allow it from " + x.sample_source + ")",
                            locs, ""});
    }
  }

  // Docker Compose / Swarm: the internet reaches a service through its
  // published ports or the host's network (engine/compose_net.h); a
  // privileged service, or one that mounts the Docker socket, can take
  // over its host.
  void Compose() {
    if (m_.docker_services.empty()) return;
    compose::Engine& e = ctx_.Compose();
    auto service_node = [&](std::uint32_t s) {
      const auto& svc = m_.docker_services[s];
      return g_.AddNode(AccessNodeKind::kContainerService, svc.project + "/" + svc.name,
                        "Compose service '" + svc.project + "/" + svc.name + "'", svc.where);
    };
    std::optional<Id> internet;
    for (std::uint32_t s = 0; s < m_.docker_services.size(); ++s) {
      const auto& svc = m_.docker_services[s];
      std::vector<compose::Reason> why;
      net::PortSet ports = e.Allowed(e.external(), s, &why);
      if (!ports.empty()) {
        if (!internet) internet = g_.AddNode(AccessNodeKind::kInternet, "internet", "the internet");
        std::vector<SourceRange> locs;
        std::string via;
        for (const auto& r : why) {
          locs.push_back(r.where);
          via += (via.empty() ? "" : "; ") + r.text;
        }
        g_.AddEdge(*internet, service_node(s),
                   AccessEdge{AccessEdgeKind::kReaches, "reaches " + svc.project + "/" + svc.name + " on " +
                                                            ports.Format() + " (" + via + ")",
                              locs, ""});
      }
      if (svc.privileged || svc.docker_socket.known()) {
        Id host = g_.AddNode(AccessNodeKind::kDockerHost, "docker-host:" + svc.project,
                             "the Docker host of project '" + svc.project + "'");
        std::string how = svc.privileged ? "privileged: every device and capability of the host"
                                         : "mounts the Docker socket: it can start a privileged container on the host";
        g_.AddEdge(service_node(s), host,
                   AccessEdge{AccessEdgeKind::kEscapesTo, how,
                              {svc.privileged ? svc.privileged_where : svc.docker_socket}, ""});
      }
    }
  }

  Id Principal(std::size_t i) {
    const auto& p = m_.iam_principals[i];
    const auto& subs = ctx_.Iam().subjects();
    std::string display = i < subs.size() ? subs[i].display : p.name;
    return g_.AddNode(AccessNodeKind::kAwsPrincipal, p.arn, display, p.where);
  }

  std::vector<SourceRange> StatementLocs(const std::vector<iam::StatementRef>& refs) {
    std::vector<SourceRange> out;
    for (const auto& r : refs) {
      const auto& st = m_.iam_policies[r.policy].document.statements[r.statement];
      if (st.where.file) out.push_back(st.where);
    }
    return out;
  }

  void Iam() {
    iam::Analysis& ia = ctx_.Iam();
    aws_admin_ = g_.AddNode(AccessNodeKind::kCapability, kAwsAdminNode,
                            "aws-admin (an admin-equivalent AWS principal)");
    const auto& prs = m_.iam_principals;
    for (std::size_t i = 0; i < prs.size(); ++i) Principal(i);
    const auto& admins = ia.Admins();
    for (std::size_t i = 0; i < prs.size() && i < admins.size(); ++i)
      if (admins[i])
        g_.AddEdge(Principal(i), aws_admin_,
                   AccessEdge{AccessEdgeKind::kHolds, "is admin-equivalent (may do every action on every resource)",
                              Locs(prs[i].where), ""});
    const auto& hops = ia.AdminPaths();
    for (std::size_t i = 0; i < hops.size(); ++i) {
      if (hops[i].distance <= 0) continue;
      AssumeEdge(i, hops[i].next, hops[i].grant);
    }
    SelfEscalation();
    TakeOver();
  }

  // A user or role that may attach a policy to itself, or write an inline
  // policy on itself, can make itself admin-equivalent in one call: it
  // holds aws-admin through that request. The request is evaluated
  // concretely on its own ARN, attaching AdministratorAccess
  // (iam:PolicyARN), with no other context: a grant that needs a condition
  // (an iam:PolicyARN allow-list, MFA) gives no edge, so delegated-admin
  // guardrails are not taken for an escalation; nor is a principal under a
  // permissions boundary. Taking over another principal is TakeOver();
  // methods that go through a service (PassRole and the like) are findings
  // of iam-privilege-escalation, not edges.
  void SelfEscalation() {
    iam::Analysis& ia = ctx_.Iam();
    const auto& prs = m_.iam_principals;
    const auto& admins = ia.Admins();
    for (std::size_t i = 0; i < prs.size() && i < admins.size(); ++i) {
      // A permissions boundary caps what an attached or inline admin policy
      // gives: no edge (iam-privilege-escalation reports boundary removal).
      if (admins[i] || prs[i].type == iam::PrincipalType::kGroup || !prs[i].boundary_arn.empty()) continue;
      const char* const* actions = prs[i].type == iam::PrincipalType::kUser ? kUserSelf : kRoleSelf;
      for (int k = 0; k < 2; ++k) {
        iam::Request req;
        req.caller = ia.account().CallerFor(i);
        req.action = actions[k];
        req.resource = prs[i].arn;
        if (k == 0) req.context["iam:policyarn"] = {"arn:aws:iam::aws:policy/AdministratorAccess"};
        iam::Evaluation ev = iam::Evaluate(ia.account(), req);
        if (ev.decision != iam::Decision::kAllow) continue;
        self_escalators_.insert(i);
        g_.AddEdge(Principal(i), aws_admin_,
                   AccessEdge{AccessEdgeKind::kHolds,
                              std::string("can make itself admin-equivalent: ") + actions[k] + " on its own ARN" +
                                  (k == 0 ? " (attaching AdministratorAccess)" : " (writing an inline admin policy)"),
                              StatementLocs(ev.statements), ""});
        break;
      }
    }
  }
  static constexpr const char* kUserSelf[2] = {"iam:AttachUserPolicy", "iam:PutUserPolicy"};
  std::set<std::size_t> self_escalators_;

  // The Allow statements of the principal's identity policies that name
  // the action: a cheap filter before evaluating requests.
  std::vector<const iam::Statement*> Allowing(std::size_t principal, const std::string& action) {
    std::vector<const iam::Statement*> out;
    const iam::Account& acct = ctx_.Iam().account();
    for (std::size_t pi : acct.IdentityPolicies(principal))
      for (const auto& st : m_.iam_policies[pi].document.statements) {
        if (!st.allow) continue;
        bool named = false;
        for (const auto& a : st.actions) named = named || iam::Glob(a.value, action, /*ignore_case=*/true);
        if (named != st.not_action) out.push_back(&st);
      }
    return out;
  }
  // Whether a statement's Resource may name the ARN (a pattern with a
  // policy variable may: the evaluation decides).
  static bool MayName(const iam::Statement& st, const std::string& arn) {
    if (!st.has_resource) return true;
    bool hit = false;
    for (const auto& r : st.resources) {
      if (hit) break;
      if (iam::HasVariables(r.value)) hit = true;
      else if (!iam::HasWildcard(r.value))  // a literal ARN: only itself (ArnMatch compares its parts)
        hit = r.value.size() == arn.size() && iam::ArnMatch(r.value, arn);
      else hit = iam::ArnMatch(r.value, arn);
    }
    return hit != st.not_resource;
  }

  // A user or role that can take over another principal in one call becomes
  // it: new access keys or a console password for a user
  // (iam:CreateAccessKey, iam:CreateLoginProfile, iam:UpdateLoginProfile on
  // its ARN), or a trust policy that names the caller on a role of its
  // account (iam:UpdateAssumeRolePolicy; such a trust needs no identity
  // permission to assume). Each request is evaluated concretely on the
  // target's ARN with no context, so a conditional grant gives no edge.
  // Targets are the principals that lead to aws-admin: admin-equivalent,
  // an assume-role chain to one, or self-escalation. One edge per source and
  // way, to the target nearest to aws-admin: a principal that can create
  // keys for every user would otherwise add an edge per user, and the
  // nearest one is the path a finding shows.
  void TakeOver() {
    iam::Analysis& ia = ctx_.Iam();
    const auto& prs = m_.iam_principals;
    const auto& admins = ia.Admins();
    const auto& hops = ia.AdminPaths();
    std::vector<std::pair<int, std::size_t>> by_distance;  // steps to aws-admin, principal
    for (std::size_t i = 0; i < prs.size(); ++i) {
      if (prs[i].type == iam::PrincipalType::kGroup) {  // a group counts when its policies make it admin-equivalent
        if (i < admins.size() && admins[i]) by_distance.push_back({0, i});
        continue;
      }
      if (i < admins.size() && admins[i]) by_distance.push_back({0, i});
      else if (self_escalators_.count(i)) by_distance.push_back({1, i});
      else if (i < hops.size() && hops[i].distance > 0) by_distance.push_back({hops[i].distance + 1, i});
    }
    if (by_distance.empty()) return;
    std::stable_sort(by_distance.begin(), by_distance.end());
    std::vector<std::size_t> targets;
    for (const auto& [d, i] : by_distance) targets.push_back(i);
    struct Way {
      iam::PrincipalType target;
      const char* action;
      const char* how;
      const char* service = nullptr;            // PassRole: the service the role is passed to
      std::vector<const char*> also = {};       // actions needed on any resource, unconditionally
    };
    static const Way kWays[] = {
        {iam::PrincipalType::kUser, "iam:CreateAccessKey", "create an access key for it"},
        {iam::PrincipalType::kUser, "iam:CreateLoginProfile", "set its console password"},
        {iam::PrincipalType::kUser, "iam:UpdateLoginProfile", "change its console password"},
        {iam::PrincipalType::kRole, "iam:UpdateAssumeRolePolicy", "rewrite its trust policy to admit itself, then assume it"},
        {iam::PrincipalType::kGroup, "iam:AddUserToGroup", "add itself to the group"},
        {iam::PrincipalType::kRole, "iam:PassRole", "launch an EC2 instance with its instance profile (ec2:RunInstances)",
         "ec2.amazonaws.com", {"ec2:RunInstances"}},
        {iam::PrincipalType::kRole, "iam:PassRole",
         "create and invoke a Lambda function that runs as it (lambda:CreateFunction, lambda:InvokeFunction)",
         "lambda.amazonaws.com", {"lambda:CreateFunction", "lambda:InvokeFunction"}},
        {iam::PrincipalType::kRole, "iam:PassRole",
         "create and trigger a Lambda function that runs as it (lambda:CreateFunction, "
         "lambda:CreateEventSourceMapping)",
         "lambda.amazonaws.com", {"lambda:CreateFunction", "lambda:CreateEventSourceMapping"}},
        {iam::PrincipalType::kRole, "iam:PassRole", "create a CloudFormation stack that acts as it (cloudformation:CreateStack)",
         "cloudformation.amazonaws.com", {"cloudformation:CreateStack"}},
        {iam::PrincipalType::kRole, "iam:PassRole",
         "run a CodeBuild build as it (codebuild:CreateProject, codebuild:StartBuild)", "codebuild.amazonaws.com",
         {"codebuild:CreateProject", "codebuild:StartBuild"}},
        {iam::PrincipalType::kRole, "iam:PassRole", "open a Glue development endpoint with it (glue:CreateDevEndpoint)",
         "glue.amazonaws.com", {"glue:CreateDevEndpoint"}},
        {iam::PrincipalType::kRole, "iam:PassRole",
         "open a SageMaker notebook that runs as it (sagemaker:CreateNotebookInstance, "
         "sagemaker:CreatePresignedNotebookInstanceUrl)",
         "sagemaker.amazonaws.com", {"sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"}},
        {iam::PrincipalType::kRole, "iam:PassRole", "run a SageMaker training job as it (sagemaker:CreateTrainingJob)",
         "sagemaker.amazonaws.com", {"sagemaker:CreateTrainingJob"}},
        {iam::PrincipalType::kRole, "iam:PassRole", "run a SageMaker processing job as it (sagemaker:CreateProcessingJob)",
         "sagemaker.amazonaws.com", {"sagemaker:CreateProcessingJob"}},
        {iam::PrincipalType::kRole, "iam:PassRole", "run an ECS task as it (ecs:RunTask)", "ecs-tasks.amazonaws.com",
         {"ecs:RunTask"}},
        {iam::PrincipalType::kRole, "iam:PassRole",
         "run commands as it in Data Pipeline (datapipeline:CreatePipeline, datapipeline:PutPipelineDefinition)",
         "datapipeline.amazonaws.com", {"datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"}},
    };
    // Whether a role's trust lets a service assume it (no other context).
    auto service_trusted = [&](std::size_t role, const std::string& service) {
      iam::Request req;
      req.caller.kind = iam::Caller::Kind::kService;
      req.caller.value = service;
      req.action = "sts:AssumeRole";
      req.resource = prs[role].arn;
      req.context = iam::Account::DerivedContext(req.caller);
      return iam::Evaluate(ia.account(), req).decision == iam::Decision::kAllow;
    };
    // Each way's targets, nearest first: of its principal type and, for a
    // service, roles whose trust admits it (EC2: with an instance profile).
    constexpr std::size_t kWayCount = sizeof(kWays) / sizeof(kWays[0]);
    std::vector<std::vector<std::size_t>> way_targets(kWayCount);
    std::map<std::string, std::vector<std::size_t>> trusting;  // service -> roles
    for (std::size_t k = 0; k < kWayCount; ++k) {
      const Way& w = kWays[k];
      if (w.service != nullptr && !trusting.count(w.service)) {
        auto& list = trusting[w.service];
        for (std::size_t b : targets)
          if (prs[b].type == iam::PrincipalType::kRole && service_trusted(b, w.service)) list.push_back(b);
      }
      for (std::size_t b : w.service ? trusting[w.service] : targets) {
        if (prs[b].type != w.target) continue;
        if (w.service != nullptr && std::string(w.service) == "ec2.amazonaws.com" && prs[b].instance_profile_arns.empty())
          continue;
        way_targets[k].push_back(b);
      }
    }
    std::vector<const iam::Subject*> subject_by_principal(prs.size(), nullptr);
    for (const auto& x : ia.subjects())
      if (x.kind == iam::Subject::Kind::kPrincipal && x.index < prs.size()) subject_by_principal[x.index] = &x;
    auto subject_of = [&](std::size_t principal) { return subject_by_principal[principal]; };
    for (std::size_t a = 0; a < prs.size(); ++a) {
      if (prs[a].type == iam::PrincipalType::kGroup || (a < admins.size() && admins[a])) continue;
      for (std::size_t k = 0; k < kWayCount; ++k) {
        const Way& w = kWays[k];
        if (way_targets[k].empty()) continue;
        if (w.target == iam::PrincipalType::kGroup && prs[a].type != iam::PrincipalType::kUser) continue;
        auto allowing = Allowing(a, w.action);
        if (allowing.empty()) continue;
        // The service's own actions, on some resource and without
        // condition: asked once, when a target first passes the cheap checks.
        std::optional<bool> companions;
        std::vector<iam::StatementRef> companion_statements;
        auto has_companions = [&] {
          if (!companions) {
            companions = true;
            for (const char* act : w.also) {
              const iam::Subject* subj = *companions ? subject_of(a) : nullptr;
              auto g = subj ? ia.Confirm(*subj, act, {}) : std::nullopt;
              if (!g || g->conditional) companions = false;
              else companion_statements.insert(companion_statements.end(), g->statements.begin(), g->statements.end());
            }
          }
          return *companions;
        };
        for (std::size_t b : way_targets[k]) {
          if (b == a) continue;
          if (std::none_of(allowing.begin(), allowing.end(),
                           [&](const iam::Statement* st) { return MayName(*st, prs[b].arn); }))
            continue;
          // A role's trust can name the caller without an identity grant
          // only within one account.
          if (w.service == nullptr && w.target == iam::PrincipalType::kRole &&
              iam::ArnAccount(prs[a].arn) != iam::ArnAccount(prs[b].arn))
            continue;
          if (!has_companions()) break;  // no target helps without them
          iam::Request req;
          req.caller = ia.account().CallerFor(a);
          req.action = w.action;
          req.resource = prs[b].arn;
          if (w.service != nullptr) req.context["iam:passedtoservice"] = {w.service};
          iam::Evaluation ev = iam::Evaluate(ia.account(), req);
          if (ev.decision != iam::Decision::kAllow) continue;
          std::vector<iam::StatementRef> used = ev.statements;
          used.insert(used.end(), companion_statements.begin(), companion_statements.end());
          g_.AddEdge(Principal(a), Principal(b),
                     AccessEdge{AccessEdgeKind::kCanActAs,
                                std::string("can ") + w.how + ": " + w.action + " on " + prs[b].arn +
                                    (w.service ? std::string(" (iam:PassedToService ") + w.service + ")" : ""),
                                StatementLocs(used), ""});
          break;  // the nearest target to aws-admin is enough
        }
      }
    }
  }
  static constexpr const char* kRoleSelf[2] = {"iam:AttachRolePolicy", "iam:PutRolePolicy"};

  void AssumeEdge(std::size_t from, std::size_t role, const iam::Grant& grant) {
    g_.AddEdge(Principal(from), Principal(role),
               AccessEdge{AccessEdgeKind::kCanAssume,
                          "sts:AssumeRole on " + m_.iam_principals[role].arn +
                              (grant.conditional ? " (under conditions)" : ""),
                          StatementLocs(grant.statements), ""});
  }

  // Without an IAM export, cloud identities named in the cluster lead
  // nowhere: say so where they are named, not silently.
  void NoIamInput() {
    for (const auto& sa : m_.k8s_service_accounts)
      if (auto it = sa.meta.annotations.find("eks.amazonaws.com/role-arn"); it != sa.meta.annotations.end())
        sink_.Note("cross-domain",
                   "ServiceAccount '" + sa.meta.ns + "/" + sa.meta.name + "' names IAM role " + it->second +
                       ", but the input has no IAM export (aws iam get-account-authorization-details): what the "
                       "role can do, and whether its trust admits the account, are not analysed",
                   sa.meta.where);
    if (!m_.k8s_aws_auth.empty())
      sink_.Note("cross-domain",
                 "aws-auth maps " + std::to_string(m_.k8s_aws_auth.size()) +
                     " IAM principal entries, but the input has no IAM export: no AWS principal is joined to "
                     "Kubernetes",
                 m_.k8s_aws_auth.front().where);
  }

  // IRSA: which service accounts a role's trust policy admits, by asking the
  // IAM engine about each candidate's web identity: the annotated ones, those
  // its `sub` conditions name, and a probe account per namespace pattern and
  // for the whole cluster (a match there admits every service account).
  void Irsa() {
    iam::Analysis& ia = ctx_.Iam();
    const auto& prs = m_.iam_principals;
    std::map<std::string, std::vector<std::size_t>> annotated;  // role ARN -> SAs
    for (std::size_t i = 0; i < m_.k8s_service_accounts.size(); ++i) {
      const auto& sa = m_.k8s_service_accounts[i];
      auto it = sa.meta.annotations.find("eks.amazonaws.com/role-arn");
      if (it == sa.meta.annotations.end()) continue;
      if (!ia.account().RoleByArn(it->second)) {
        sink_.Note("cross-domain",
                   "ServiceAccount '" + sa.meta.ns + "/" + sa.meta.name + "' names IAM role " + it->second +
                       ", which the input does not define: whether its trust admits the account is not known",
                   sa.meta.where);
        continue;
      }
      annotated[it->second].push_back(i);
    }
    for (std::size_t r = 0; r < prs.size(); ++r) {
      if (prs[r].type != iam::PrincipalType::kRole || !prs[r].trust_policy) continue;
      const iam::Policy& trust = m_.iam_policies[*prs[r].trust_policy];
      std::vector<std::pair<std::string, std::string>> providers = Providers(trust);
      if (providers.empty()) continue;
      std::set<std::pair<std::string, std::string>> cands;  // (ns, name)
      if (auto it = annotated.find(prs[r].arn); it != annotated.end())
        for (std::size_t i : it->second)
          cands.insert({m_.k8s_service_accounts[i].meta.ns, m_.k8s_service_accounts[i].meta.name});
      std::set<std::string> ns_patterns;
      for (const auto& st : trust.document.statements)
        for (const auto& c : st.conditions) {
          std::string key = c.key.value;
          std::transform(key.begin(), key.end(), key.begin(), [](unsigned char ch) { return std::tolower(ch); });
          if (key.size() < 4 || key.compare(key.size() - 4, 4, ":sub") != 0) continue;
          for (const auto& v : c.values) {
            auto parts = Split(v.value, ':');
            if (parts.size() != 4 || parts[0] != "system" || parts[1] != "serviceaccount") continue;
            if (parts[2].find_first_of("*?") == std::string::npos &&
                parts[3].find_first_of("*?") == std::string::npos)
              cands.insert({parts[2], parts[3]});
            else if (parts[2].find_first_of("*?") == std::string::npos)
              ns_patterns.insert(parts[2]);
          }
        }
      for (const auto& [issuer, federated] : providers) {
        // With `aws eks describe-cluster` output, only the clusters' own
        // issuers count; without it, the trust's provider is assumed to be
        // the cluster's.
        std::string assumption;
        if (!m_.eks_clusters.empty()) {
          bool ours = false;
          for (const auto& c : m_.eks_clusters) ours |= c.oidc_issuer == issuer;
          if (!ours) continue;
        } else {
          assumption = "the cluster's OIDC issuer is taken to be " + issuer +
                       ", the provider the role's trust names (no `aws eks describe-cluster` output in the input)";
        }
        // The whole cluster first: then namespaces, then single accounts.
        if (auto ev = AdmitsWebIdentity(r, federated, issuer, "grantpath-probe-ns", "grantpath-probe-sa")) {
          g_.AddEdge(Subject({"Group", "", "system:serviceaccounts"}), Principal(r),
                     AccessEdge{AccessEdgeKind::kIrsa,
                                "any service account token of the cluster is admitted: " + WebIdentityText(prs[r].arn, "system:serviceaccount:*:*"),
                                StatementLocs(ev->statements), assumption});
          continue;
        }
        for (const std::string& ns : ns_patterns)
          if (auto ev = AdmitsWebIdentity(r, federated, issuer, ns, "grantpath-probe-sa"))
            g_.AddEdge(Subject({"Group", "", "system:serviceaccounts:" + ns}), Principal(r),
                       AccessEdge{AccessEdgeKind::kIrsa,
                                  "any service account token of namespace '" + ns + "' is admitted: " +
                                      WebIdentityText(prs[r].arn, "system:serviceaccount:" + ns + ":*"),
                                  StatementLocs(ev->statements), assumption});
        for (const auto& [ns, name] : cands) {
          std::string aud = "sts.amazonaws.com";
          if (auto it = sa_index_.find({ns, name}); it != sa_index_.end()) {
            const auto& ann = m_.k8s_service_accounts[it->second].meta.annotations;
            if (auto a = ann.find("eks.amazonaws.com/audience"); a != ann.end() && !a->second.empty()) aud = a->second;
          }
          auto ev = AdmitsWebIdentity(r, federated, issuer, ns, name, aud);
          if (!ev) continue;
          std::vector<SourceRange> locs = StatementLocs(ev->statements);
          bool is_annotated = false;
          if (auto it = sa_index_.find({ns, name}); it != sa_index_.end()) {
            const auto& sa = m_.k8s_service_accounts[it->second];
            auto a = sa.meta.annotations.find("eks.amazonaws.com/role-arn");
            is_annotated = a != sa.meta.annotations.end() && a->second == prs[r].arn;
            locs.insert(locs.begin(), sa.meta.where);
          }
          // With a Pod Identity association as well, the EKS pod identity
          // webhook injects only the Pod Identity credentials into the
          // account's pods: this role then needs a token requested for the
          // STS audience (TokenRequest), not just a pod.
          std::string edge_assumption = assumption;
          for (const auto& pia : m_.eks_pod_identities)
            if (pia.ns == ns && pia.service_account == name)
              edge_assumption += std::string(edge_assumption.empty() ? "" : "; ") +
                                 "the account also has a Pod Identity association, so the pod identity webhook "
                                 "gives its pods only those credentials: this role needs a token requested for the "
                                 "web identity audience";
          g_.AddEdge(Subject({"ServiceAccount", ns, name}), Principal(r),
                     AccessEdge{AccessEdgeKind::kIrsa,
                                WebIdentityText(prs[r].arn, "system:serviceaccount:" + ns + ":" + name) +
                                    (is_annotated ? " (annotated eks.amazonaws.com/role-arn)" : " (trust names it; no annotation needed)"),
                                locs, edge_assumption});
        }
      }
    }
  }

  static std::string WebIdentityText(const std::string& role, const std::string& sub) {
    return "sts:AssumeRoleWithWebIdentity on " + role + " with sub=" + sub + ", aud=sts.amazonaws.com";
  }

  // (issuer, federated principal value) of each OIDC provider the trust names.
  std::vector<std::pair<std::string, std::string>> Providers(const iam::Policy& trust) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& st : trust.document.statements) {
      if (!st.allow || !iam::ActionMatches(st, "sts:AssumeRoleWithWebIdentity")) continue;
      for (const auto& e : st.principals) {
        if (e.type != "Federated") continue;
        for (const auto& v : e.values) {
          auto p = v.value.find(":oidc-provider/");
          // EKS issuers only: another provider's tokens (GitHub Actions,
          // GitLab...) are not service account tokens.
          if (p == std::string::npos || v.value.find("oidc.eks.", p) == std::string::npos) continue;
          std::pair<std::string, std::string> pr{v.value.substr(p + 15), v.value};
          if (std::find(out.begin(), out.end(), pr) == out.end()) out.push_back(pr);
        }
      }
    }
    return out;
  }

  std::optional<iam::Evaluation> AdmitsWebIdentity(std::size_t role, const std::string& federated,
                                                   const std::string& issuer, const std::string& ns,
                                                   const std::string& name, const std::string& aud = "sts.amazonaws.com") {
    return WebIdentityAdmits(ctx_.Iam().account(), m_.iam_principals[role].arn, federated, issuer,
                             "system:serviceaccount:" + ns + ":" + name, aud);
  }

  // EKS Pod Identity: the association gives the service account the role,
  // when the role's trust lets pods.eks.amazonaws.com call sts:AssumeRole
  // and sts:TagSession with the session tags EKS sets.
  void PodIdentity() {
    iam::Analysis& ia = ctx_.Iam();
    for (const auto& a : m_.eks_pod_identities) {
      auto role = ia.account().RoleByArn(a.role_arn);
      if (!role) {
        sink_.Note("cross-domain",
                   "Pod Identity association for '" + a.ns + "/" + a.service_account + "' names IAM role " + a.role_arn +
                       ", which the input does not define: whether its trust admits EKS is not known",
                   a.where);
        continue;
      }
      // The cluster ARN: from describe-cluster, else from the association ARN.
      std::string cluster_arn;
      for (const auto& c : m_.eks_clusters)
        if (c.name == a.cluster) cluster_arn = c.arn;
      if (cluster_arn.empty() && !a.association_arn.empty()) {
        auto parts = Split(a.association_arn, ':');
        if (parts.size() >= 6) cluster_arn = parts[0] + ":" + parts[1] + ":eks:" + parts[3] + ":" + parts[4] + ":cluster/" + a.cluster;
      }
      std::vector<iam::StatementRef> used;
      bool allowed = true;
      for (const char* action : {"sts:AssumeRole", "sts:TagSession"}) {
        if (a.disable_session_tags && std::string(action) == "sts:TagSession") continue;
        iam::Request req;
        req.caller.kind = iam::Caller::Kind::kService;
        req.caller.value = "pods.eks.amazonaws.com";
        req.action = action;
        req.resource = a.role_arn;
        req.context = iam::Account::DerivedContext(req.caller);
        if (!a.disable_session_tags) {
          req.context["aws:requesttag/kubernetes-namespace"] = {a.ns};
          req.context["aws:requesttag/kubernetes-service-account"] = {a.service_account};
          req.context["aws:requesttag/eks-cluster-name"] = {a.cluster};
          if (!cluster_arn.empty()) req.context["aws:requesttag/eks-cluster-arn"] = {cluster_arn};
          req.context["aws:tagkeys"] = {"eks-cluster-arn", "eks-cluster-name", "kubernetes-namespace",
                                        "kubernetes-service-account", "kubernetes-pod-name", "kubernetes-pod-uid"};
        }
        if (!cluster_arn.empty()) {
          req.context["aws:sourcearn"] = {cluster_arn};
          req.context["aws:sourceaccount"] = {iam::ArnAccount(cluster_arn)};
        }
        iam::Evaluation ev = iam::Evaluate(ia.account(), req);
        if (ev.decision != iam::Decision::kAllow) {
          allowed = false;
          break;
        }
        used.insert(used.end(), ev.statements.begin(), ev.statements.end());
      }
      if (!allowed) continue;
      std::vector<SourceRange> locs{a.where};
      for (const auto& l : StatementLocs(used))
        if (std::find(locs.begin(), locs.end(), l) == locs.end()) locs.push_back(l);
      g_.AddEdge(Subject({"ServiceAccount", a.ns, a.service_account}), Principal(*role),
                 AccessEdge{AccessEdgeKind::kPodIdentity,
                            "EKS Pod Identity association: pods.eks.amazonaws.com assumes " + a.role_arn +
                                " for the service account's pods (sts:AssumeRole, sts:TagSession)",
                            locs, ""});
    }
  }

  // EKS access entries: the principal becomes a Kubernetes user and groups,
  // and its access policies grant what they document.
  void AccessEntries() {
    for (const auto& e : m_.eks_access_entries) {
      auto p = FindMapped(e.principal_arn);
      if (!p) continue;
      Id from = Principal(*p);
      std::string user = !e.username.empty() ? e.username : m_.iam_principals[*p].arn;
      std::string what = "EKS access entry maps " + e.principal_arn + " to";
      g_.AddEdge(from, Subject({"User", "", user}),
                 AccessEdge{AccessEdgeKind::kMapsTo, what + " Kubernetes user '" + user + "'", Locs(e.where), ""});
      for (const auto& grp : e.groups)
        g_.AddEdge(from, Subject({"Group", "", grp}),
                   AccessEdge{AccessEdgeKind::kMapsTo, what + " Kubernetes group '" + grp + "'", Locs(e.where), ""});
      for (const auto& ap : e.policies) {
        std::string name = ap.policy_arn.substr(ap.policy_arn.rfind('/') + 1);
        std::vector<std::string> scopes = ap.cluster_scope ? std::vector<std::string>{""} : ap.namespaces;
        auto grant = [&](Id to, const std::string& means) {
          g_.AddEdge(from, to, AccessEdge{AccessEdgeKind::kMapsTo, "access policy " + name + " " + means, Locs(ap.where), ""});
        };
        if (name == "AmazonEKSClusterAdminPolicy" && ap.cluster_scope) {
          grant(cluster_admin_, "(cluster-admin, cluster-wide)");
        } else if (name == "AmazonEKSClusterAdminPolicy" || name == "AmazonEKSAdminPolicy") {
          for (const auto& ns : scopes) grant(EscalationNode("nsadmin|" + ns), "(admin of " + NsWords(ns) + ")");
        } else if (name == "AmazonEKSEditPolicy") {
          for (const auto& ns : scopes) {
            grant(EscalationNode("create|" + ns), "(edit: create pods in " + NsWords(ns) + ")");
            grant(EscalationNode("secrets|" + ns), "(edit: read secrets in " + NsWords(ns) + ")");
          }
        }
      }
    }
  }

  // aws-auth: an IAM role or user becomes a Kubernetes user with groups.
  // aws-iam-authenticator strips the path from a role ARN before matching.
  void AwsAuth() {
    iam::Analysis& ia = ctx_.Iam();
    std::set<std::size_t> mapped_roles;
    for (const auto& a : m_.k8s_aws_auth) {
      std::vector<std::size_t> principals;
      if (a.kind == k8s::AwsAuthEntry::Kind::kAccount) {
        for (std::size_t i = 0; i < m_.iam_principals.size(); ++i)
          if (m_.iam_principals[i].type != iam::PrincipalType::kGroup && iam::ArnAccount(m_.iam_principals[i].arn) == a.arn)
            principals.push_back(i);
      } else if (auto p = FindMapped(a.arn)) {
        principals.push_back(*p);
      }
      for (std::size_t p : principals) {
        Id from = Principal(p);
        const std::string& arn = m_.iam_principals[p].arn;
        // {{AccountID}} is the principal's account; the other keys
        // ({{SessionName}}, {{SessionNameRaw}}, {{AccessKeyID}},
        // {{EC2PrivateDNSName}}) change per session or instance and stay
        // in the name, with the edge saying so.
        auto render = [&](std::string name, std::string* assumption) {
          for (std::size_t k = name.find("{{AccountID}}"); k != std::string::npos; k = name.find("{{AccountID}}", k))
            name.replace(k, 13, iam::ArnAccount(arn));
          if (name.find("{{") != std::string::npos)
            *assumption = "'" + name + "' is rendered per session by aws-iam-authenticator; RBAC subjects are "
                          "joined to it only by this exact text";
          return name;
        };
        std::string assumption;
        std::string user = a.kind == k8s::AwsAuthEntry::Kind::kAccount || a.username.empty()
                               ? arn
                               : render(a.username, &assumption);
        std::string where_text = "aws-auth maps " + arn + " to";
        g_.AddEdge(from, Subject({"User", "", user}),
                   AccessEdge{AccessEdgeKind::kMapsTo, where_text + " Kubernetes user '" + user + "'", Locs(a.where),
                              assumption});
        for (const auto& grp : a.groups) {
          std::string group_assumption;
          std::string g = render(grp, &group_assumption);
          g_.AddEdge(from, Subject({"Group", "", g}),
                     AccessEdge{AccessEdgeKind::kMapsTo, where_text + " Kubernetes group '" + g + "'", Locs(a.where),
                                group_assumption});
        }
        if (m_.iam_principals[p].type == iam::PrincipalType::kRole) mapped_roles.insert(p);
      }
    }
    // Who can assume a mapped role (identity and trust, confirmed). Only
    // principals with an identity statement that may allow sts:AssumeRole on
    // the role are asked: the others cannot, whatever the trust says.
    const auto& subs = ia.subjects();
    for (std::size_t role : mapped_roles) {
      const std::string& role_arn = m_.iam_principals[role].arn;
      // Principals the trust names by ARN need no identity allow in the
      // same account.
      std::set<std::string> named;
      if (m_.iam_principals[role].trust_policy)
        for (const auto& st : m_.iam_policies[*m_.iam_principals[role].trust_policy].document.statements)
          for (const auto& e : st.principals)
            for (const auto& v : e.values) named.insert(v.value);
      for (std::size_t s = 0; s < subs.size(); ++s) {
        if (subs[s].kind != iam::Subject::Kind::kPrincipal || subs[s].index == role) continue;
        std::size_t p = subs[s].index;
        if (m_.iam_principals[p].type == iam::PrincipalType::kGroup) continue;
        bool may = named.count(m_.iam_principals[p].arn) > 0;
        for (std::size_t pi : ia.account().IdentityPolicies(p)) {
          for (const auto& st : m_.iam_policies[pi].document.statements) {
            if (!st.allow || !iam::ActionMatches(st, "sts:AssumeRole")) continue;
            if (st.not_resource || !st.has_resource) may = true;
            for (const auto& r : st.resources) may |= iam::HasVariables(r.value) || iam::ArnMatch(r.value, role_arn);
            if (may) break;
          }
          if (may) break;
        }
        if (!may) continue;
        if (auto grant = ia.Confirm(subs[s], "sts:AssumeRole", {role_arn})) AssumeEdge(p, role, *grant);
      }
    }
  }

  // The principal an aws-auth ARN maps, as aws-iam-authenticator matches:
  // role paths stripped on both sides, case-insensitive.
  std::optional<std::size_t> FindMapped(const std::string& arn) {
    auto lower = [](std::string v) {
      for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return v;
    };
    auto want = awsauth::StripPath(arn);
    if (!want) return std::nullopt;
    std::string key = lower(*want);
    for (std::size_t i = 0; i < m_.iam_principals.size(); ++i) {
      if (m_.iam_principals[i].type == iam::PrincipalType::kGroup) continue;
      auto have = awsauth::StripPath(m_.iam_principals[i].arn);
      if (have && lower(*have) == key) return i;
    }
    return std::nullopt;
  }

  // GKE and Azure workload identity: a located edge to an identity whose
  // permissions grantpath does not analyse.
  void OtherClouds() {
    for (const auto& sa : m_.k8s_service_accounts) {
      for (const auto& [key, what] : {std::pair<std::string, std::string>{"iam.gke.io/gcp-service-account", "GCP service account"},
                                      {"azure.workload.identity/client-id", "Azure workload identity client"}}) {
        auto it = sa.meta.annotations.find(key);
        if (it == sa.meta.annotations.end() || it->second.empty()) continue;
        Id id = g_.AddNode(AccessNodeKind::kCloudIdentity, it->second, what + " '" + it->second + "'");
        g_.AddEdge(Subject({"ServiceAccount", sa.meta.ns, sa.meta.name}), id,
                   AccessEdge{AccessEdgeKind::kWorkloadIdentity, "annotated " + key + ": " + it->second,
                              Locs(sa.meta.where),
                              "the " + what + "'s permissions are not analysed by grantpath"});
      }
    }
  }

  const AnalysisContext& ctx_;
  const Model& m_;
  DiagnosticSink& sink_;
  AccessGraph g_;
  Id cluster_admin_ = 0, aws_admin_ = 0;
  std::map<std::pair<std::string, std::string>, std::size_t> sa_index_;
  std::vector<std::optional<Id>> esc_nodes_;  // escalation model nodes already published, by number
};

}  // namespace

std::string K8sSubjectNodeId(const SubjectKey& s) {
  if (s.kind == "ServiceAccount") return "system:serviceaccount:" + s.ns + ":" + s.name;
  if (s.kind == "Group") return "group:" + s.name;
  return s.name;
}

std::optional<SubjectKey> SubjectOfNodeId(const std::string& id) {
  if (id.rfind("system:serviceaccount:", 0) == 0) {
    std::string rest = id.substr(22);
    auto colon = rest.find(':');
    if (colon == std::string::npos) return std::nullopt;
    return SubjectKey{"ServiceAccount", rest.substr(0, colon), rest.substr(colon + 1)};
  }
  if (id.rfind("group:", 0) == 0) return SubjectKey{"Group", "", id.substr(6)};
  return SubjectKey{"User", "", id};
}

std::string WorkloadNodeId(const k8s::Workload& w) { return w.meta.ns + "/" + w.kind + "/" + w.meta.name; }

std::optional<iam::Evaluation> WebIdentityAdmits(const iam::Account& account, const std::string& role_arn,
                                                 const std::string& federated, const std::string& issuer,
                                                 const std::string& sub, const std::string& aud) {
  iam::Request req;
  req.caller.kind = iam::Caller::Kind::kFederated;
  req.caller.value = federated;
  req.caller.account = iam::ArnAccount(federated);
  req.action = "sts:AssumeRoleWithWebIdentity";
  req.resource = role_arn;
  std::string key = issuer;
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char ch) { return std::tolower(ch); });
  req.context[key + ":sub"] = {sub};
  req.context[key + ":aud"] = {aud};
  req.context["aws:federatedprovider"] = {federated};
  iam::Evaluation ev = iam::Evaluate(account, req);
  if (ev.decision != iam::Decision::kAllow) return std::nullopt;
  return ev;
}

AccessGraph BuildAccessGraph(const AnalysisContext& ctx, DiagnosticSink& sink) {
  return Publisher(ctx, sink).Build();
}

}  // namespace grantpath
