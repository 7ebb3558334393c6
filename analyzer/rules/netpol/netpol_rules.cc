// The netpol-* rules: findings of the network reachability engine
// (engine/net.h). They share the helpers below; each rule's page is
// docs/rules/<id>.md.
#include <algorithm>
#include <map>
#include <set>

#include "engine/context.h"
#include "engine/net.h"
#include "engine/rbac.h"
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

using net::ConnTable;
using net::EndpointKind;

const k8s::Workload& Rep(const AnalysisContext& ctx, std::uint32_t ep) {
  return ctx.model().k8s_workloads[ctx.Net().endpoints()[ep].workloads.front()];
}

std::string PolicyName(const k8s::NetworkPolicy& p) { return p.kind + " '" + p.meta.ns + "/" + p.meta.name + "'"; }

// The first address range of a side/family that contains `addr`.
int ExternalAt(net::Engine& e, const std::string& addr, bool source_side) {
  auto eps = e.ExternalOverlapping(*net::ParseCidr(addr), source_side);
  return eps.empty() ? -1 : static_cast<int>(eps.front());
}

void AddReasons(const Model& m, const std::vector<net::Reason>& why, Finding& f, const char* dir) {
  for (const auto& r : why)
    if (r.where.known()) f.related.push_back({r.where, std::string(dir) + ": " + r.Describe(m)});
}


// --------------------------------------------------- not isolated (both)

// A workload that accepts connections: it declares a container port, or a
// Service sends traffic to it. Jobs and CronJobs run to completion and
// listen on nothing a policy would protect.
bool Listens(const AnalysisContext& ctx, std::uint32_t ep, const std::set<std::uint32_t>& service_backed) {
  const k8s::Workload& w = Rep(ctx, ep);
  if (w.kind == "Job" || w.kind == "CronJob" || w.owner_kind == "Job") return false;
  if (service_backed.count(ep)) return true;
  for (const auto& c : w.containers)
    if (!c.ports.empty()) return true;
  return false;
}

void NotIsolated(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out, bool ingress) {
  net::Engine& e = ctx.Net();
  int ext = ExternalAt(e, ingress ? "0.0.0.0" : "8.8.8.8", ingress);
  if (ext < 0) return;
  std::set<std::uint32_t> service_backed;
  if (ingress)
    for (const auto& svc : ctx.model().k8s_services)
      for (const auto& [target, ports] : e.ServiceTargets(svc)) service_backed.insert(target);
  for (std::uint32_t ep = 0; ep < e.endpoints().size(); ++ep) {
    const auto& x = e.endpoints()[ep];
    if (x.kind != EndpointKind::kPod || x.host_network) continue;
    if (ingress && !Listens(ctx, ep, service_backed)) continue;
    if (ingress ? e.IngressIsolated(ep) : e.EgressIsolated(ep)) continue;
    auto src = ingress ? static_cast<std::uint32_t>(ext) : ep;
    auto dst = ingress ? ep : static_cast<std::uint32_t>(ext);
    std::vector<net::Reason> why;
    ConnTable::Id c = ingress ? e.Ingress(src, dst, &why) : e.Egress(src, dst, &why);
    if (c == ConnTable::kNone) continue;  // an admin policy closes it
    Finding f;
    f.rule = &info;
    f.severity = info.severity;
    f.primary = x.where;
    f.entity = x.Display();
    f.message = rbac::WorkloadName(Rep(ctx, ep)) + " is selected by no NetworkPolicy with " +
                (ingress ? "Ingress" : "Egress") + " in its policyTypes: " +
                (ingress ? "any pod or address can connect to it (" : "it can connect to any pod or address (") +
                e.conns().Get(c).Format() + ")";
    AddReasons(ctx.model(), why, f, ingress ? "ingress" : "egress");
    e.ConnectionWitness(f.witness, src, dst, c);
    f.group_key = std::string(info.id) + "|namespace " + x.ns;
    f.group_label = rbac::WorkloadName(Rep(ctx, ep));
    out.Add(std::move(f));
  }
}

