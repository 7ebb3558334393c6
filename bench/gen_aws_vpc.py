#!/usr/bin/env python3
"""Generates an AWS account's network as `aws ec2 describe-*` output, one
file per call: VPCs with subnets over three zones, an internet gateway and a
NAT gateway per VPC, public subnets (default route to the internet gateway)
and private ones (to the NAT gateway), a default network ACL per VPC and a
custom one per ten subnets (with deny entries), security groups with rules
from common ports, the whole internet, private ranges and group references,
interfaces with instances (a fifth of them with a public IP), peering between
neighbouring VPCs and one transit gateway with every VPC attached.

Usage: gen_aws_vpc.py OUTDIR [--vpcs 50] [--subnets 2000] [--groups 5000] [--interfaces 20000]
"""
import argparse
import json
import os
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--vpcs", type=int, default=50)
    ap.add_argument("--subnets", type=int, default=2000)
    ap.add_argument("--groups", type=int, default=5000)
    ap.add_argument("--interfaces", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    acct = "123456789012"
    vpcs, subnets, igws, nats, rtbs, acls, sgs, enis, reservations, pcx = [], [], [], [], [], [], [], [], [], []
    per_vpc_subnets = a.subnets // a.vpcs
    per_vpc_groups = a.groups // a.vpcs
    per_vpc_enis = a.interfaces // a.vpcs
    ports = [22, 80, 443, 3306, 5432, 6379, 8080, 8443, 9200, 3389, 27017, 53]
    tgw = "tgw-0001"
    tgw_atts, tgw_vpc_atts, tgw_props = [], [], []
    for v in range(a.vpcs):
        vid = "vpc-%04d" % v
        vpcs.append({"VpcId": vid, "CidrBlock": "10.%d.0.0/16" % v, "OwnerId": acct, "IsDefault": False})
        igws.append({"InternetGatewayId": "igw-%04d" % v, "Attachments": [{"VpcId": vid, "State": "available"}]})
        sub_ids = []
        for s in range(per_vpc_subnets):
            sid = "subnet-%04d-%03d" % (v, s)
            sub_ids.append(sid)
            subnets.append({"SubnetId": sid, "VpcId": vid, "CidrBlock": "10.%d.%d.0/24" % (v, s),
                            "AvailabilityZone": "us-east-1" + "abc"[s % 3], "OwnerId": acct})
        nats.append({"NatGatewayId": "nat-%04d" % v, "VpcId": vid, "SubnetId": sub_ids[0], "State": "available",
                     "NatGatewayAddresses": [{"PrivateIp": "10.%d.0.5" % v, "PublicIp": "3.%d.%d.5" % (v // 250, v % 250)}]})
        peer_routes = []
        for other in (v - 1, v + 1):
            if 0 <= other < a.vpcs:
                pid = "pcx-%04d-%04d" % (min(v, other), max(v, other))
                peer_routes.append({"DestinationCidrBlock": "10.%d.0.0/16" % other, "VpcPeeringConnectionId": pid,
                                    "State": "active"})
        base = [{"DestinationCidrBlock": "10.%d.0.0/16" % v, "GatewayId": "local", "State": "active"}] + peer_routes + [
            {"DestinationCidrBlock": "10.0.0.0/8", "TransitGatewayId": tgw, "State": "active"}]
        rtbs.append({"RouteTableId": "rtb-%04d-main" % v, "VpcId": vid, "Associations": [{"Main": True}],
                     "Routes": base + [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-%04d" % v, "State": "active"}]})
        public = [sid for i, sid in enumerate(sub_ids) if i % 4 == 0]
        rtbs.append({"RouteTableId": "rtb-%04d-public" % v, "VpcId": vid,
                     "Associations": [{"Main": False, "SubnetId": sid} for sid in public],
                     "Routes": base + [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-%04d" % v, "State": "active"}]})
        acls.append({"NetworkAclId": "acl-%04d-default" % v, "VpcId": vid, "IsDefault": True, "Associations": [],
                     "Entries": [{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": e,
                                  "CidrBlock": "0.0.0.0/0"} for e in (False, True)]})
        for k in range(0, per_vpc_subnets, 10):
            acls.append({"NetworkAclId": "acl-%04d-%03d" % (v, k), "VpcId": vid, "IsDefault": False,
                         "Associations": [{"SubnetId": sid} for sid in sub_ids[k:k + 10]],
                         "Entries": [
                             {"RuleNumber": 50, "Protocol": "6", "RuleAction": "deny", "Egress": False,
                              "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 3389, "To": 3389}},
                             {"RuleNumber": 60, "Protocol": "6", "RuleAction": "deny", "Egress": False,
                              "CidrBlock": "192.0.2.0/24", "PortRange": {"From": 1, "To": 65535}},
                             {"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": False,
                              "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 1, "To": 65535}},
                             {"RuleNumber": 110, "Protocol": "17", "RuleAction": "allow", "Egress": False,
                              "CidrBlock": "10.0.0.0/8", "PortRange": {"From": 53, "To": 53}},
                             {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": True,
                              "CidrBlock": "0.0.0.0/0"}]})
        group_ids = []
        for g in range(per_vpc_groups):
            gid = "sg-%04d-%03d" % (v, g)
            group_ids.append(gid)
            perms = []
            for _ in range(rng.randint(1, 4)):
                p = rng.choice(ports)
                src = rng.random()
                perm = {"IpProtocol": "udp" if p == 53 else "tcp", "FromPort": p, "ToPort": p, "IpRanges": [],
                        "UserIdGroupPairs": []}
                if src < 0.15:
                    perm["IpRanges"].append({"CidrIp": "0.0.0.0/0"})
                elif src < 0.6:
                    perm["IpRanges"].append({"CidrIp": "10.0.0.0/8"})
                elif src < 0.8:
                    perm["IpRanges"].append({"CidrIp": "203.0.%d.0/24" % rng.randrange(256)})
                else:
                    perm["UserIdGroupPairs"].append({"GroupId": "sg-%04d-%03d" % (v, rng.randrange(per_vpc_groups))})
                perms.append(perm)
            sgs.append({"GroupId": gid, "GroupName": "g%d" % g, "VpcId": vid, "IpPermissions": perms,
                        "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
                        "OwnerId": acct})
        instances = []
        used = [0] * per_vpc_subnets  # addresses handed out per subnet: each one is unique
        for n in range(per_vpc_enis):
            s = rng.randrange(per_vpc_subnets)
            while used[s] >= 240:
                s = (s + 1) % per_vpc_subnets
            ip = "10.%d.%d.%d" % (v, s, 10 + used[s])
            used[s] += 1
            eid = "eni-%04d-%05d" % (v, n)
            iid = "i-%04d-%05d" % (v, n)
            groups = [{"GroupId": gid} for gid in rng.sample(group_ids, rng.randint(1, 3))]
            pub = s % 4 == 0 and rng.random() < 0.8
            addr = {"PrivateIpAddress": ip}
            if pub:
                addr["Association"] = {"PublicIp": "54.%d.%d.%d" % (v, n // 250 % 250, n % 250)}
            enis.append({"NetworkInterfaceId": eid, "SubnetId": sub_ids[s], "VpcId": vid, "PrivateIpAddress": ip,
                         "PrivateIpAddresses": [addr], "Groups": groups, "InterfaceType": "interface",
                         "Attachment": {"InstanceId": iid}, "OwnerId": acct})
            inst = {"InstanceId": iid, "SubnetId": sub_ids[s], "VpcId": vid, "PrivateIpAddress": ip,
                    "State": {"Name": "running"}, "SecurityGroups": groups,
                    "NetworkInterfaces": [{"NetworkInterfaceId": eid}]}
            if pub:
                inst["PublicIpAddress"] = addr["Association"]["PublicIp"]
            if n % 7 == 0:
                inst["IamInstanceProfile"] = {"Arn": "arn:aws:iam::%s:instance-profile/app-%d" % (acct, n % 5)}
            instances.append(inst)
        reservations.append({"Instances": instances})
        att = "tgw-attach-%04d" % v
        tgw_atts.append({"TransitGatewayAttachmentId": att, "TransitGatewayId": tgw, "ResourceType": "vpc",
                         "ResourceId": vid, "State": "available",
                         "Association": {"TransitGatewayRouteTableId": "tgw-rtb-0001", "State": "associated"}})
        tgw_vpc_atts.append({"TransitGatewayAttachmentId": att, "TransitGatewayId": tgw, "VpcId": vid,
                             "SubnetIds": sub_ids[:3], "State": "available"})
        tgw_props.append({"TransitGatewayAttachmentId": att, "ResourceId": vid, "ResourceType": "vpc", "State": "enabled"})
    for v in range(a.vpcs - 1):
        pcx.append({"VpcPeeringConnectionId": "pcx-%04d-%04d" % (v, v + 1),
                    "RequesterVpcInfo": {"VpcId": "vpc-%04d" % v, "CidrBlock": "10.%d.0.0/16" % v},
                    "AccepterVpcInfo": {"VpcId": "vpc-%04d" % (v + 1), "CidrBlock": "10.%d.0.0/16" % (v + 1)},
                    "Status": {"Code": "active"}})
    files = {"Vpcs": vpcs, "Subnets": subnets, "InternetGateways": igws, "NatGateways": nats, "RouteTables": rtbs,
             "NetworkAcls": acls, "SecurityGroups": sgs, "NetworkInterfaces": enis, "Reservations": reservations,
             "VpcPeeringConnections": pcx, "TransitGatewayAttachments": tgw_atts,
             "TransitGatewayVpcAttachments": tgw_vpc_atts,
             "TransitGatewayPropagations": [{"TransitGatewayRouteTableId": "tgw-rtb-0001",
                                             "TransitGatewayRouteTablePropagations": tgw_props}]}
    for k, v in files.items():
        with open(os.path.join(a.out, k + ".json"), "w") as f:
            json.dump({k: v}, f)
    print("%s: %d VPCs, %d subnets, %d security groups, %d interfaces" % (a.out, len(vpcs), len(subnets), len(sgs), len(enis)))


if __name__ == "__main__":
    main()
