#include "aws/ec2_focus.h"

#include <catch2/catch.hpp>

#include "test_util.h"

namespace grantpath::parsers {
namespace {

TEST_CASE("Ec2Focus: which elements of the large exports a reach question reads", "[parsers][aws]") {
  Ec2Focus focus({"i-0abc", "10.0.1.5"});
  REQUIRE(focus.enabled());
  const std::string mine = R"({"NetworkInterfaceId": "eni-1", "Attachment": {"InstanceId": "i-0abc"}})";
  const std::string by_ip = R"({"NetworkInterfaceId": "eni-2", "PrivateIpAddress": "10.0.1.5"})";
  const std::string other = R"({"NetworkInterfaceId": "eni-3", "PrivateIpAddress": "10.0.1.50", "InterfaceType": "interface"})";
  const std::string longer = R"({"NetworkInterfaceId": "eni-4", "Attachment": {"InstanceId": "i-0abcd"}})";
  const std::string escaped = R"({"NetworkInterfaceId": "eni-5", "Description": "i-0abc\"x"})";
  const std::string nat = R"({"NetworkInterfaceId": "eni-6", "InterfaceType": "nat_gateway"})";
  const std::string alb = R"({"NetworkInterfaceId": "eni-7", "InterfaceType": "interface", "Description": "ELB app/web/1"})";
  const std::string group = R"({"GroupId": "sg-1", "IpPermissions": []})";
  // Before AddFromModel prepares a stage, every element is read.
  CHECK(focus.Keep("NetworkInterfaces", other));
  Model m;
  awsnet::RouteTable t;
  t.routes.push_back({"0.0.0.0/0", "eni-9", false, false, {}});
  m.aws_route_tables.push_back(t);
  awsnet::Target target;
  target.id = "i-target";
  m.aws_targets.push_back(target);
  focus.AddFromModel(Ec2Focus::kInterfaces, m);
  CHECK(focus.Keep("NetworkInterfaces", mine));
  CHECK(focus.Keep("NetworkInterfaces", by_ip));
  CHECK_FALSE(focus.Keep("NetworkInterfaces", other));    // 10.0.1.50 is not 10.0.1.5: whole strings only
  CHECK_FALSE(focus.Keep("NetworkInterfaces", longer));   // nor is i-0abcd i-0abc
  CHECK_FALSE(focus.Keep("NetworkInterfaces", escaped));  // a string with an escape is not an id
  CHECK(focus.Keep("NetworkInterfaces", nat));            // AWS's own interfaces
  CHECK(focus.Keep("NetworkInterfaces", alb));            // a load balancer node
  CHECK(focus.Keep("NetworkInterfaces", R"({"NetworkInterfaceId": "eni-9"})"));  // a route target
  CHECK(focus.Keep("Reservations", R"({"Instances": [{"InstanceId": "i-target"}]})"));  // a load balancer target
  CHECK_FALSE(focus.Keep("Reservations", R"({"Instances": [{"InstanceId": "i-else"}]})"));
  CHECK(focus.Keep("Subnets", other));  // other lists are read whole
  // The groups stage: read whole until prepared, then the groups carried.
  CHECK(focus.Keep("SecurityGroups", group));
  awsnet::NetworkInterface eni;
  eni.groups = {"sg-2"};
  m.aws_interfaces.push_back(eni);
  focus.AddFromModel(Ec2Focus::kGroups, m);
  CHECK_FALSE(focus.Keep("SecurityGroups", group));
  CHECK(focus.Keep("SecurityGroups", R"({"GroupId": "sg-2"})"));

  CHECK(Ec2Focus::StageOf("\n{\n  \"NetworkInterfaces\": []}") == Ec2Focus::kInterfaces);
  CHECK(Ec2Focus::StageOf("{\"Reservations\": []}") == Ec2Focus::kInterfaces);
  CHECK(Ec2Focus::StageOf("{\"SecurityGroups\": []}") == Ec2Focus::kGroups);
  CHECK(Ec2Focus::StageOf("{\"Vpcs\": []}") == 0);
  CHECK(Ec2Focus::StageOf("NetworkInterfaces: []") == 0);  // YAML is read whole

  // An IPv6 endpoint has several spellings: no focus.
  CHECK_FALSE(Ec2Focus({"internet", "2600:1f18::5"}).enabled());
  CHECK(Ec2Focus({"internet", "i-1"}).enabled());
  // Nor has an IPv4 address with a leading zero.
  CHECK_FALSE(Ec2Focus({"10.0.01.5", "i-1"}).enabled());
  CHECK_FALSE(Ec2Focus({"010.0.1.5", "i-1"}).enabled());
  CHECK(Ec2Focus({"10.0.1.50", "10.0.0.5"}).enabled());
}

}  // namespace
}  // namespace grantpath::parsers
