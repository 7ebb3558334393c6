// The AWS network semantics, one test per rule of docs/aws-network.md.
#include <catch2/catch.hpp>

#include "engine/aws_net.h"
#include "test_util.h"

namespace grantpath {
namespace {

using awsnet::Engine;

// Two VPCs: vpc-a (10.0.0.0/16: subnet-a1 10.0.1.0/24, subnet-a2
// 10.0.2.0/24) and vpc-b (10.1.0.0/16: subnet-b 10.1.1.0/24), peered with
// pcx-ab; vpc-c (10.2.0.0/16) peered with vpc-b only. Per test, the
// security groups, ACLs and routes are swapped in.
struct Net {
  Model model;
  CollectingSink sink;
  explicit Net(const std::string& extra) {
    std::string text = R"(Vpcs:
- {VpcId: vpc-a, CidrBlock: 10.0.0.0/16}
- {VpcId: vpc-b, CidrBlock: 10.1.0.0/16}
- {VpcId: vpc-c, CidrBlock: 10.2.0.0/16}
Subnets:
- {SubnetId: subnet-a1, VpcId: vpc-a, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1a}
- {SubnetId: subnet-a2, VpcId: vpc-a, CidrBlock: 10.0.2.0/24, AvailabilityZone: us-east-1a}
- {SubnetId: subnet-b, VpcId: vpc-b, CidrBlock: 10.1.1.0/24, AvailabilityZone: us-east-1a}
- {SubnetId: subnet-c, VpcId: vpc-c, CidrBlock: 10.2.1.0/24, AvailabilityZone: us-east-1a}
VpcPeeringConnections:
- VpcPeeringConnectionId: pcx-ab
  RequesterVpcInfo: {VpcId: vpc-a, CidrBlock: 10.0.0.0/16}
  AccepterVpcInfo: {VpcId: vpc-b, CidrBlock: 10.1.0.0/16}
  Status: {Code: active}
- VpcPeeringConnectionId: pcx-bc
  RequesterVpcInfo: {VpcId: vpc-b, CidrBlock: 10.1.0.0/16}
  AccepterVpcInfo: {VpcId: vpc-c, CidrBlock: 10.2.0.0/16}
  Status: {Code: active}
InternetGateways:
- {InternetGatewayId: igw-a, Attachments: [{VpcId: vpc-a}]}
NatGateways:
- {NatGatewayId: nat-a, VpcId: vpc-a, SubnetId: subnet-a2, State: available, NatGatewayAddresses: [{PrivateIp: 10.0.2.5, PublicIp: 3.3.3.3}]}
NetworkInterfaces:
- {NetworkInterfaceId: eni-1, SubnetId: subnet-a1, VpcId: vpc-a, PrivateIpAddress: 10.0.1.10, Groups: [{GroupId: sg-1}], PrivateIpAddresses: [{PrivateIpAddress: 10.0.1.10, Association: {PublicIp: 54.0.0.1}}]}
- {NetworkInterfaceId: eni-2, SubnetId: subnet-a2, VpcId: vpc-a, PrivateIpAddress: 10.0.2.10, Groups: [{GroupId: sg-2}, {GroupId: sg-3}]}
- {NetworkInterfaceId: eni-b, SubnetId: subnet-b, VpcId: vpc-b, PrivateIpAddress: 10.1.1.10, Groups: [{GroupId: sg-2}]}
- {NetworkInterfaceId: eni-c, SubnetId: subnet-c, VpcId: vpc-c, PrivateIpAddress: 10.2.1.10, Groups: [{GroupId: sg-open}]}
)";
    testing::LoadString(model, sink, text + extra, "net.yaml");
  }
  awsnet::Trace Reach(const std::string& from, const std::string& to, int proto, int port) {
    Engine e(model);
    std::string error;
    auto f = e.Resolve(from, true, &error);
    auto t = e.Resolve(to, false, &error);
    INFO(error);
    REQUIRE(f);
    REQUIRE(t);
    return e.Reach(*f, *t, proto, port);
  }
};

const char* kOpenAcls = R"(NetworkAcls:
- NetworkAclId: acl-default
  VpcId: vpc-a
  IsDefault: true
  Entries:
  - {RuleNumber: 100, Protocol: "-1", RuleAction: allow, Egress: false, CidrBlock: 0.0.0.0/0}
  - {RuleNumber: 100, Protocol: "-1", RuleAction: allow, Egress: true, CidrBlock: 0.0.0.0/0}
)";

