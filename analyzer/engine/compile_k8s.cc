// Kubernetes NetworkPolicy, AdminNetworkPolicy and
// BaselineAdminNetworkPolicy into the policy form: the ANPs in a
// first-match tier by priority (end: Pass), the NetworkPolicies in a union
// tier (end: Deny), the BANP in a first-match tier (end: Pass); then allow.
#include <algorithm>

#include "engine/policy_form.h"

namespace grantpath::net {

const char* ActionName(Action a) {
  switch (a) {
    case Action::kAllow: return "Allow";
    case Action::kDeny: return "Deny";
    case Action::kPass: return "Pass";
    case Action::kLog: return "Log";
  }
  return "?";
}

namespace {

Action ParseAction(const std::string& s) {
  return s == "Allow" || s == "Accept" ? Action::kAllow : s == "Deny" ? Action::kDeny : Action::kPass;
}

FormPorts NpPorts(const std::vector<k8s::NetworkPolicyPort>& ports) {
  FormPorts out;
  if (ports.empty()) return out;
  out.all = false;
  for (const auto& p : ports) {
    auto proto = ParseProtocol(p.protocol);
    if (!proto) continue;
    if (p.any_port) out.ports.Add(*proto, 1, 65535);
    else if (!p.port_name.empty()) out.named.emplace_back(*proto, p.port_name);
    else out.ports.Add(*proto, p.port, p.end_port.value_or(p.port));
  }
  return out;
}

FormPorts AdminPorts(const k8s::AdminPolicyRule& rule) {
  FormPorts out;
  if (!rule.ports_given) return out;
  out.all = false;
  for (const auto& p : rule.ports) {
    if (p.type == k8s::AdminPolicyPort::Type::kNamed) {
      out.named.emplace_back(-1, p.name);
      continue;
    }
    auto proto = ParseProtocol(p.protocol);
    if (!proto) continue;
    out.ports.Add(*proto, p.port, p.type == k8s::AdminPolicyPort::Type::kRange ? p.end_port : p.port);
  }
  return out;
}

}  // namespace

void CompileKubernetes(FormBuilder& b, PolicyForm& form,
                       std::vector<std::array<std::vector<std::vector<std::uint32_t>>, 2>>& np_peers) {
  const Model& model = b.model;
  const std::map<std::string, std::string> no_labels;
  auto controller = [&](std::uint32_t id, const k8s::LabelSelector* ns_sel, const k8s::LabelSelector* pod_sel) {
    // The ingress controller is a pod of an unknown namespace: only
    // selectors that match any labels (and an explicit namespace
    // selector) can select it.
    if (ns_sel != nullptr && ns_sel->Matches(no_labels) && (pod_sel == nullptr || pod_sel->Matches(no_labels)))
      b.add_controller(id);
  };

  FormTier admin{"kube-admin", false, Action::kPass, {}, {}};
  FormTier np_tier{"default", true, Action::kDeny, {}, {}};
  FormTier baseline{"kube-baseline", false, Action::kPass, {}, {}};

  np_peers.assign(model.k8s_network_policies.size(), {});
  for (std::uint32_t pi = 0; pi < model.k8s_network_policies.size(); ++pi) {
    const auto& p = model.k8s_network_policies[pi];
    FormPolicy fp;
    fp.origin = Origin::kNetworkPolicy;
    fp.index = pi;
    fp.kind = p.kind;
    fp.name = p.meta.ns + "/" + p.meta.name;
    fp.applies = {p.ingress_type, p.egress_type};
    fp.where = p.meta.where;
    for (int dir = 0; dir < 2; ++dir) {
      const auto& rules = dir == 0 ? p.ingress : p.egress;
      auto& ids = np_peers[pi][dir];
      ids.resize(rules.size());
      for (std::size_t r = 0; r < rules.size(); ++r) {
        FormRule fr;
        fr.action = Action::kAllow;
        fr.index = static_cast<int>(r);
        fr.label = "#" + std::to_string(r + 1);
        fr.where = rules[r].where;
        fr.ports = NpPorts(rules[r].ports);
        for (const auto& peer : rules[r].peers) {
          std::uint32_t id = b.new_peer();
          ids[r].push_back(id);
          if (peer.ip_block) {
            auto range = ParseCidr(peer.cidr);
            if (!range) continue;
            std::vector<IpRange> except;
            for (const auto& x : peer.except)
              if (auto xr = ParseCidr(x)) except.push_back(*xr);
            b.add_nets(id, *range, except);
            continue;
          }
          const k8s::LabelSelector* ns_sel = peer.namespace_selector ? &*peer.namespace_selector : nullptr;
          const k8s::LabelSelector* pod_sel = peer.pod_selector ? &*peer.pod_selector : nullptr;
          b.add_pods(id, b.select_pods(ns_sel, p.meta.ns, pod_sel));
          controller(id, ns_sel, pod_sel);
        }
        fr.peers = ids[r];
        fr.any_peer = fr.peers.empty();
        fp.rules[dir].push_back(std::move(fr));
      }
    }
    fp.subjects = b.select_pods(nullptr, p.meta.ns, &p.pod_selector);
    np_tier.policies.push_back(std::move(fp));
  }

  // Admin policies: in the admin tier, ANPs and Admin-tier
  // ClusterNetworkPolicies by priority then name (the order among equal
  // priorities is undefined upstream: warn); in the baseline tier, the
  // Baseline-tier ClusterNetworkPolicies the same way, then the BANP.
  int banp = -1;
  std::vector<std::uint32_t> order, baseline_order;
  for (std::uint32_t i = 0; i < model.k8s_admin_policies.size(); ++i) {
    const auto& ap = model.k8s_admin_policies[i];
    if (ap.banp()) {
      if (banp >= 0) {
        b.sink.Warning("duplicate-banp", "more than one BaselineAdminNetworkPolicy; only the first is used",
                       ap.meta.where);
        continue;
      }
      banp = static_cast<int>(i);
    } else {
      (ap.baseline ? baseline_order : order).push_back(i);
    }
  }
  for (auto* tier_order : {&order, &baseline_order}) {
    std::sort(tier_order->begin(), tier_order->end(), [&](std::uint32_t x, std::uint32_t y) {
      const auto& a = model.k8s_admin_policies[x];
      const auto& c = model.k8s_admin_policies[y];
      return std::tie(a.priority, a.meta.name) < std::tie(c.priority, c.meta.name);
    });
    for (std::size_t i = 1; i < tier_order->size(); ++i) {
      const auto& a = model.k8s_admin_policies[(*tier_order)[i - 1]];
      const auto& c = model.k8s_admin_policies[(*tier_order)[i]];
      if (a.priority == c.priority)
        b.sink.Warning("anp-same-priority",
                       a.kind + " '" + a.meta.name + "' and " + c.kind + " '" + c.meta.name +
                           "' have the same priority " + std::to_string(a.priority) +
                           (a.baseline ? " in the Baseline tier" : "") +
                           ": their order is undefined (evaluated by name here)",
                       c.priority_where.known() ? c.priority_where : c.meta.where);
    }
  }
  bool warned_nodes = false, warned_domains = false;
  // Pod IPs (from status), parsed once, for ANP `networks` peers.
  std::vector<std::pair<std::uint32_t, IpRange>> pod_ips;
  if (!model.k8s_admin_policies.empty())
    for (std::uint32_t ep = 0; ep < b.pod_count; ++ep)
      if (b.in_focus(ep))
        for (const auto& ip : b.pod_ips(ep))
          if (auto a = ParseCidr(ip)) pod_ips.emplace_back(ep, *a);
  // Peers in record order (as the rules that read them expect), policies
  // in evaluation order.
  std::vector<FormPolicy> compiled(model.k8s_admin_policies.size());
  for (std::uint32_t ai = 0; ai < model.k8s_admin_policies.size(); ++ai) {
    const auto& ap = model.k8s_admin_policies[ai];
    FormPolicy& fp = compiled[ai];
    fp.origin = ap.baseline ? Origin::kBaseline : Origin::kAdmin;
    fp.index = ai;
    fp.kind = ap.kind;
    fp.name = ap.meta.name;
    fp.where = ap.meta.where;
    fp.applies = ap.banp() ? std::array<bool, 2>{true, true}
                                                         : std::array<bool, 2>{!ap.ingress.empty(), !ap.egress.empty()};
    for (int dir = 0; dir < 2; ++dir) {
      const auto& rules = dir == 0 ? ap.ingress : ap.egress;
      for (std::size_t r = 0; r < rules.size(); ++r) {
        FormRule fr;
        fr.action = ParseAction(rules[r].action);
        fr.index = static_cast<int>(r);
        fr.label = rules[r].name.empty() ? "#" + std::to_string(r + 1) : "'" + rules[r].name + "'";
        fr.where = rules[r].where;
        fr.ports = AdminPorts(rules[r]);
        for (const auto& peer : rules[r].peers) {
          std::uint32_t id = b.new_peer();
          fr.peers.push_back(id);
          using T = k8s::AdminPolicyPeer::Type;
          if (peer.type == T::kNamespaces || peer.type == T::kPods) {
            const k8s::LabelSelector* pod_sel = peer.type == T::kPods ? &peer.pod_selector : nullptr;
            b.add_pods(id, b.select_pods(&peer.namespace_selector, "", pod_sel));
            controller(id, &peer.namespace_selector, pod_sel);
          } else if (peer.type == T::kNetworks) {
            std::vector<IpRange> nets;
            for (const auto& c : peer.networks)
              if (auto r2 = ParseCidr(c)) nets.push_back(*r2);
            for (const auto& net : nets) b.add_nets(id, net, {});
            std::vector<std::uint32_t> pods;
            for (const auto& [ep, ip] : pod_ips)
              if (std::any_of(nets.begin(), nets.end(), [&](const IpRange& net) { return net.Contains(ip); }))
                pods.push_back(ep);
            b.add_pods(id, pods);
          } else if (peer.type == T::kDomainNames) {
            // Names resolve at run time: the Accept rule matches nothing
            // here, as the API says to fail closed for Accept.
            if (!warned_domains) {
              warned_domains = true;
              b.sink.Warning("unsupported-construct",
                             "'domainNames' peers are not modeled (names resolve at run time): the connections they "
                             "accept are not in the results",
                             peer.where);
            }
          } else if (!warned_nodes) {
            warned_nodes = true;
            b.sink.Warning("unsupported-construct",
                           "'nodes' peers are not modeled (node addresses are unknown): connections to nodes "
                           "are not in the results",
                           peer.where);
          }
        }
        fp.rules[dir].push_back(std::move(fr));
      }
    }
    if (ap.banp() && static_cast<int>(ai) != banp) continue;
    fp.subjects = b.select_pods(&ap.subject_namespaces, "", ap.subject_pods ? &ap.subject_pod_selector : nullptr);
  }
  for (std::uint32_t ai : order) admin.policies.push_back(std::move(compiled[ai]));
  for (std::uint32_t ai : baseline_order) baseline.policies.push_back(std::move(compiled[ai]));
  if (banp >= 0) baseline.policies.push_back(std::move(compiled[static_cast<std::size_t>(banp)]));
  form.tiers.push_back(std::move(admin));
  form.tiers.push_back(std::move(np_tier));
  form.tiers.push_back(std::move(baseline));
}

}  // namespace grantpath::net
