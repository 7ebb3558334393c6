// AWS network records read from `aws ec2 describe-*` output: VPCs, subnets,
// security groups, network ACLs, route tables, gateways, network
// interfaces, instances, Elastic IPs and VPC peering. Addresses and ranges
// are kept as written; the engine (analyzer/engine/aws_net.h) parses them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "grantpath/source.h"

namespace grantpath::awsnet {

/// Where a record came from: the region and account of its folder
/// (`<account>/<region>/` or `<region>/`) or of its own fields.
struct Origin {
  std::string account;
  std::string region;
};

struct Vpc {
  std::string id;
  std::vector<std::string> cidrs;  // IPv4 and IPv6 blocks
  bool is_default = false;
  Origin origin;
  SourceRange where;
};

struct Subnet {
  std::string id;
  std::string vpc;
  std::string cidr;
  std::string ipv6_cidr;
  std::string az;
  Origin origin;
  SourceRange where;
};

/// A security group permission (one IpPermissions entry), for one direction.
struct SgRule {
  std::string protocol;  // "-1", "tcp", "udp", "icmp", "icmpv6", or a number
  int from_port = -1;    // tcp/udp: port range; icmp: type (-1 = all)
  int to_port = -1;      // tcp/udp: port range; icmp: code (-1 = all)
  std::vector<std::string> cidrs;         // IpRanges and Ipv6Ranges
  std::vector<std::string> prefix_lists;  // PrefixListIds
  std::vector<std::string> groups;        // UserIdGroupPairs (group ids)
  SourceRange where;
};

struct SecurityGroup {
  std::string id;
  std::string name;
  std::string vpc;
  std::vector<SgRule> ingress;
  std::vector<SgRule> egress;
  Origin origin;
  SourceRange where;
};

struct AclEntry {
  int number = 0;
  bool egress = false;
  bool allow = false;
  std::string protocol;  // "-1" or a number ("6" tcp, "17" udp, "1" icmp, "58" icmpv6)
  std::string cidr;      // CidrBlock or Ipv6CidrBlock
  int from_port = -1, to_port = -1;      // PortRange
  int icmp_type = -1, icmp_code = -1;    // IcmpTypeCode
  SourceRange where;
};

struct NetworkAcl {
  std::string id;
  std::string vpc;
  bool is_default = false;
  std::vector<std::string> subnets;  // associations
  std::vector<AclEntry> entries;
  Origin origin;
  SourceRange where;
};

struct Route {
  std::string destination;  // CIDR, or a prefix list id
  std::string target;       // "local", igw-, nat-, pcx-, tgw-, vgw-, eni-, i-, vpce-, eigw-, ...
  bool blackhole = false;
  bool propagated = false;  // Origin EnableVgwRoutePropagation (learned, lowest priority)
  SourceRange where;
};

struct RouteTable {
  std::string id;
  std::string vpc;
  bool main = false;
  std::vector<std::string> subnets;   // explicit associations
  std::vector<std::string> gateways;  // gateway (edge) associations
  std::vector<Route> routes;
  Origin origin;
  SourceRange where;
};

/// Internet gateways and egress-only internet gateways.
struct Gateway {
  std::string id;
  bool egress_only = false;
  std::vector<std::string> vpcs;  // attachments
  Origin origin;
  SourceRange where;
};

struct NatGateway {
  std::string id;
  std::string vpc;
  std::string subnet;
  std::string private_ip;
  std::string public_ip;
  bool is_public = true;  // ConnectivityType public (default) or private
  bool available = true;
  Origin origin;
  SourceRange where;
};

struct NetworkInterface {
  std::string id;
  std::string subnet;
  std::string vpc;
  std::vector<std::string> private_ips;
  std::vector<std::string> public_ips;  // associations (public IPs and EIPs)
  /// IPv6 addresses: routed within the VPC and, being global, on the
  /// internet through an internet gateway (no translation).
  std::vector<std::string> ipv6_addresses;
  std::vector<std::string> groups;
  std::string instance;  // attachment
  std::string type;      // interface, nat_gateway, network_load_balancer, ...
  std::string description;
  bool source_dest_check = true;
  Origin origin;
  SourceRange where;
};

struct Instance {
  std::string id;
  std::string subnet;
  std::string vpc;
  std::string private_ip;
  std::string public_ip;
  std::vector<std::string> groups;
  std::vector<std::string> interfaces;  // ENI ids
  std::string instance_profile_arn;
  std::string state;  // running, stopped, ...
  std::string name;   // Name tag
  Origin origin;
  SourceRange where;
};

/// An Elastic IP and what it is associated with.
struct Address {
  std::string public_ip;
  std::string interface;
  std::string instance;
  std::string private_ip;
  Origin origin;
  SourceRange where;
};

struct PeeringConnection {
  std::string id;
  std::string requester_vpc, accepter_vpc;
  std::vector<std::string> requester_cidrs, accepter_cidrs;
  bool active = false;
  Origin origin;
  SourceRange where;
};

/// A transit gateway attachment (describe-transit-gateway-attachments): a
/// VPC, a peering with another transit gateway (same id on both sides), a
/// VPN or a Direct Connect gateway, and the route table it is associated
/// with on this transit gateway.
struct TgwAttachment {
  std::string id;
  std::string tgw;
  std::string type;      // vpc, peering, vpn, direct-connect-gateway, connect
  std::string resource;  // the VPC id, the peer transit gateway id, ...
  std::string route_table;
  bool available = true;
  Origin origin;
  SourceRange where;
};

/// The subnets of a transit gateway VPC attachment
/// (describe-transit-gateway-vpc-attachments): traffic enters the transit
/// gateway only in their availability zones.
struct TgwVpcSubnets {
  std::string attachment;
  std::vector<std::string> subnets;
  SourceRange where;
};

/// A static route of a transit gateway route table
/// (search-transit-gateway-routes / TransitGatewayStaticRoutes).
struct TgwRoute {
  std::string table;
  std::string destination;
  std::string attachment;  // "" for a blackhole
  bool blackhole = false;
  SourceRange where;
};

/// A route propagation: the attachment's routes (a VPC's CIDRs) are in the table.
struct TgwPropagation {
  std::string table;
  std::string attachment;
  SourceRange where;
};

/// An Application or Network Load Balancer (elbv2 describe-load-balancers).
struct LoadBalancer {
  std::string arn, name, dns;
  std::string scheme;  // internet-facing or internal
  std::string type;    // application, network, gateway
  std::string vpc;
  std::vector<std::string> subnets;
  std::vector<std::string> groups;
  Origin origin;
  SourceRange where;
};

/// load_balancing.cross_zone.enabled of a load balancer
/// (LoadBalancerAttributes, as `{LoadBalancerArn, Attributes}`). Without it,
/// AWS's default holds: on for an ALB, off for an NLB.
struct CrossZone {
  std::string load_balancer;  // ARN
  bool enabled = false;
  SourceRange where;
};

/// A listener (elbv2 describe-listeners) and the target groups its default
/// actions forward to.
struct Listener {
  std::string load_balancer;  // ARN
  int port = 0;
  std::string protocol;       // HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP
  std::vector<std::string> target_groups;
  SourceRange where;
};

struct TargetGroup {
  std::string arn, name;
  std::string protocol;
  std::string target_type;  // instance, ip, lambda, alb
  std::string vpc;
  int port = 0;
  SourceRange where;
};

/// A registered target (elbv2 describe-target-health, with its group).
struct Target {
  std::string group;  // target group ARN
  std::string id;     // instance id or IP address
  int port = -1;      // -1: the group's port
  std::string state;  // healthy, unhealthy, unused, draining, ...
  SourceRange where;
};

/// A prefix list: AWS-managed service lists with their CIDRs
/// (describe-prefix-lists), customer-managed lists (describe-managed-prefix-lists,
/// which gives no entries) and their entries (get-managed-prefix-list-entries,
/// one file per list, named after its id).
struct PrefixList {
  std::string id;
  std::string name;
  std::vector<std::string> cidrs;
  bool resolved = false;  // the entries are in the input
  Origin origin;
  SourceRange where;
};

/// A VPC endpoint (describe-vpc-endpoints). A Gateway endpoint (S3,
/// DynamoDB) is a route target in its route tables; an Interface endpoint
/// is network interfaces in its subnets; a GatewayLoadBalancer endpoint
/// sends traffic to appliances.
struct VpcEndpoint {
  std::string id;
  std::string type;     // Gateway, Interface, GatewayLoadBalancer
  std::string service;  // com.amazonaws.us-east-1.s3
  std::string vpc;
  std::string state;
  std::vector<std::string> route_tables;
  std::vector<std::string> interfaces;
  Origin origin;
  SourceRange where;
};

/// A security group carried by something other than an interface or an
/// instance the engine routes to (a load balancer, a VPC endpoint, a
/// database, a Lambda function): the group is in use.
struct GroupUse {
  std::string group;
  std::string user;  // the resource's id or name
  SourceRange where;
};

/// An object of a kind grantpath reads but does not route through yet
/// (transit gateways, VPN and Direct Connect, VPC endpoints, load
/// balancers): kept so that output can say so, with its location.
struct Unmodelled {
  std::string kind;  // "TransitGateways", "VpcEndpoints", ...
  std::string id;
  SourceRange where;
};

}  // namespace grantpath::awsnet