const char* kRoutes = R"(RouteTables:
- RouteTableId: rtb-main-a
  VpcId: vpc-a
  Associations: [{Main: true}]
  Routes:
  - {DestinationCidrBlock: 10.0.0.0/16, GatewayId: local}
  - {DestinationCidrBlock: 10.1.0.0/16, VpcPeeringConnectionId: pcx-ab}
  - {DestinationCidrBlock: 10.2.0.0/16, VpcPeeringConnectionId: pcx-ab}
  - {DestinationCidrBlock: 0.0.0.0/0, GatewayId: igw-a}
- RouteTableId: rtb-b
  VpcId: vpc-b
  Associations: [{Main: true}]
  Routes:
  - {DestinationCidrBlock: 10.1.0.0/16, GatewayId: local}
  - {DestinationCidrBlock: 10.0.0.0/16, VpcPeeringConnectionId: pcx-ab}
  - {DestinationCidrBlock: 10.2.0.0/16, VpcPeeringConnectionId: pcx-bc}
- RouteTableId: rtb-c
  VpcId: vpc-c
  Associations: [{Main: true}]
  Routes:
  - {DestinationCidrBlock: 10.2.0.0/16, GatewayId: local}
  - {DestinationCidrBlock: 10.1.0.0/16, VpcPeeringConnectionId: pcx-bc}
)";

std::string Groups(const std::string& sg2_in, const std::string& sg3_in = "[]") {
  return std::string(R"(SecurityGroups:
- GroupId: sg-1
  VpcId: vpc-a
  IpPermissions: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, IpRanges: [{CidrIp: 0.0.0.0/0}]}]
  IpPermissionsEgress: [{IpProtocol: "-1", IpRanges: [{CidrIp: 0.0.0.0/0}]}]
- GroupId: sg-2
  VpcId: vpc-a
  IpPermissions: )") + sg2_in + R"(
  IpPermissionsEgress: [{IpProtocol: "-1", IpRanges: [{CidrIp: 0.0.0.0/0}]}]
- GroupId: sg-3
  VpcId: vpc-a
  IpPermissions: )" + sg3_in + R"(
  IpPermissionsEgress: []
- GroupId: sg-open
  VpcId: vpc-c
  IpPermissions: [{IpProtocol: "-1", IpRanges: [{CidrIp: 0.0.0.0/0}]}]
  IpPermissionsEgress: [{IpProtocol: "-1", IpRanges: [{CidrIp: 0.0.0.0/0}]}]
)";
}

TEST_CASE("AWS net: security groups are allow lists unioned over an interface's groups", "[aws-net]") {
  Net n(kOpenAcls + std::string(kRoutes) +
        Groups("[{IpProtocol: tcp, FromPort: 80, ToPort: 80, IpRanges: [{CidrIp: 10.0.0.0/16}]}]",
               "[{IpProtocol: tcp, FromPort: 443, ToPort: 443, IpRanges: [{CidrIp: 10.0.1.0/24}]}]"));
  CHECK(n.Reach("eni-1", "eni-2", awsnet::kTcp, 80).disposition == "ACCEPTED");   // sg-2
  CHECK(n.Reach("eni-1", "eni-2", awsnet::kTcp, 443).disposition == "ACCEPTED");  // sg-3
  CHECK(n.Reach("eni-1", "eni-2", awsnet::kTcp, 8080).disposition == "DENIED_IN");
  // "any flow" (IP protocol 0) needs a rule for every protocol.
  CHECK(n.Reach("eni-1", "eni-2", awsnet::kAnyProtocol, -1).disposition == "DENIED_IN");
  CHECK(n.Reach("eni-1", "eni-c", awsnet::kAnyProtocol, -1).disposition != "DENIED_IN");
}

TEST_CASE("AWS net: a referenced group admits the interfaces that carry it, across peering", "[aws-net]") {
  Net n(kOpenAcls + std::string(kRoutes) +
        Groups("[{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{GroupId: sg-2}]}]"));
  CHECK(n.Reach("eni-b", "eni-2", awsnet::kTcp, 5432).disposition == "ACCEPTED");  // eni-b carries sg-2
  CHECK(n.Reach("eni-1", "eni-2", awsnet::kTcp, 5432).disposition == "DENIED_IN");  // eni-1 does not
}