constexpr RuleInfo kIngressNotIsolated{
    "netpol-ingress-not-isolated", "Pod not isolated for ingress", Severity::kLow,
    "No NetworkPolicy selects the pods of this workload with Ingress in its policyTypes, so every pod of the "
    "cluster and every address that can route to it may open any connection to them. One compromised pod "
    "anywhere reaches them directly.",
    "Add a default-deny ingress policy to the namespace (podSelector: {}, policyTypes: [Ingress]) and allow "
    "only the sources each workload needs."};

constexpr RuleInfo kEgressNotIsolated{
    "netpol-egress-not-isolated", "Pod not isolated for egress", Severity::kLow,
    "No NetworkPolicy selects the pods of this workload with Egress in its policyTypes, so they may open any "
    "connection to any pod and any address: data exfiltration, lateral movement and cloud metadata access "
    "are not restricted.",
    "Add a default-deny egress policy to the namespace (podSelector: {}, policyTypes: [Egress]) with an allow "
    "rule for DNS, then allow each workload's real destinations."};

// ------------------------------------------------------ internet exposed

void InternetExposed(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  net::Engine& e = ctx.Net();
  const Model& m = ctx.model();
  for (const auto& x : e.InternetExposures()) {
    std::vector<net::Reason> why;
    e.Ingress(x.source, x.endpoint, &why);
    Finding f;
    f.rule = &info;
    f.severity = info.severity;
    if (x.service >= 0) {
      const auto& svc = m.k8s_services[static_cast<std::size_t>(x.service)];
      f.primary = svc.meta.where;
      f.entity = "Service/" + svc.meta.ns + "/" + svc.meta.name + ">" + e.endpoints()[x.endpoint].Display();
      f.message = rbac::WorkloadName(Rep(ctx, x.endpoint)) + " is reachable from outside the cluster through " +
                  svc.type + " Service '" + svc.meta.ns + "/" + svc.meta.name + "' on " +
                  e.conns().Get(x.conn).Format() + (e.IngressIsolated(x.endpoint) ? "" : " (no ingress policy isolates it)");
    } else {
      const auto& ing = m.k8s_ingresses[static_cast<std::size_t>(x.ingress)];
      const auto& be = ing.backends[static_cast<std::size_t>(x.backend)];
      f.primary = be.where;
      f.entity = ing.kind + "/" + ing.meta.ns + "/" + ing.meta.name + ">" + e.endpoints()[x.endpoint].Display();
      f.message = rbac::WorkloadName(Rep(ctx, x.endpoint)) + " is reachable from outside the cluster through " + ing.kind +
                  " '" + ing.meta.ns + "/" + ing.meta.name + "' (Service '" + be.service + "'" +
                  (be.host.empty() ? "" : ", host " + be.host) + ") on " + e.conns().Get(x.conn).Format();
    }
    f.related.push_back({e.endpoints()[x.endpoint].where, "backing workload"});
    AddReasons(m, why, f, "ingress");
    e.ConnectionWitness(f.witness, x.source, x.endpoint, x.conn);
    out.Add(std::move(f));
  }
}

constexpr RuleInfo kInternetExposed{
    "netpol-internet-exposed", "Workload reachable from the internet", Severity::kHigh,
    "A LoadBalancer or NodePort Service, an Ingress or a Route sends outside traffic to this workload's pods, "
    "and their ingress policies let it through on the target port. Anything on the internet (or on the "
    "nodes' network) can talk to it.",
    "If the exposure is intended, restrict the sources with an ingress policy (ipBlock of the load balancer "
    "or of known clients, or the ingress controller's namespace); otherwise use a ClusterIP Service."};

// ------------------------------------------------------ metadata egress

// What a pod's reach to instance metadata is worth: medium when the input
// shows cloud credentials there or on the workload (a node instance role
// mapped by aws-auth or an EC2 access entry; an IRSA, Pod Identity, GKE or
// Azure workload identity), low otherwise (the node may hold none).
struct CloudIdentity {
  std::string node_role;  // why the node has credentials, "" when the input does not say
  std::set<std::pair<std::string, std::string>> workload_accounts;  // (ns, sa) with a cloud identity
};

