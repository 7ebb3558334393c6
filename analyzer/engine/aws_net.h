// AWS network reachability over `aws ec2 describe-*` records: security
// groups (stateful allow lists, unioned over an interface's groups),
// network ACLs (stateless, first match by rule number, implicit deny,
// replies checked in the opposite direction), route tables (longest
// prefix, local, main table, blackholes), internet and NAT gateways,
// public and Elastic IPs, IPv6 through internet and egress-only gateways,
// prefix lists, gateway VPC endpoints, VPC peering (not transitive),
// transit gateways and load balancers. VPN, Direct Connect and appliance
// routes are not routed through: a route to one ends the trace with
// disposition UNMODELLED, located.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/net_types.h"
#include "grantpath/model/model.h"

namespace grantpath::awsnet {

/// IP protocol numbers as AWS writes them; kAnyProtocol is Batfish's
/// "any flow" (IP protocol 0, no ports): only rules for all protocols
/// ("-1") admit it.
inline constexpr int kAnyProtocol = 0, kIcmp = 1, kTcp = 6, kUdp = 17, kIcmpV6 = 58;

struct Packet {
  int family = 4;
  net::U128 src = 0, dst = 0;
  int protocol = kTcp;
  int dst_port = -1;  // tcp/udp; icmp: type (-1: any)
  int src_port = 49152;
  int icmp_code = -1;  // icmp: code (-1: any)
};

/// One step of a trace: the node (an AWS id, "internet") and what decided
/// there, located.
struct Hop {
  std::string node;
  std::string kind;    // instance, interface, subnet, vpc, internet-gateway, nat-gateway, peering, internet, ...
  std::string detail;  // "security group sg-1 rule 2 allows TCP 22 from 0.0.0.0/0", "route 0.0.0.0/0 -> igw-1"
  SourceRange where;
};

struct Trace {
  /// ACCEPTED, DENIED_IN, DENIED_OUT, NO_ROUTE, NULL_ROUTED, EXITS_NETWORK,
  /// or UNMODELLED (a route to a transit gateway, VPN gateway, endpoint...).
  std::string disposition;
  std::vector<Hop> hops;
  /// For an ACCEPTED tcp/udp packet: whether the reply passes the network
  /// ACLs on the way back (they are stateless), and the hop that decides.
  std::optional<bool> reply_allowed;
  std::optional<Hop> reply_hop;
  std::vector<std::string> notes;
  /// Delivered, or left the modelled network (to the internet), and the
  /// reply passes the network ACLs.
  bool allowed() const {
    return (disposition == "ACCEPTED" || disposition == "EXITS_NETWORK") && reply_allowed.value_or(true);
  }
};

/// What the internet reaches on one interface.
struct Exposure {
  std::size_t interface = 0;  // Model::aws_interfaces index
  std::string public_ip;
  net::PortSet ports;         // TCP and UDP ports
  bool all_protocols = false; // some rule admits every protocol
  std::vector<SourceRange> rules;  // security group rules that admit it
  std::string sample_source;  // an internet address that gets through
  /// Through an internet-facing load balancer: its name and the listener
  /// port; `public_ip` is then the load balancer's DNS name.
  std::string load_balancer;
  int listener_port = 0;
  /// "at 54.1.2.3" or "through load balancer web (listener 443)".
  std::string Via() const {
    return load_balancer.empty() ? "at " + public_ip
                                 : "through load balancer " + load_balancer + " (listener " +
                                       std::to_string(listener_port) + ")";
  }
};

class Engine {
 public:
  explicit Engine(const Model& model);
  const Model& model() const { return model_; }

  /// Resolves an endpoint: "internet", an instance id, an interface id, an
  /// IP address. `source` picks the address a packet leaves from.
  /// Interfaces: index into Model::aws_interfaces; -1 for internet.
  struct Endpoint {
    int interface = -1;
    net::IpRange address;  // the address used
    bool internet = false;
    bool by_address = false;  // named by an IP address (not by an id)
    int load_balancer = -1;   // Model::aws_load_balancers index (by name, DNS name or node address)
  };
  std::optional<Endpoint> Resolve(const std::string& text, bool source, std::string* error) const;

  /// Traces one packet from `from` to `to`. For ICMP, `port` is the type
  /// and `icmp_code` the code (-1: any).
  Trace Reach(const Endpoint& from, const Endpoint& to, int protocol, int port, int icmp_code = -1) const;

  /// A prefix list of the input by id, or nullptr.
  const PrefixList* PrefixListById(const std::string& id) const;

  /// Every interface the internet reaches, with the ports (computed once).
  const std::vector<Exposure>& InternetExposures() const;

  /// Interfaces, deduplicated (describe-network-interfaces wins over the
  /// copy inside describe-instances).
  const std::vector<std::size_t>& interfaces() const { return interfaces_; }
  /// The instance an interface belongs to, or nullptr.
  const Instance* InstanceOf(std::size_t interface) const;
  /// Security groups attached to no interface or instance.
  std::vector<std::size_t> UnusedGroups() const;
  /// An interface's display name: "i-123 (web) eni-456".
  std::string InterfaceName(std::size_t interface) const;