TEST_CASE("AWS net: network ACL rules in number order, first match, implicit deny", "[aws-net]") {
  std::string acls = R"(NetworkAcls:
- NetworkAclId: acl-default
  VpcId: vpc-a
  IsDefault: true
  Entries:
  - {RuleNumber: 100, Protocol: "-1", RuleAction: allow, Egress: true, CidrBlock: 0.0.0.0/0}
  - {RuleNumber: 100, Protocol: "-1", RuleAction: allow, Egress: false, CidrBlock: 0.0.0.0/0}
- NetworkAclId: acl-2
  VpcId: vpc-a
  Associations: [{SubnetId: subnet-a2}]
  Entries:
  - {RuleNumber: 200, Protocol: "6", RuleAction: allow, Egress: false, CidrBlock: 0.0.0.0/0, PortRange: {From: 1, To: 65535}}
  - {RuleNumber: 90, Protocol: "6", RuleAction: deny, Egress: false, CidrBlock: 10.0.1.0/24, PortRange: {From: 22, To: 22}}
  - {RuleNumber: 100, Protocol: "-1", RuleAction: allow, Egress: true, CidrBlock: 0.0.0.0/0}
)";
  Net n(acls + kRoutes + Groups("[{IpProtocol: \"-1\", IpRanges: [{CidrIp: 0.0.0.0/0}]}]"));
  auto denied = n.Reach("eni-1", "eni-2", awsnet::kTcp, 22);
  CHECK(denied.disposition == "DENIED_IN");  // rule 90 before rule 200
  CHECK(denied.hops.back().detail.find("inbound rule 90 denies") != std::string::npos);
  CHECK(n.Reach("eni-1", "eni-2", awsnet::kTcp, 80).disposition == "ACCEPTED");
  auto udp = n.Reach("eni-1", "eni-2", awsnet::kUdp, 53);  // no UDP rule: the implicit deny
  CHECK(udp.disposition == "DENIED_IN");
  CHECK(udp.hops.back().detail.find("no rule matches") != std::string::npos);
  // Within one subnet no ACL applies. A subnet without association (a1)
  // uses the VPC's default ACL.
  CHECK(n.Reach("eni-2", "eni-1", awsnet::kUdp, 53).disposition == "DENIED_IN");  // sg-1 admits TCP 22 only
}

TEST_CASE("AWS net: ACLs are stateless, replies need the ephemeral range back", "[aws-net]") {
  std::string acls = R"(NetworkAcls:
- NetworkAclId: acl-default
  VpcId: vpc-a
  IsDefault: true
  Entries:
  - {RuleNumber: 100, Protocol: "-1", RuleAction: allow, Egress: false, CidrBlock: 0.0.0.0/0}
  - {RuleNumber: 100, Protocol: "6", RuleAction: allow, Egress: true, CidrBlock: 0.0.0.0/0, PortRange: {From: 1, To: 1023}}
)";
  Net n(acls + kRoutes + Groups("[{IpProtocol: \"-1\", IpRanges: [{CidrIp: 0.0.0.0/0}]}]"));
  auto t = n.Reach("eni-1", "eni-2", awsnet::kTcp, 80);
  CHECK(t.disposition == "ACCEPTED");
  REQUIRE(t.reply_allowed.has_value());
  CHECK_FALSE(*t.reply_allowed);  // the reply to port 49152 is denied outbound of subnet-a2
  CHECK_FALSE(t.allowed());
}

TEST_CASE("AWS net: routes: main table, longest prefix, blackhole, explicit association", "[aws-net]") {
  std::string routes = R"(RouteTables:
- RouteTableId: rtb-main
  VpcId: vpc-a
  Associations: [{Main: true}]
  Routes:
  - {DestinationCidrBlock: 10.0.0.0/16, GatewayId: local}
  - {DestinationCidrBlock: 0.0.0.0/0, GatewayId: igw-a}
  - {DestinationCidrBlock: 8.8.8.0/24, GatewayId: igw-a, State: blackhole}
- RouteTableId: rtb-private
  VpcId: vpc-a
  Associations: [{SubnetId: subnet-a2}]
  Routes:
  - {DestinationCidrBlock: 10.0.0.0/16, GatewayId: local}
  - {DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: nat-a}
)";
  Net n(kOpenAcls + routes + Groups("[]"));
  auto black = n.Reach("eni-1", "8.8.8.8", awsnet::kTcp, 443);  // /24 blackhole beats /0
  CHECK(black.disposition == "NULL_ROUTED");
  auto out = n.Reach("eni-1", "1.1.1.1", awsnet::kTcp, 443);  // main table -> igw, public IP
  CHECK(out.disposition == "EXITS_NETWORK");
  // subnet-a2 has its own table: the NAT gateway, then the NAT's subnet's table.
  auto nat = n.Reach("eni-2", "1.1.1.1", awsnet::kTcp, 443);
  INFO(nat.hops.size());
  CHECK(nat.hops[3].node == "nat-a");
  // The NAT's subnet (subnet-a2) routes 0.0.0.0/0 to itself, not to an
  // internet gateway: it goes nowhere.
  CHECK(nat.disposition == "UNMODELLED");
  // No route for an address outside the VPC from a table without a default.
  auto none = n.Reach("eni-b", "1.1.1.1", awsnet::kTcp, 443);
  CHECK(none.disposition == "NO_ROUTE");
}