CloudIdentity CloudIdentities(const Model& m) {
  CloudIdentity c;
  for (const auto& a : m.k8s_aws_auth)
    if (a.kind == k8s::AwsAuthEntry::Kind::kRole &&
        std::find(a.groups.begin(), a.groups.end(), "system:nodes") != a.groups.end()) {
      c.node_role = "aws-auth maps the node role " + a.arn;
      break;
    }
  if (c.node_role.empty())
    for (const auto& a : m.eks_access_entries)
      if (a.type.rfind("EC2", 0) == 0) {
        c.node_role = "an EKS access entry of type " + a.type + " names the node role " + a.principal_arn;
        break;
      }
  for (const auto& sa : m.k8s_service_accounts)
    for (const char* key : {"eks.amazonaws.com/role-arn", "iam.gke.io/gcp-service-account", "azure.workload.identity/client-id"})
      if (sa.meta.annotations.count(key)) c.workload_accounts.insert({sa.meta.ns, sa.meta.name});
  for (const auto& p : m.eks_pod_identities) c.workload_accounts.insert({p.ns, p.service_account});
  return c;
}

void MetadataEgress(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  net::Engine& e = ctx.Net();
  int md = ExternalAt(e, "169.254.169.254", false);
  if (md < 0) return;
  auto dst = static_cast<std::uint32_t>(md);
  const CloudIdentity cloud = CloudIdentities(ctx.model());
  for (std::uint32_t ep = 0; ep < e.endpoints().size(); ++ep) {
    if (e.endpoints()[ep].kind != EndpointKind::kPod) continue;
    ConnTable::Id c = e.Allowed(ep, dst);
    if (!e.conns().Get(c).Contains(net::kTCP, 80)) continue;
    std::vector<net::Reason> why;
    e.Egress(ep, dst, &why);
    Finding f;
    f.rule = &info;
    const k8s::Workload& w = Rep(ctx, ep);
    bool workload_cloud = cloud.workload_accounts.count({w.meta.ns, w.service_account}) > 0;
    f.severity = !cloud.node_role.empty() || workload_cloud ? info.severity : Severity::kLow;
    f.primary = e.endpoints()[ep].where;
    f.entity = e.endpoints()[ep].Display();
    std::string worth = !cloud.node_role.empty()
                            ? " (" + cloud.node_role + ")"
                            : workload_cloud ? " (its service account has a cloud identity)"
                                             : " (the input shows no cloud credentials for the node or the workload)";
    // Whether a rule allowed it, or a default did (no policy, or after a
    // Pass: Calico's namespace profile).
    bool by_rule = false;
    for (const auto& r : why)
      by_rule = by_rule || (r.action == "Allow" && r.rule >= 0 && e.conns().Get(r.conns).Contains(net::kTCP, 80));
    f.message = rbac::WorkloadName(Rep(ctx, ep)) + " can connect to the cloud metadata endpoint 169.254.169.254 "
                "(TCP 80)" + (by_rule ? ": an egress rule allows it"
                              : e.EgressIsolated(ep) ? ": no rule denies it before the default allow"
                                                     : ": no egress policy isolates it") +
                worth;
    AddReasons(ctx.model(), why, f, "egress");
    net::PortSet p80;
    p80.Add(net::kTCP, 80, 80);
    e.ConnectionWitness(f.witness, ep, dst, e.conns().Intern(p80), "169.254.169.254");
    f.group_key = std::string(info.id) + "|namespace " + e.endpoints()[ep].ns;
    f.group_label = rbac::WorkloadName(Rep(ctx, ep));
    out.Add(std::move(f));
  }
}

constexpr RuleInfo kMetadataEgress{
    "netpol-metadata-egress", "Pod can reach the cloud metadata endpoint", Severity::kMedium,
    "The pods may connect to 169.254.169.254, the instance metadata service of AWS, GCP and Azure. Without "
    "IMDSv2 hop limits or a metadata proxy, a pod (or an SSRF in it) reads the node's cloud credentials there.",
    "Isolate egress and exclude 169.254.169.254/32 from ipBlock allows (except: [169.254.169.254/32]), or "
    "block it with an AdminNetworkPolicy Deny rule for all namespaces."};