 private:
  const SecurityGroup* Group(const std::string& id) const;
  const Subnet* SubnetOf(const std::string& id) const;
  const NetworkAcl* AclOf(const Subnet& s) const;
  const RouteTable* TableOf(const Subnet& s) const;
  const Gateway* InternetGatewayOf(const std::string& vpc) const;
  std::optional<std::size_t> InterfaceByIp(net::U128 ip, int family, const std::string& vpc = "") const;
  /// The interface with this public IPv4 or Elastic IP, or (family 6)
  /// this global IPv6 address.
  std::optional<std::size_t> InterfaceByPublicIp(net::U128 ip, int family = 4) const;
  /// The route that matches `dst` in `t`, longest prefix first; for equal
  /// prefixes a static route wins over a prefix list route, which wins over
  /// a propagated one. `unresolved` (when given) receives a route to a
  /// prefix list whose entries are not in the input.
  const Route* Lookup(const RouteTable& t, net::U128 dst, int family, const Route** unresolved) const;
  /// Internet exposure of one public address of interface `i`.
  void ExposeAddress(std::size_t i, int family, net::U128 ip, std::vector<Exposure>* out) const;
  /// Internet to load balancer `lb` on the packet's port: listener, groups,
  /// subnet, then a target.
  void ToLoadBalancer(std::size_t lb, Packet p, Trace* t) const;
  /// The group rule that admits the packet (ingress: from `peer`), or
  /// nullptr. `peer_interface` gives the peer's groups for group references.
  const SgRule* SgAllows(std::size_t interface, bool ingress, const Packet& p, int peer_interface) const;
  /// The same over a list of groups; `peer_groups` are the peer's groups.
  const SgRule* GroupsAllow(const std::vector<std::string>& groups, bool ingress, const Packet& p,
                            const std::vector<std::string>* peer_groups) const;
  /// Whether a subnet's ACL passes the packet one way and its reply back
  /// (`inbound`: the packet enters the subnet).
  bool AclPassesBothWays(const std::string& subnet, bool inbound, const Packet& p) const;
  /// A load balancer target's interface (instance or IP targets).
  std::optional<std::size_t> TargetInterface(const Target& t) const;
  /// Targets of internet-facing load balancers that the internet reaches.
  void LoadBalancerExposures(std::vector<Exposure>* out) const;
  /// The network ACL entry that decides, or nullptr for the implicit deny.
  const AclEntry* AclDecides(const NetworkAcl& acl, bool egress, const Packet& p, bool* allow) const;
  const Route* Lookup(const RouteTable& t, net::U128 dst, int family) const {
    return Lookup(t, dst, family, nullptr);
  }
  /// `peer_groups`: the groups group references in the destination's
  /// rules are matched against (default: the source interface's).
  void Deliver(const Packet& p, std::size_t dst, int src_interface, const std::string& from_subnet, Trace* t,
               const std::vector<std::string>* peer_groups = nullptr) const;
  /// A packet that reached a node of load balancer `lb` in `subnet`: its
  /// listener on the packet's port, its security groups (`client_groups`:
  /// the client's, for group references), then the first target of the
  /// listener's target groups that the packet reaches.
  void ForwardFromLoadBalancer(std::size_t lb, const Packet& p, const std::string& subnet,
                               const std::vector<std::string>* client_groups, Trace* t) const;
  /// The node address of load balancer `lb` in `subnet`: its interface's
  /// address when the input has it, else one of the subnet.
  std::optional<net::U128> LoadBalancerNode(std::size_t lb, const std::string& subnet) const;
  void CheckReply(const Packet& p, int src_interface, std::size_t dst, Trace* t) const;
  /// The interface of `vpc` that has the packet's destination, or, when
  /// none does, sets NEIGHBOR_UNREACHABLE (a subnet holds the address) or
  /// NULL_ROUTED (no subnet does) and returns nullopt.
  std::optional<std::size_t> LocateInVpc(const std::string& vpc, const Packet& p, Trace* t) const;
  /// Routes a packet that entered transit gateway `tgw` through attachment
  /// `in` (static and propagated routes of its associated table; peering
  /// attachments lead to the peer's table).
  void ThroughTgw(const std::string& tgw, const std::string& in, const Packet& p, int src_interface, Trace* t,
                  int depth) const;

  const Model& model_;
  std::vector<std::size_t> interfaces_;
  std::map<std::string, std::size_t> by_group_, by_subnet_, by_instance_, by_interface_;
  // Subnet id -> its network ACL and route table (the first association in
  // input order); VPC id -> its default ACL and main table (the last one)
  // and its internet gateway (the first one).
  std::map<std::string, const NetworkAcl*> acl_by_subnet_, default_acl_by_vpc_;
  std::map<std::string, const RouteTable*> table_by_subnet_, main_table_by_vpc_;
  std::map<std::string, const Gateway*> igw_by_vpc_;
  std::multimap<std::pair<int, net::U128>, std::size_t> by_private_ip_;
  std::map<net::U128, std::size_t> by_public_ip_;
  std::map<std::string, std::size_t> by_prefix_list_;
  std::map<std::size_t, std::size_t> lb_by_interface_;  // a load balancer node's interface -> Model::aws_load_balancers
  std::map<std::string, std::size_t> lb_by_name_;       // name, DNS name and ARN
  mutable std::optional<std::vector<Exposure>> exposures_;
};

/// Reads "tcp", "udp", "icmp", "all" or a number; -1 when malformed.
int ParseProtocolName(const std::string& s);
/// "TCP", "UDP", "ICMP", "all", or the number.
std::string ProtocolLabel(int protocol);

}  // namespace grantpath::awsnet