TEST_CASE("AWS net: the internet needs a public address, an internet gateway and a route back", "[aws-net]") {
  Net n(kOpenAcls + std::string(kRoutes) + Groups("[]"));
  CHECK(n.Reach("internet", "54.0.0.1", awsnet::kTcp, 22).allowed());
  CHECK(n.Reach("internet", "54.0.0.1", awsnet::kTcp, 23).disposition == "DENIED_IN");
  CHECK(n.Reach("internet", "10.0.1.10", awsnet::kTcp, 22).disposition == "NULL_ROUTED");  // private address
  CHECK(n.Reach("internet", "eni-1", awsnet::kTcp, 22).allowed());                       // by id: its public IP
  // eni-2 has no public address: not reachable from the internet by id.
  CHECK(n.Reach("internet", "eni-2", awsnet::kTcp, 22).disposition != "ACCEPTED");
  Engine e(n.model);
  auto ex = e.InternetExposures();
  REQUIRE(ex.size() == 1);
  CHECK(ex[0].public_ip == "54.0.0.1");
  CHECK(ex[0].ports.Format() == "TCP 22");
}

TEST_CASE("AWS net: peering is not transitive", "[aws-net]") {
  Net n(kOpenAcls + std::string(kRoutes) + Groups("[{IpProtocol: \"-1\", IpRanges: [{CidrIp: 0.0.0.0/0}]}]"));
  CHECK(n.Reach("eni-1", "eni-b", awsnet::kTcp, 80).disposition == "ACCEPTED");  // a -> b
  CHECK(n.Reach("eni-b", "eni-c", awsnet::kTcp, 80).disposition == "ACCEPTED");  // b -> c
  // a routes 10.2/16 to pcx-ab, but vpc-b does not forward it to vpc-c.
  auto t = n.Reach("eni-1", "eni-c", awsnet::kTcp, 80);
  CHECK(t.disposition == "NULL_ROUTED");
}

TEST_CASE("AWS net: a security group rule from a managed prefix list is not guessed", "[aws-net]") {
  Net n(kOpenAcls + std::string(kRoutes) +
        Groups("[{IpProtocol: tcp, FromPort: 443, ToPort: 443, PrefixListIds: [{PrefixListId: pl-123}]}]"));
  auto t = n.Reach("eni-1", "eni-2", awsnet::kTcp, 443);
  CHECK(t.disposition == "UNMODELLED");
  CHECK(t.hops.back().detail.find("pl-123") != std::string::npos);
  CHECK(n.Reach("eni-1", "eni-2", awsnet::kTcp, 80).disposition == "DENIED_IN");  // the rule is for 443 only
}


TEST_CASE("AWS net: prefix lists resolve in security group rules", "[aws-net]") {
  std::string lists = R"(PrefixLists:
- {PrefixListId: pl-123, PrefixListName: office, Cidrs: [10.0.1.0/25]}
)";
  Net n(kOpenAcls + std::string(kRoutes) + lists +
        Groups("[{IpProtocol: tcp, FromPort: 443, ToPort: 443, PrefixListIds: [{PrefixListId: pl-123}]}]"));
  auto t = n.Reach("eni-1", "eni-2", awsnet::kTcp, 443);  // 10.0.1.10 is in the list
  CHECK(t.disposition == "ACCEPTED");
  CHECK(t.hops.back().detail.find("sg-2") != std::string::npos);
  CHECK(n.Reach("eni-b", "eni-2", awsnet::kTcp, 443).disposition == "DENIED_IN");  // 10.1.1.10 is not
}