// -------------------------------------------- egress to all, all ports

void EgressInternetAllPorts(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  net::Engine& e = ctx.Net();
  const Model& m = ctx.model();
  for (std::uint32_t pi = 0; pi < m.k8s_network_policies.size(); ++pi) {
    const auto& p = m.k8s_network_policies[pi];
    if (!p.egress_type) continue;
    for (std::size_t r = 0; r < p.egress.size(); ++r) {
      const auto& rule = p.egress[r];
      if (!rule.ports.empty()) continue;
      bool everywhere = rule.peers.empty();
      for (const auto& peer : rule.peers)
        if (peer.ip_block && peer.except.empty() && (peer.cidr == "0.0.0.0/0" || peer.cidr == "::/0"))
          everywhere = true;
      if (!everywhere) continue;
      Finding f;
      f.rule = &info;
      // `egress: [{}]` is an explicit, deliberate allow-all: low. An ipBlock
      // of the whole address space without ports reads as a mistake: medium.
      f.severity = rule.peers.empty() ? Severity::kLow : info.severity;
      f.primary = rule.where;
      f.entity = "NetworkPolicy/" + p.meta.ns + "/" + p.meta.name + "#egress" + std::to_string(r + 1);
      const auto& sel = e.PolicySelects(pi);
      f.message = PolicyName(p) + " egress rule #" + std::to_string(r + 1) +
                  " allows every port to every address (" + std::to_string(sel.size()) + " workload(s) selected)";
      f.related.push_back({p.meta.where, "policy"});
      int dst = ExternalAt(e, "8.8.8.8", false);
      if (!sel.empty() && dst >= 0)
        e.ConnectionWitness(f.witness, sel.front(), static_cast<std::uint32_t>(dst), ConnTable::kAll);
      else {
        f.witness.kind = "connection";
        f.witness.Add("dst", "0.0.0.0/0");
        f.witness.Add("allowed", "All Connections");
      }
      out.Add(std::move(f));
    }
  }
}

constexpr RuleInfo kEgressInternetAllPorts{
    "netpol-egress-internet-all-ports", "Egress rule allows every port to every address", Severity::kMedium,
    "An egress rule without ports whose destination is everything (no `to`, or an ipBlock 0.0.0.0/0 or ::/0 "
    "without except) undoes egress isolation for the pods it selects: any address, any port, any protocol.",
    "List the destinations and ports the workload needs; if it must reach the internet, allow 443 only and "
    "except private ranges and 169.254.169.254/32."};

// ---------------------------------------- sensitive namespace access

void SensitiveAccess(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  net::Engine& e = ctx.Net();
  std::set<std::string> sensitive(ctx.options().sensitive_namespaces.begin(), ctx.options().sensitive_namespaces.end());
  const auto& eps = e.endpoints();
  for (std::uint32_t d = 0; d < eps.size(); ++d) {
    if (eps[d].kind != EndpointKind::kPod || !sensitive.count(eps[d].ns)) continue;
    std::size_t pods = 0, ranges = 0;
    int first = -1;
    ConnTable::Id first_c = ConnTable::kNone;
    for (std::uint32_t s = 0; s < eps.size(); ++s) {
      bool pod = eps[s].kind == EndpointKind::kPod;
      if (pod && eps[s].ns == eps[d].ns) continue;
      if (!pod && !(eps[s].kind == EndpointKind::kExternal && eps[s].source_side)) continue;
      ConnTable::Id c = e.Allowed(s, d);
      if (c == ConnTable::kNone) continue;
      (pod ? pods : ranges)++;
      if (first < 0 || (pod && eps[first].kind != EndpointKind::kPod)) {
        first = static_cast<int>(s);
        first_c = c;
      }
    }
    if (first < 0) continue;
    std::vector<net::Reason> why;
    e.Ingress(static_cast<std::uint32_t>(first), d, &why);
    Finding f;
    f.rule = &info;
    f.severity = info.severity;
    f.primary = eps[d].where;
    f.entity = eps[d].Display();
    f.message = rbac::WorkloadName(Rep(ctx, d)) + " in sensitive namespace '" + eps[d].ns + "' can be reached by " +
                std::to_string(pods) + " workload(s) of other namespaces and " + std::to_string(ranges) +
                " external address range(s)";
    AddReasons(ctx.model(), why, f, "ingress");
    e.ConnectionWitness(f.witness, static_cast<std::uint32_t>(first), d, first_c);
    out.Add(std::move(f));
  }
}

