#include "grantpath/model/model.h"

#include <iterator>

namespace grantpath {

std::string SubjectKey::Display() const {
  return kind + " '" + (kind == "ServiceAccount" ? ns + "/" : std::string()) + name + "'";
}

std::string SubjectKey::Username() const {
  if (kind == "ServiceAccount") return "system:serviceaccount:" + ns + ":" + name;
  return name;
}

std::size_t Model::AddRole(k8s::Role r) {
  k8s_roles.push_back(std::move(r));
  return k8s_roles.size() - 1;
}
std::size_t Model::AddBinding(k8s::Binding b) {
  k8s_bindings.push_back(std::move(b));
  return k8s_bindings.size() - 1;
}
std::size_t Model::AddServiceAccount(k8s::ServiceAccount sa) {
  k8s_service_accounts.push_back(std::move(sa));
  return k8s_service_accounts.size() - 1;
}
std::size_t Model::AddNamespace(k8s::Namespace ns) {
  k8s_namespaces.push_back(std::move(ns));
  return k8s_namespaces.size() - 1;
}
std::size_t Model::AddWorkload(k8s::Workload w) {
  k8s_workloads.push_back(std::move(w));
  return k8s_workloads.size() - 1;
}
std::size_t Model::AddNetworkPolicy(k8s::NetworkPolicy p) {
  k8s_network_policies.push_back(std::move(p));
  return k8s_network_policies.size() - 1;
}
std::size_t Model::AddOther(k8s::OtherObject o) {
  k8s_other.push_back(std::move(o));
  return k8s_other.size() - 1;
}
std::size_t Model::AddIamPolicy(iam::Policy p) {
  iam_policies.push_back(std::move(p));
  return iam_policies.size() - 1;
}
std::size_t Model::AddIamPrincipal(iam::Principal p) {
  iam_principals.push_back(std::move(p));
  return iam_principals.size() - 1;
}

void Model::Absorb(Model&& other) {
  for (auto& r : other.k8s_roles) AddRole(std::move(r));
  for (auto& b : other.k8s_bindings) AddBinding(std::move(b));
  for (auto& sa : other.k8s_service_accounts) AddServiceAccount(std::move(sa));
  for (auto& ns : other.k8s_namespaces) AddNamespace(std::move(ns));
  for (auto& w : other.k8s_workloads) AddWorkload(std::move(w));
  for (auto& p : other.k8s_network_policies) AddNetworkPolicy(std::move(p));
  for (auto& o : other.k8s_other) AddOther(std::move(o));
  for (auto& a : other.k8s_aws_auth) k8s_aws_auth.push_back(std::move(a));
  for (auto& g : other.inline_ignores) inline_ignores.push_back(std::move(g));
  auto move_all = [](auto& to, auto& from) {
    if (to.empty()) {
      to.swap(from);
      return;
    }
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  };
  move_all(aws_vpcs, other.aws_vpcs);
  move_all(aws_subnets, other.aws_subnets);
  move_all(aws_security_groups, other.aws_security_groups);
  move_all(aws_network_acls, other.aws_network_acls);
  move_all(aws_route_tables, other.aws_route_tables);
  move_all(aws_gateways, other.aws_gateways);
  move_all(aws_nat_gateways, other.aws_nat_gateways);
  move_all(aws_interfaces, other.aws_interfaces);
  move_all(aws_instances, other.aws_instances);
  move_all(aws_addresses, other.aws_addresses);
  move_all(aws_peerings, other.aws_peerings);
  move_all(aws_tgw_attachments, other.aws_tgw_attachments);
  move_all(aws_tgw_routes, other.aws_tgw_routes);
  move_all(aws_tgw_vpc_subnets, other.aws_tgw_vpc_subnets);
  move_all(aws_tgw_propagations, other.aws_tgw_propagations);
  move_all(aws_group_uses, other.aws_group_uses);
  move_all(aws_load_balancers, other.aws_load_balancers);
  move_all(aws_listeners, other.aws_listeners);
  move_all(aws_target_groups, other.aws_target_groups);
  move_all(aws_targets, other.aws_targets);
  move_all(aws_cross_zone, other.aws_cross_zone);
  move_all(aws_prefix_lists, other.aws_prefix_lists);
  move_all(aws_vpc_endpoints, other.aws_vpc_endpoints);
  move_all(aws_unmodelled, other.aws_unmodelled);
  move_all(k8s_multi_policies, other.k8s_multi_policies);
  move_all(k8s_udns, other.k8s_udns);
  move_all(k8s_attachments, other.k8s_attachments);
  move_all(k8s_app_projects, other.k8s_app_projects);
  move_all(k8s_token_secrets, other.k8s_token_secrets);
  move_all(docker_projects, other.docker_projects);
  move_all(docker_networks, other.docker_networks);
  move_all(docker_services, other.docker_services);
  move_all(cni_settings, other.cni_settings);
  move_all(calico_policies, other.calico_policies);
  move_all(calico_tiers, other.calico_tiers);
  move_all(calico_network_sets, other.calico_network_sets);
  move_all(calico_profiles, other.calico_profiles);
  move_all(calico_other, other.calico_other);
  move_all(cilium_policies, other.cilium_policies);
  move_all(cilium_cidr_groups, other.cilium_cidr_groups);
  move_all(istio_authz, other.istio_authz);
  move_all(istio_peer_auth, other.istio_peer_auth);
  move_all(istio_settings, other.istio_settings);
  for (auto& c : other.eks_clusters) eks_clusters.push_back(std::move(c));
  for (auto& p : other.eks_pod_identities) eks_pod_identities.push_back(std::move(p));
  for (auto& a : other.eks_access_entries) eks_access_entries.push_back(std::move(a));
  for (auto& s : other.k8s_services) AddService(std::move(s));
  for (auto& i : other.k8s_ingresses) AddIngress(std::move(i));
  for (auto& p : other.k8s_admin_policies) AddAdminPolicy(std::move(p));
  // IAM principals refer to policies by index: shift them.
  std::size_t base = iam_policies.size();
  for (auto& p : other.iam_policies) AddIamPolicy(std::move(p));
  for (auto& pr : other.iam_principals) {
    for (auto& i : pr.inline_policies) i += base;
    if (pr.trust_policy) *pr.trust_policy += base;
    AddIamPrincipal(std::move(pr));
  }
  other = Model();
}

std::size_t Model::AnalyzableCount() const {
  return k8s_roles.size() + k8s_bindings.size() + k8s_service_accounts.size() +
         k8s_namespaces.size() + k8s_workloads.size() + k8s_network_policies.size() +
         k8s_services.size() + k8s_ingresses.size() + k8s_admin_policies.size() +
         k8s_other.size() + iam_policies.size() + eks_clusters.size() + eks_pod_identities.size() +
         eks_access_entries.size() +
         iam_principals.size() + AwsNetCount() + docker_projects.size() + docker_services.size() +
         cni_settings.size() + k8s_multi_policies.size() + k8s_udns.size() + k8s_attachments.size() + k8s_app_projects.size() +
         k8s_token_secrets.size() + calico_policies.size() + calico_tiers.size() + calico_network_sets.size() +
         calico_other.size() + calico_profiles.size() + cilium_policies.size() + cilium_cidr_groups.size() +
         istio_authz.size() + istio_peer_auth.size();
}

std::size_t Model::AwsNetCount() const {
  return aws_vpcs.size() + aws_subnets.size() + aws_security_groups.size() + aws_network_acls.size() +
         aws_route_tables.size() + aws_gateways.size() + aws_nat_gateways.size() + aws_interfaces.size() +
         aws_instances.size() + aws_addresses.size() + aws_peerings.size() + aws_tgw_attachments.size() +
         aws_tgw_routes.size() + aws_tgw_propagations.size() + aws_load_balancers.size() + aws_listeners.size() +
         aws_target_groups.size();
}

}  // namespace grantpath