TEST_CASE("AWS net: a managed prefix list without its entries is not guessed", "[aws-net]") {
  std::string lists = R"(PrefixLists:
- {PrefixListId: pl-123, PrefixListName: office, AddressFamily: IPv4, MaxEntries: 10}
)";
  Net n(kOpenAcls + std::string(kRoutes) + lists +
        Groups("[{IpProtocol: tcp, FromPort: 443, ToPort: 443, PrefixListIds: [{PrefixListId: pl-123}]}]"));
  CHECK(n.Reach("eni-1", "eni-2", awsnet::kTcp, 443).disposition == "UNMODELLED");
}

TEST_CASE("AWS net: get-managed-prefix-list-entries files are named after their list", "[aws-net]") {
  Model model;
  CollectingSink sink;
  testing::LoadString(model, sink, "{\"Entries\": [{\"Cidr\": \"10.9.0.0/16\"}, {\"Cidr\": \"10.8.0.0/16\"}]}",
                      "pl-0abc123.json");
  REQUIRE(model.aws_prefix_lists.size() == 1);
  CHECK(model.aws_prefix_lists[0].id == "pl-0abc123");
  CHECK(model.aws_prefix_lists[0].resolved);
  CHECK(model.aws_prefix_lists[0].cidrs == std::vector<std::string>{"10.9.0.0/16", "10.8.0.0/16"});
  Model other;
  CollectingSink warned;
  testing::LoadString(other, warned, "{\"Entries\": [{\"Cidr\": \"10.9.0.0/16\"}]}", "entries.json");
  CHECK(other.aws_prefix_lists.empty());
  bool said = false;
  for (const auto& d : warned.diagnostics()) said = said || d.code == "aws-prefix-list";
  CHECK(said);
}

TEST_CASE("AWS net: prefix list routes: longest prefix, then static before prefix list before propagated",
          "[aws-net]") {
  std::string routes = R"(PrefixLists:
- {PrefixListId: pl-s3, PrefixListName: com.amazonaws.us-east-1.s3, Cidrs: [52.216.0.0/15, 3.5.0.0/19]}
VpcEndpoints:
- {VpcEndpointId: vpce-s3, VpcEndpointType: Gateway, VpcId: vpc-a, ServiceName: com.amazonaws.us-east-1.s3, State: available, RouteTableIds: [rtb-main-a]}
RouteTables:
- RouteTableId: rtb-main-a
  VpcId: vpc-a
  Associations: [{Main: true}]
  Routes:
  - {DestinationCidrBlock: 10.0.0.0/16, GatewayId: local}
  - {DestinationPrefixListId: pl-s3, GatewayId: vpce-s3}
  - {DestinationCidrBlock: 0.0.0.0/0, GatewayId: igw-a}
  - {DestinationCidrBlock: 3.5.0.0/19, GatewayId: igw-a}
  - {DestinationCidrBlock: 52.216.0.0/15, GatewayId: vgw-1, Origin: EnableVgwRoutePropagation}
)";
  Net n(kOpenAcls + routes + Groups("[]"));
  auto s3 = n.Reach("eni-1", "52.216.1.1", awsnet::kTcp, 443);  // the /15 entry beats /0; the list beats propagation
  CHECK(s3.disposition == "EXITS_NETWORK");
  CHECK(s3.hops.back().node == "vpce-s3");
  CHECK(s3.hops.back().kind == "vpc-endpoint");
  auto same = n.Reach("eni-1", "3.5.0.1", awsnet::kTcp, 443);  // equal /19: the static route wins
  CHECK(same.hops.back().node == "internet");
  auto other = n.Reach("eni-1", "54.1.1.1", awsnet::kTcp, 443);
  CHECK(other.disposition == "EXITS_NETWORK");
  CHECK(other.hops.back().node == "internet");
}

TEST_CASE("AWS net: a route to a prefix list without entries is not guessed", "[aws-net]") {
  std::string routes = R"(RouteTables:
- RouteTableId: rtb-main-a
  VpcId: vpc-a
  Associations: [{Main: true}]
  Routes:
  - {DestinationCidrBlock: 10.0.0.0/16, GatewayId: local}
  - {DestinationPrefixListId: pl-unknown, GatewayId: vpce-s3}
)";
  Net n(kOpenAcls + routes + Groups("[]"));
  auto t = n.Reach("eni-1", "52.216.1.1", awsnet::kTcp, 443);
  CHECK(t.disposition == "UNMODELLED");
  CHECK(t.hops.back().detail.find("pl-unknown") != std::string::npos);
}