constexpr RuleInfo kSensitiveAccess{
    "netpol-sensitive-namespace-access", "Sensitive namespace reachable from other namespaces", Severity::kMedium,
    "Pods of a sensitive namespace (kube-system by default, more with --sensitive-namespace) accept connections "
    "from workloads of other namespaces or from outside the cluster. Control-plane add-ons there (DNS, "
    "metrics, CNI agents, dashboards) are prime targets for lateral movement.",
    "Isolate the namespace for ingress and allow only what other namespaces need (typically DNS on UDP/TCP 53 "
    "to the DNS pods)."};

// ------------------------------------------------------------ dead policy

void DeadPolicy(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  net::Engine& e = ctx.Net();
  const Model& m = ctx.model();
  bool any_pod = std::any_of(e.endpoints().begin(), e.endpoints().end(),
                             [](const net::Endpoint& x) { return x.kind == EndpointKind::kPod; });
  if (!any_pod) return;  // workloads are not part of the input: nothing to judge by
  for (std::uint32_t pi = 0; pi < m.k8s_network_policies.size(); ++pi) {
    const auto& p = m.k8s_network_policies[pi];
    auto base = [&](SourceRange where, std::string msg, std::string entity) {
      Finding f;
      f.rule = &info;
      f.severity = info.severity;
      f.primary = where;
      f.entity = std::move(entity);
      f.message = std::move(msg);
      f.witness.kind = "policy";
      f.witness.Add("policy", p.meta.ns + "/" + p.meta.name);
      return f;
    };
    if (e.PolicySelects(pi).empty()) {
      Finding f = base(p.pod_selector.where.known() ? p.pod_selector.where : p.meta.where,
                       PolicyName(p) + " selects no pod of the input: it has no effect",
                       "NetworkPolicy/" + p.meta.ns + "/" + p.meta.name);
      f.witness.Add("selected", "0");
      out.Add(std::move(f));
      continue;
    }
    for (int dir = 0; dir < 2; ++dir) {
      const auto& rules = dir == 0 ? p.ingress : p.egress;
      for (std::size_t r = 0; r < rules.size(); ++r) {
        if (rules[r].peers.empty()) continue;
        bool live = false;
        for (std::size_t k = 0; k < rules[r].peers.size() && !live; ++k) {
          if (rules[r].peers[k].ip_block) live = true;
          for (std::uint32_t ep = 0; ep < e.endpoints().size() && !live; ++ep)
            live = e.endpoints()[ep].kind != EndpointKind::kExternal && e.NpPeerMatches(pi, dir == 0, r, k, ep);
        }
        if (live) continue;
        const char* d = dir == 0 ? "ingress" : "egress";
        Finding f = base(rules[r].where,
                         PolicyName(p) + " " + d + " rule #" + std::to_string(r + 1) +
                             " matches no pod of the input: it allows nothing",
                         "NetworkPolicy/" + p.meta.ns + "/" + p.meta.name + "#" + d + std::to_string(r + 1));
        f.witness.Add("rule", std::string(d) + " #" + std::to_string(r + 1));
        out.Add(std::move(f));
      }
    }
  }
}

constexpr RuleInfo kDeadPolicy{
    "netpol-dead-policy", "NetworkPolicy or rule that matches nothing", Severity::kLow,
    "A NetworkPolicy whose podSelector selects no pod of the input, or a rule whose peers select no pod, does "
    "nothing. It is usually a typo in a label or namespace, and the traffic it was meant to allow or isolate "
    "is not handled as intended.",
    "Fix the selector (labels and namespace labels are case-sensitive; namespaceSelector matches namespace "
    "labels, including kubernetes.io/metadata.name) or delete the policy."};

