// The model: typed record tables filled by the parsers. Engines read them
// and publish what they derive into the access graph (access_graph.h).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "grantpath/config.h"
#include "grantpath/model/aws_net.h"
#include "grantpath/model/eks.h"
#include "grantpath/model/iam.h"
#include "grantpath/model/cni_policy.h"
#include "grantpath/model/k8s.h"
#include "grantpath/model/mesh.h"
#include "grantpath/model/overlay.h"
#include "grantpath/source.h"

namespace grantpath {

/// A k8s subject as the engine identifies it. For service accounts `ns` is
/// the account's namespace; users and groups have ns "".
struct SubjectKey {
  std::string kind;  // "User", "Group", "ServiceAccount"
  std::string ns;
  std::string name;
  auto operator<=>(const SubjectKey&) const = default;
  /// "User 'alice'", "ServiceAccount 'ns/name'".
  std::string Display() const;
  /// The username the API server sees: the name for users,
  /// "system:serviceaccount:NS:NAME" for service accounts.
  std::string Username() const;
};

/// Owns every record of a run. Parsers add records through Add*(); records
/// are never removed, so record indices stay valid.
class Model {
 public:
  SourceFiles files;

  std::vector<k8s::Role> k8s_roles;
  std::vector<k8s::Binding> k8s_bindings;
  std::vector<k8s::ServiceAccount> k8s_service_accounts;
  std::vector<k8s::Namespace> k8s_namespaces;
  std::vector<k8s::Workload> k8s_workloads;
  std::vector<k8s::NetworkPolicy> k8s_network_policies;  // no graph vertex yet
  /// MultiNetworkPolicy (k8s.cni.cncf.io): NetworkPolicy-shaped, applied to
  /// the networks its k8s.v1.cni.cncf.io/policy-for annotation names.
  std::vector<k8s::NetworkPolicy> k8s_multi_policies;
  std::vector<k8s::UserDefinedNetwork> k8s_udns;      // UDN and CUDN
  std::vector<k8s::NetworkAttachment> k8s_attachments;  // NADs
  std::vector<k8s::AppProject> k8s_app_projects;        // Argo CD
  std::vector<k8s::TokenSecret> k8s_token_secrets;      // service-account-token Secrets
  std::vector<k8s::Service> k8s_services;
  std::vector<k8s::Ingress> k8s_ingresses;       // Ingress and Route
  std::vector<k8s::AdminPolicy> k8s_admin_policies;  // ANP and BANP
  // Calico and Cilium policy kinds (compiled by the network engine).
  std::vector<cni::CalicoPolicy> calico_policies;
  std::vector<cni::CalicoTier> calico_tiers;
  std::vector<cni::CalicoNetworkSet> calico_network_sets;
  std::vector<cni::CalicoPolicy> calico_profiles;  // Profile: rules and labelsToApply
  std::vector<cni::CalicoOther> calico_other;  // StagedKubernetesNetworkPolicy
  std::vector<cni::CiliumPolicy> cilium_policies;
  std::vector<cni::CiliumCidrGroup> cilium_cidr_groups;
  // Istio AuthorizationPolicies, PeerAuthentications and mesh settings (compiled by the network engine).
  std::vector<mesh::AuthorizationPolicy> istio_authz;
  std::vector<mesh::PeerAuthentication> istio_peer_auth;
  std::vector<mesh::MeshSetting> istio_settings;
  std::vector<k8s::OtherObject> k8s_other;
  std::vector<k8s::AwsAuthEntry> k8s_aws_auth;  // no graph vertex: see AccessGraph
  std::vector<InlineIgnore> inline_ignores;      // grantpath.io/ignore annotations
  // AWS network (aws ec2 describe-* output); no graph vertex: see AccessGraph.
  std::vector<awsnet::Vpc> aws_vpcs;
  std::vector<awsnet::Subnet> aws_subnets;
  std::vector<awsnet::SecurityGroup> aws_security_groups;
  std::vector<awsnet::NetworkAcl> aws_network_acls;
  std::vector<awsnet::RouteTable> aws_route_tables;
  std::vector<awsnet::Gateway> aws_gateways;
  std::vector<awsnet::NatGateway> aws_nat_gateways;
  std::vector<awsnet::NetworkInterface> aws_interfaces;
  std::vector<awsnet::Instance> aws_instances;
  std::vector<awsnet::Address> aws_addresses;
  std::vector<awsnet::PeeringConnection> aws_peerings;
  std::vector<awsnet::TgwAttachment> aws_tgw_attachments;
  std::vector<awsnet::TgwRoute> aws_tgw_routes;
  std::vector<awsnet::TgwVpcSubnets> aws_tgw_vpc_subnets;
  std::vector<awsnet::TgwPropagation> aws_tgw_propagations;
  std::vector<awsnet::GroupUse> aws_group_uses;
  std::vector<awsnet::LoadBalancer> aws_load_balancers;
  std::vector<awsnet::Listener> aws_listeners;
  std::vector<awsnet::TargetGroup> aws_target_groups;
  std::vector<awsnet::Target> aws_targets;
  std::vector<awsnet::CrossZone> aws_cross_zone;
  std::vector<awsnet::PrefixList> aws_prefix_lists;
  std::vector<awsnet::VpcEndpoint> aws_vpc_endpoints;
  std::vector<awsnet::Unmodelled> aws_unmodelled;
  /// Number of AWS network records (not counting unmodelled ones).
  std::size_t AwsNetCount() const;
  // Docker Compose files and Swarm stacks; no graph vertex (the overlay engine reads them).
  std::vector<docker::Project> docker_projects;
  std::vector<docker::Network> docker_networks;
  std::vector<docker::Service> docker_services;
  // CNI settings that decide encryption in transit (Calico, Cilium, Flannel).
  std::vector<overlay::CniSetting> cni_settings;
  std::vector<eks::Cluster> eks_clusters;
  std::vector<eks::PodIdentityAssociation> eks_pod_identities;
  std::vector<eks::AccessEntry> eks_access_entries;
  std::vector<iam::Policy> iam_policies;
  std::vector<iam::Principal> iam_principals;

  std::size_t AddRole(k8s::Role r);
  std::size_t AddBinding(k8s::Binding b);
  std::size_t AddServiceAccount(k8s::ServiceAccount sa);
  std::size_t AddNamespace(k8s::Namespace ns);
  std::size_t AddWorkload(k8s::Workload w);
  std::size_t AddNetworkPolicy(k8s::NetworkPolicy p);
  std::size_t AddOther(k8s::OtherObject o);
  std::size_t AddService(k8s::Service s) { k8s_services.push_back(std::move(s)); return k8s_services.size() - 1; }
  std::size_t AddIngress(k8s::Ingress i) { k8s_ingresses.push_back(std::move(i)); return k8s_ingresses.size() - 1; }
  std::size_t AddAdminPolicy(k8s::AdminPolicy p) { k8s_admin_policies.push_back(std::move(p)); return k8s_admin_policies.size() - 1; }
  std::size_t AddIamPolicy(iam::Policy p);
  std::size_t AddIamPrincipal(iam::Principal p);

  /// Moves every record of `other` into this model, after this model's own
  /// records and in `other`'s order. `other.files` is ignored: both
  /// models must use this model's file ids.
  void Absorb(Model&& other);

  /// Number of analyzable objects (everything except OtherObject).
  std::size_t AnalyzableCount() const;
};

}  // namespace grantpath