TEST_CASE("AWS net: ICMP rules match type and code", "[aws-net]") {
  std::string acls = R"(NetworkAcls:
- NetworkAclId: acl-default
  VpcId: vpc-a
  IsDefault: true
  Entries:
  - {RuleNumber: 50, Protocol: "1", RuleAction: deny, Egress: false, CidrBlock: 0.0.0.0/0, IcmpTypeCode: {Type: 3, Code: 1}}
  - {RuleNumber: 100, Protocol: "-1", RuleAction: allow, Egress: false, CidrBlock: 0.0.0.0/0}
  - {RuleNumber: 100, Protocol: "-1", RuleAction: allow, Egress: true, CidrBlock: 0.0.0.0/0}
)";
  // sg-2: echo request (type 8, any code) and destination unreachable code 4 only.
  Net n(acls + kRoutes +
        Groups("[{IpProtocol: icmp, FromPort: 8, ToPort: -1, IpRanges: [{CidrIp: 0.0.0.0/0}]}, "
               "{IpProtocol: icmp, FromPort: 3, ToPort: 4, IpRanges: [{CidrIp: 0.0.0.0/0}]}]"));
  Engine e(n.model);
  std::string error;
  auto from = e.Resolve("eni-1", true, &error);
  auto to = e.Resolve("eni-2", false, &error);
  REQUIRE(from);
  REQUIRE(to);
  CHECK(e.Reach(*from, *to, awsnet::kIcmp, 8, 0).disposition == "ACCEPTED");
  CHECK(e.Reach(*from, *to, awsnet::kIcmp, 3, 4).disposition == "ACCEPTED");
  CHECK(e.Reach(*from, *to, awsnet::kIcmp, 3, 3).disposition == "DENIED_IN");  // the group admits code 4 only
  CHECK(e.Reach(*from, *to, awsnet::kIcmp, 0, 0).disposition == "DENIED_IN");
  auto acl = e.Reach(*from, *to, awsnet::kIcmp, 3, 1);  // the ACL's rule 50 denies code 1
  CHECK(acl.disposition == "DENIED_IN");
  CHECK(acl.hops.back().detail.find("rule 50") != std::string::npos);
}

TEST_CASE("AWS net: IPv6 addresses are global: through the internet gateway without translation", "[aws-net]") {
  // A second document: vpc-a's IPv6 block, two interfaces with global
  // addresses, an egress-only gateway for subnet-a2.
  std::string extra = R"(
---
Vpcs:
- {VpcId: vpc-a, CidrBlock: 10.0.0.0/16, Ipv6CidrBlockAssociationSet: [{Ipv6CidrBlock: "2600:1f18::/56"}]}
NetworkInterfaces:
- {NetworkInterfaceId: eni-6, SubnetId: subnet-a1, VpcId: vpc-a, PrivateIpAddress: 10.0.1.20, Groups: [{GroupId: sg-6}], Ipv6Addresses: [{Ipv6Address: "2600:1f18::10"}]}
- {NetworkInterfaceId: eni-7, SubnetId: subnet-a2, VpcId: vpc-a, PrivateIpAddress: 10.0.2.20, Groups: [{GroupId: sg-6}], Ipv6Addresses: [{Ipv6Address: "2600:1f18::20"}]}
SecurityGroups:
- GroupId: sg-6
  VpcId: vpc-a
  IpPermissions: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, Ipv6Ranges: [{CidrIpv6: "::/0"}]}]
  IpPermissionsEgress: [{IpProtocol: "-1", Ipv6Ranges: [{CidrIpv6: "::/0"}]}]
EgressOnlyInternetGateways:
- {EgressOnlyInternetGatewayId: eigw-a, Attachments: [{VpcId: vpc-a}]}
NetworkAcls:
- NetworkAclId: acl-default
  VpcId: vpc-a
  IsDefault: true
  Entries:
  - {RuleNumber: 100, Protocol: "-1", RuleAction: allow, Egress: false, Ipv6CidrBlock: "::/0"}
  - {RuleNumber: 100, Protocol: "-1", RuleAction: allow, Egress: true, Ipv6CidrBlock: "::/0"}