// ---------------------------------------------------------- redundant rule

void RedundantRule(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  net::Engine& e = ctx.Net();
  const Model& m = ctx.model();
  const auto& eps = e.endpoints();
  for (std::uint32_t pi = 0; pi < m.k8s_network_policies.size(); ++pi) {
    const auto& p = m.k8s_network_policies[pi];
    const auto& selected = e.PolicySelects(pi);
    if (selected.empty()) continue;
    for (int dir = 0; dir < 2; ++dir) {
      bool ingress = dir == 0;
      const auto& rules = ingress ? p.ingress : p.egress;
      auto matches = [&](std::size_t r, std::uint32_t ep) {
        if (rules[r].peers.empty()) return true;
        for (std::size_t k = 0; k < rules[r].peers.size(); ++k)
          if (e.NpPeerMatches(pi, ingress, r, k, ep)) return true;
        return false;
      };
      for (std::size_t r = 0; r < rules.size(); ++r) {
        for (std::size_t o = 0; o < rules.size(); ++o) {
          if (o == r) continue;
          // r is redundant when every peer it matches, o matches too, with
          // at least r's ports (ports resolve per destination pod).
          bool covered = true;
          for (std::uint32_t ep = 0; ep < eps.size() && covered; ++ep) {
            if (eps[ep].kind == EndpointKind::kIngressController) continue;
            if (!matches(r, ep)) continue;
            if (!matches(o, ep)) covered = false;
            for (std::uint32_t d : ingress ? selected : std::vector<std::uint32_t>{ep}) {
              if (!covered) break;
              ConnTable::Id cr = e.NpRuleConns(pi, ingress, r, d);
              ConnTable::Id co = e.NpRuleConns(pi, ingress, o, d);
              covered = e.conns().Subtract(cr, co) == ConnTable::kNone;
            }
          }
          // Two identical rules: report only the later one.
          if (!covered) continue;
          bool mutual = true;
          for (std::uint32_t ep = 0; ep < eps.size() && mutual; ++ep)
            if (eps[ep].kind != EndpointKind::kIngressController && matches(o, ep) && !matches(r, ep)) mutual = false;
          if (mutual && o > r) continue;
          const char* d = ingress ? "ingress" : "egress";
          Finding f;
          f.rule = &info;
          f.severity = info.severity;
          f.primary = rules[r].where;
          f.entity = "NetworkPolicy/" + p.meta.ns + "/" + p.meta.name + "#" + d + std::to_string(r + 1);
          f.message = PolicyName(p) + " " + d + " rule #" + std::to_string(r + 1) + " is covered by " + d +
                      " rule #" + std::to_string(o + 1) + ": removing it changes nothing for the pods of the input";
          f.related.push_back({rules[o].where, "covering rule"});
          f.witness.kind = "policy";
          f.witness.Add("policy", p.meta.ns + "/" + p.meta.name);
          f.witness.Add("redundant", std::string(d) + " #" + std::to_string(r + 1));
          f.witness.Add("covered_by", std::string(d) + " #" + std::to_string(o + 1));
          out.Add(std::move(f));
          break;
        }
      }
    }
  }
}

constexpr RuleInfo kRedundantRule{
    "netpol-redundant-rule", "NetworkPolicy rule made redundant by another", Severity::kInfo,
    "Every peer this rule matches is matched by another rule of the same policy and direction, with at least "
    "the same ports. The rule adds nothing; it often hides a mistake (a narrower rule that was meant to be "
    "the only one, or a wider rule that should not be there).",
    "Delete the redundant rule, or narrow the covering rule if it was not meant to allow that much."};

// ------------------------------------------------------------ hostNetwork