RouteTables:
- RouteTableId: rtb-main-a
  VpcId: vpc-a
  Associations: [{Main: true}]
  Routes:
  - {DestinationCidrBlock: 10.0.0.0/16, GatewayId: local}
  - {DestinationIpv6CidrBlock: "2600:1f18::/56", GatewayId: local}
  - {DestinationIpv6CidrBlock: "::/0", GatewayId: igw-a}
- RouteTableId: rtb-a2
  VpcId: vpc-a
  Associations: [{SubnetId: subnet-a2}]
  Routes:
  - {DestinationCidrBlock: 10.0.0.0/16, GatewayId: local}
  - {DestinationIpv6CidrBlock: "2600:1f18::/56", GatewayId: local}
  - {DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: eigw-a}
)";
  Net n(extra);
  auto in = n.Reach("internet", "2600:1f18::10", awsnet::kTcp, 22);
  CHECK(in.disposition == "ACCEPTED");
  CHECK(in.allowed());
  CHECK(n.Reach("internet", "2600:1f18::10", awsnet::kTcp, 80).disposition == "DENIED_IN");
  // eni-7's subnet leaves through the egress-only gateway: replies to the
  // internet do not return through the internet gateway.
  auto eigw = n.Reach("internet", "2600:1f18::20", awsnet::kTcp, 22);
  CHECK_FALSE(eigw.allowed());
  auto out = n.Reach("eni-7", "2001:db8::1", awsnet::kTcp, 443);
  CHECK(out.disposition == "EXITS_NETWORK");
  CHECK(out.hops[out.hops.size() - 2].kind == "egress-only-internet-gateway");
  // A source named by id speaks the destination's family.
  CHECK(n.Reach("eni-6", "2600:1f18::20", awsnet::kTcp, 22).disposition == "ACCEPTED");
  // Exposure covers IPv6 addresses.
  Engine e(n.model);
  bool found = false;
  for (const auto& x : e.InternetExposures())
    if (x.public_ip == "2600:1f18::10") {
      found = true;
      CHECK(x.ports.Format() == "TCP 22");
    }
  CHECK(found);
  for (const auto& x : e.InternetExposures()) CHECK(x.public_ip != "2600:1f18::20");
}

// An internet-facing NLB with a node in subnet-a1 (us-east-1a) and its
// target eni-2's instance in subnet-a2, here moved to us-east-1b.
std::string Nlb(const std::string& attributes) {
  return std::string(R"(
---
Subnets:
- {SubnetId: subnet-a2, VpcId: vpc-a, CidrBlock: 10.0.2.0/24, AvailabilityZone: us-east-1b}
NetworkInterfaces:
- {NetworkInterfaceId: eni-nlb, SubnetId: subnet-a1, VpcId: vpc-a, PrivateIpAddress: 10.0.1.50, Description: "ELB net/pub/abc", InterfaceType: network_load_balancer}
Reservations:
- Instances:
  - {InstanceId: i-2, SubnetId: subnet-a2, VpcId: vpc-a, PrivateIpAddress: 10.0.2.10, SecurityGroups: [{GroupId: sg-2}]}
LoadBalancers:
- {LoadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/pub/abc", LoadBalancerName: pub, Scheme: internet-facing, Type: network, VpcId: vpc-a, AvailabilityZones: [{SubnetId: subnet-a1}]}
Listeners:
- {LoadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/pub/abc", Port: 443, Protocol: TCP, DefaultActions: [{Type: forward, TargetGroupArn: tg-1}]}
TargetGroups:
- {TargetGroupArn: tg-1, TargetGroupName: app, Protocol: TCP, Port: 8443, TargetType: instance, VpcId: vpc-a}
LoadBalancerTargetHealth:
- {TargetGroupArn: tg-1, TargetHealthDescriptions: [{Target: {Id: i-2}, TargetHealth: {State: healthy}}]}
)") + attributes;
}

TEST_CASE("AWS net: an internet-facing load balancer: listener, node subnet, target group, target", "[aws-net]") {
  std::string cross_zone = R"(LoadBalancerAttributes:
- LoadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/pub/abc"
  Attributes: [{Key: load_balancing.cross_zone.enabled, Value: "true"}]
)";
  Net n(kOpenAcls + std::string(kRoutes) +
        Groups("[{IpProtocol: tcp, FromPort: 8443, ToPort: 8443, IpRanges: [{CidrIp: 0.0.0.0/0}]}]") +
        Nlb(cross_zone));
  auto t = n.Reach("internet", "pub", awsnet::kTcp, 443);
  CHECK(t.disposition == "ACCEPTED");
  CHECK(t.allowed());
  std::vector<std::string> kinds;
  for (const auto& h : t.hops) kinds.push_back(h.kind);
  CHECK(kinds == std::vector<std::string>{"internet", "internet-gateway", "vpc", "subnet", "load-balancer",
                                          "target-group", "subnet", "vpc", "subnet", "interface"});
  CHECK(t.hops.back().node == "eni-2");  // i-2's interface (no attachment in this input)
  auto no_listener = n.Reach("internet", "pub", awsnet::kTcp, 80);
  CHECK(no_listener.disposition == "DENIED_IN");
  CHECK(no_listener.hops.back().detail.find("no listener") != std::string::npos);
  // From inside, to the node's address: the same listener and target.
  CHECK(n.Reach("eni-b", "10.0.1.50", awsnet::kTcp, 443).disposition == "ACCEPTED");
}

TEST_CASE("AWS net: an NLB without cross-zone load balancing forwards within its zone only", "[aws-net]") {
  Net n(kOpenAcls + std::string(kRoutes) +
        Groups("[{IpProtocol: tcp, FromPort: 8443, ToPort: 8443, IpRanges: [{CidrIp: 0.0.0.0/0}]}]") + Nlb(""));
  auto t = n.Reach("internet", "pub", awsnet::kTcp, 443);
  CHECK(t.disposition == "DENIED_IN");
  CHECK(t.hops.back().detail.find("cross-zone load balancing is off") != std::string::npos);
}

TEST_CASE("AWS net: an internal load balancer has no address on the internet", "[aws-net]") {
  std::string nlb = Nlb("");
  nlb.replace(nlb.find("internet-facing"), 15, "internal");
  Net n(kOpenAcls + std::string(kRoutes) + Groups("[]") + nlb);
  CHECK(n.Reach("internet", "pub", awsnet::kTcp, 443).disposition == "NO_ROUTE");
}

TEST_CASE("AWS net: a classic ELB forwards its listener to the instance port of its instances", "[aws-net]") {
  std::string elb = R"(
---
Reservations:
- Instances:
  - {InstanceId: i-2, SubnetId: subnet-a2, VpcId: vpc-a, PrivateIpAddress: 10.0.2.10, SecurityGroups: [{GroupId: sg-2}]}
LoadBalancerDescriptions:
- LoadBalancerName: web
  DNSName: web-1.us-east-1.elb.amazonaws.com
  Scheme: internet-facing
  VPCId: vpc-a
  Subnets: [subnet-a1]
  SecurityGroups: [sg-1]
  ListenerDescriptions:
  - Listener: {LoadBalancerPort: 22, Protocol: TCP, InstancePort: 8022, InstanceProtocol: TCP}
  Instances: [{InstanceId: i-2}]
)";
  // sg-2 admits 8022 from the load balancer's group sg-1 only.
  Net n(kOpenAcls + std::string(kRoutes) +
        Groups("[{IpProtocol: tcp, FromPort: 8022, ToPort: 8022, UserIdGroupPairs: [{GroupId: sg-1}]}]") + elb);
  auto t = n.Reach("internet", "web", awsnet::kTcp, 22);
  CHECK(t.disposition == "ACCEPTED");
  CHECK(t.hops.back().detail.find("8022") != std::string::npos);
  CHECK(n.Reach("internet", "web", awsnet::kTcp, 80).disposition == "DENIED_IN");  // no such listener
  Engine e(n.model);
  bool exposed = false;
  for (const auto& x : e.InternetExposures()) exposed = exposed || (x.load_balancer == "web" && x.listener_port == 22);
  CHECK(exposed);
  // A registered instance the input does not describe: where traffic ends is
  // not known, which is said, not taken for the load balancer answering.
  std::string missing = elb;
  missing.replace(missing.find("Instances: [{InstanceId: i-2}]"), 30, "Instances: [{InstanceId: i-9}]");
  Net m(kOpenAcls + std::string(kRoutes) +
        Groups("[{IpProtocol: tcp, FromPort: 8022, ToPort: 8022, UserIdGroupPairs: [{GroupId: sg-1}]}]") + missing);
  auto u = m.Reach("internet", "web", awsnet::kTcp, 22);
  CHECK(u.disposition == "UNMODELLED");
  CHECK(u.hops.back().detail.find("i-9") != std::string::npos);
}

}  // namespace
}  // namespace grantpath