void HostNetwork(const RuleInfo& info, const AnalysisContext& ctx, FindingSink& out) {
  net::Engine& e = ctx.Net();
  for (std::uint32_t ep = 0; ep < e.endpoints().size(); ++ep) {
    const auto& x = e.endpoints()[ep];
    if (x.kind != EndpointKind::kPod || !x.host_network || k8s::IsHostEndpoint(Rep(ctx, ep))) continue;
    const auto& w = Rep(ctx, ep);
    Finding f;
    f.rule = &info;
    f.severity = info.severity;
    f.primary = w.host_network_where.known() ? w.host_network_where : x.where;
    f.entity = x.Display();
    f.message = rbac::WorkloadName(w) + " uses the node's network (hostNetwork): NetworkPolicy neither isolates "
                "it nor selects it as a peer";
    f.related.push_back({x.where, "workload"});
    f.witness.kind = "endpoint";
    f.witness.Add("endpoint", x.Display());
    f.witness.Add("hostNetwork", "true");
    out.Add(std::move(f));
  }
}

constexpr RuleInfo kHostNetwork{
    "netpol-host-network", "Pod outside NetworkPolicy (hostNetwork)", Severity::kInfo,
    "Pods with hostNetwork: true share the node's network namespace and address. NetworkPolicy does not apply "
    "to them in most CNIs (the API leaves it undefined), and their traffic carries the node's IP, so pod "
    "selectors in other policies do not match it.",
    "Avoid hostNetwork unless the pod must bind node ports (CNI agents, node exporters); protect such pods "
    "with host firewall rules or CNI host endpoint policies."};

constexpr RuleInfo kIntentViolation{
    "netpol-intent-violation", "Connectivity intent violated", Severity::kHigh,
    "A flow stated in an intents file (`grantpath net intents`) is not as required: a connection that must not "
    "exist is allowed, a connection that must exist is denied, or a source outside the allowed ones can reach "
    "the protected pods. Reported by `net intents` only, never by `scan`.",
    "Change the policies so that the intent holds (the witness names a connection and the rules deciding it), "
    "or update the intent if the requirement changed."};

void NoScan(const RuleInfo&, const AnalysisContext&, FindingSink&) {}

}  // namespace

const RuleInfo& IntentViolationInfo() { return kIntentViolation; }
std::unique_ptr<Rule> MakeNetpolIntentViolation() { return std::make_unique<FnRule>(kIntentViolation, NoScan); }

std::unique_ptr<Rule> MakeNetpolIngressNotIsolated() {
  return std::make_unique<FnRule>(kIngressNotIsolated, [](const RuleInfo& i, const AnalysisContext& c, FindingSink& o) {
    NotIsolated(i, c, o, true);
  });
}
std::unique_ptr<Rule> MakeNetpolEgressNotIsolated() {
  return std::make_unique<FnRule>(kEgressNotIsolated, [](const RuleInfo& i, const AnalysisContext& c, FindingSink& o) {
    NotIsolated(i, c, o, false);
  });
}
std::unique_ptr<Rule> MakeNetpolInternetExposed() { return std::make_unique<FnRule>(kInternetExposed, InternetExposed); }
std::unique_ptr<Rule> MakeNetpolMetadataEgress() { return std::make_unique<FnRule>(kMetadataEgress, MetadataEgress); }
std::unique_ptr<Rule> MakeNetpolEgressInternetAllPorts() {
  return std::make_unique<FnRule>(kEgressInternetAllPorts, EgressInternetAllPorts);
}
std::unique_ptr<Rule> MakeNetpolSensitiveNamespaceAccess() {
  return std::make_unique<FnRule>(kSensitiveAccess, SensitiveAccess);
}
std::unique_ptr<Rule> MakeNetpolDeadPolicy() { return std::make_unique<FnRule>(kDeadPolicy, DeadPolicy); }
std::unique_ptr<Rule> MakeNetpolRedundantRule() { return std::make_unique<FnRule>(kRedundantRule, RedundantRule); }
std::unique_ptr<Rule> MakeNetpolHostNetwork() { return std::make_unique<FnRule>(kHostNetwork, HostNetwork); }

}  // namespace grantpath::rules
