#include "aws/ec2.h"

#include <cctype>
#include <map>
#include <set>

#include "common/fields.h"

namespace grantpath::parsers {
namespace {

using namespace awsnet;

const std::set<std::string>& ModelledKeys() {
  static const std::set<std::string> k = {
      "Vpcs",           "Subnets",     "SecurityGroups",    "NetworkAcls",
      "RouteTables",    "InternetGateways", "EgressOnlyInternetGateways", "NatGateways",
      "NetworkInterfaces", "Reservations", "Addresses",      "VpcPeeringConnections",
      "TransitGatewayAttachments", "TransitGatewayStaticRoutes", "TransitGatewayPropagations",
      "TransitGatewayVpcAttachments", "LoadBalancers", "Listeners", "LoadBalancerListeners", "TargetGroups",
      "LoadBalancerTargetHealth", "LoadBalancerAttributes", "PrefixLists", "VpcEndpoints",
      "LoadBalancerDescriptions"};
  return k;
}

// Kinds read but not routed through: each object is recorded with its id key.
const std::map<std::string, std::string>& UnmodelledKeys() {
  static const std::map<std::string, std::string> k = {
      {"TransitGateways", "TransitGatewayId"},
      {"TransitGatewayRouteTables", "TransitGatewayRouteTableId"},
      {"VpnGateways", "VpnGatewayId"},
      {"VpnConnections", "VpnConnectionId"},
      {"DBInstances", "DBInstanceIdentifier"},
      {"Functions", "FunctionArn"},
      {"directConnectGateways", "directConnectGatewayId"},
      {"virtualInterfaces", "virtualInterfaceId"},
  };
  return k;
}

bool IsRegion(const std::string& s) {
  // us-east-1, eu-central-2, us-gov-west-1, ap-southeast-4, cn-north-1
  std::size_t dash = s.find('-');
  if (dash != 2 || s.size() < 9) return false;
  if (!std::isdigit(static_cast<unsigned char>(s.back())) || s[s.size() - 2] != '-') return false;
  for (char c : s.substr(0, s.size() - 2))
    if (!(std::islower(static_cast<unsigned char>(c)) || c == '-')) return false;
  return true;
}

bool IsAccount(const std::string& s) {
  if (s.size() != 12) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

Origin FolderOrigin(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  Origin o;
  for (std::size_t i = parts.size(); i-- > 0;) {
    if (IsRegion(parts[i])) {
      o.region = parts[i];
      if (i > 0 && IsAccount(parts[i - 1])) o.account = parts[i - 1];
      break;
    }
  }
  return o;
}

class Reader {
 public:
  Reader(FileId file, const std::string& path, const Origin& folder, Model& model, DiagnosticSink& sink)
      : file_(file), path_(path), folder_(folder), model_(model), sink_(sink) {}

  std::size_t Read(const DocNode& root) {
    std::size_t n = 0;
    for (const auto& e : root.entries) {
      if (!e.value.is_seq()) continue;
      for (const auto& item : e.value.items) {
        if (!item.is_map()) continue;
        n += Item(e.key, item);
      }
    }
    return n;
  }

 private:
  SourceRange Where(const DocNode& n) const { return At(file_, n.pos); }

  // "pl-0123abcd" in the file's name (get-managed-prefix-list-entries
  // output carries no id of its own).
  std::string PrefixListIdInPath() const {
    std::string name = path_.substr(path_.find_last_of('/') == std::string::npos ? 0 : path_.find_last_of('/') + 1);
    std::size_t at = name.find("pl-");
    if (at == std::string::npos) return "";
    std::size_t end = at + 3;
    while (end < name.size() && std::isxdigit(static_cast<unsigned char>(name[end]))) ++end;
    return end > at + 3 ? name.substr(at, end - at) : "";
  }

  Origin OriginOf(Fields& f, const DocNode& obj) {
    Origin o = folder_;
    if (o.account.empty())
      if (auto owner = f.Str(obj, "OwnerId"); owner && IsAccount(*owner)) o.account = *owner;
    if (o.region.empty())
      if (auto az = f.Str(obj, "AvailabilityZone"); az && az->size() > 1) o.region = az->substr(0, az->size() - 1);
    return o;
  }

  std::vector<std::string> Ids(Fields& f, const DocNode& obj, std::string_view list, std::string_view key) {
    std::vector<std::string> out;
    if (const DocNode* l = f.Seq(obj, list))
      for (const auto& x : l->items)
        if (x.is_map())
          if (auto v = f.Str(x, key)) out.push_back(*v);
    return out;
  }

  std::string Name(const DocNode& obj) {
    if (const DocNode* tags = obj.Find("Tags"); tags && tags->is_seq())
      for (const auto& t : tags->items)
        if (const DocNode* k = t.Find("Key"); k && k->is_scalar() && k->text == "Name")
          if (const DocNode* v = t.Find("Value"); v && v->is_scalar()) return v->text;
    return "";
  }

  int Port(Fields& f, const DocNode& obj, std::string_view key) {
    auto v = f.Int(obj, key);
    return v ? static_cast<int>(*v) : -1;
  }

  // An interface's private addresses with their public associations, as
  // describe-network-interfaces and describe-instances both give them.
  void Addresses(Fields& f, const DocNode& obj, NetworkInterface* i) {
    if (const DocNode* ps = f.Seq(obj, "PrivateIpAddresses"))
      for (const auto& p : ps->items) {
        if (!p.is_map()) continue;
        if (auto v = f.Str(p, "PrivateIpAddress")) i->private_ips.push_back(*v);
        if (const DocNode* a = f.Map(p, "Association"))
          if (auto v = f.Str(*a, "PublicIp"); v && !v->empty()) i->public_ips.push_back(*v);
      }
    if (i->private_ips.empty())
      if (auto v = f.Str(obj, "PrivateIpAddress")) i->private_ips.push_back(*v);
    for (const auto& v : Ids(f, obj, "Ipv6Addresses", "Ipv6Address")) i->ipv6_addresses.push_back(v);
  }

  // A classic ELB (elb describe-load-balancers) in the records of an ALB:
  // each listener forwards to its instance port on the registered
  // instances, through a target group of its own.
  std::size_t ClassicLoadBalancer(Fields& f, const DocNode& obj) {
    LoadBalancer lb;
    lb.name = f.Str(obj, "LoadBalancerName").value_or("");
    if (lb.name.empty()) return 0;
    lb.arn = "classic-elb:" + lb.name;
    lb.dns = f.Str(obj, "DNSName").value_or("");
    lb.scheme = f.Str(obj, "Scheme").value_or("internet-facing");
    lb.type = "classic";
    lb.vpc = f.Str(obj, "VPCId").value_or("");
    lb.subnets = f.StrList(obj, "Subnets");
    lb.groups = f.StrList(obj, "SecurityGroups");
    lb.origin = OriginOf(f, obj);
    lb.where = Where(obj);
    std::vector<std::string> instances = Ids(f, obj, "Instances", "InstanceId");
    std::size_t n = 1;
    if (const DocNode* ls = f.Seq(obj, "ListenerDescriptions"))
      for (const auto& d : ls->items) {
        const DocNode* l = d.is_map() ? f.Map(d, "Listener") : nullptr;
        if (l == nullptr) continue;
        Listener x;
        x.load_balancer = lb.arn;
        x.port = static_cast<int>(f.Int(*l, "LoadBalancerPort").value_or(0));
        x.protocol = f.Str(*l, "Protocol").value_or("TCP");
        for (auto& c : x.protocol) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        int instance_port = static_cast<int>(f.Int(*l, "InstancePort").value_or(x.port));
        TargetGroup tg;
        tg.arn = lb.arn + ":" + std::to_string(instance_port);
        tg.name = lb.name + " instances";
        tg.protocol = f.Str(*l, "InstanceProtocol").value_or(x.protocol);
        tg.target_type = "instance";
        tg.vpc = lb.vpc;
        tg.port = instance_port;
        tg.where = Where(*l);
        x.target_groups.push_back(tg.arn);
        x.where = Where(*l);
        model_.aws_listeners.push_back(std::move(x));
        bool known = false;
        for (const auto& t : model_.aws_target_groups) known = known || t.arn == tg.arn;
        if (known) continue;
        for (const auto& id : instances) model_.aws_targets.push_back({tg.arn, id, -1, "", tg.where});
        model_.aws_target_groups.push_back(std::move(tg));
        ++n;
      }
    for (const auto& g : lb.groups) model_.aws_group_uses.push_back({g, lb.name, lb.where});
    model_.aws_load_balancers.push_back(std::move(lb));
    return n;
  }

  SgRule Permission(Fields& f, const DocNode& p) {
    SgRule r;
    r.where = Where(p);
    r.protocol = f.Str(p, "IpProtocol").value_or("-1");
    for (auto& c : r.protocol) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.from_port = Port(f, p, "FromPort");
    r.to_port = Port(f, p, "ToPort");
    for (const auto& c : Ids(f, p, "IpRanges", "CidrIp")) r.cidrs.push_back(c);
    for (const auto& c : Ids(f, p, "Ipv6Ranges", "CidrIpv6")) r.cidrs.push_back(c);
    r.prefix_lists = Ids(f, p, "PrefixListIds", "PrefixListId");
    r.groups = Ids(f, p, "UserIdGroupPairs", "GroupId");
    return r;
  }

  std::size_t Item(const std::string& kind, const DocNode& obj) {
    Fields f(file_, sink_, kind + " entry");
    if (auto it = UnmodelledKeys().find(kind); it != UnmodelledKeys().end()) {
      Unmodelled u;
      u.kind = kind;
      u.id = f.Str(obj, it->second).value_or("");
      u.where = Where(obj);
      // The security groups such a resource carries are in use.
      std::vector<std::string> groups = f.StrList(obj, "SecurityGroups");  // elbv2, classic ELB
      for (const auto& g : Ids(f, obj, "Groups", "GroupId")) groups.push_back(g);  // VPC endpoints
      for (const auto& g : Ids(f, obj, "VpcSecurityGroups", "VpcSecurityGroupId")) groups.push_back(g);  // RDS
      if (const DocNode* vc = f.Map(obj, "VpcConfig"))  // Lambda
        for (const auto& g : f.StrList(*vc, "SecurityGroupIds")) groups.push_back(g);
      for (const auto& g : groups) model_.aws_group_uses.push_back({g, u.id, u.where});
      model_.aws_unmodelled.push_back(std::move(u));
      return 0;
    }
    if (kind == "PrefixLists") {  // describe-prefix-lists (with Cidrs) or describe-managed-prefix-lists
      PrefixList pl;
      pl.id = f.Required(obj, "PrefixListId");
      pl.name = f.Str(obj, "PrefixListName").value_or("");
      if (obj.Find("Cidrs") != nullptr) {
        pl.cidrs = f.StrList(obj, "Cidrs");
        pl.resolved = true;
      }
      pl.origin = OriginOf(f, obj);
      pl.where = Where(obj);
      if (!f.ok()) return 0;
      model_.aws_prefix_lists.push_back(std::move(pl));
      return 1;
    }
    if (kind == "Entries") {  // get-managed-prefix-list-entries: one entry of the list the file is named after
      std::string id = PrefixListIdInPath();
      if (id.empty()) {
        sink_.Warning("aws-prefix-list",
                      "get-managed-prefix-list-entries output whose file name names no prefix list (pl-...): "
                      "this entry is not used; name the file after the list, e.g. pl-0123456789abcdef0.json",
                      Where(obj));
        return 0;
      }
      // Lists are streamed one element at a time: the file's list may exist.
      PrefixList* pl = nullptr;
      for (auto it = model_.aws_prefix_lists.rbegin(); it != model_.aws_prefix_lists.rend() && !pl; ++it)
        if (it->id == id && it->where.file == file_) pl = &*it;
      if (pl == nullptr) {
        model_.aws_prefix_lists.push_back({});
        pl = &model_.aws_prefix_lists.back();
        pl->id = id;
        pl->resolved = true;
        pl->origin = folder_;
        pl->where = Where(obj);
      }
      if (auto c = f.Str(obj, "Cidr")) pl->cidrs.push_back(*c);
      return 1;
    }
    if (kind == "VpcEndpoints") {
      VpcEndpoint v;
      v.id = f.Required(obj, "VpcEndpointId");
      v.type = f.Str(obj, "VpcEndpointType").value_or("Gateway");
      v.service = f.Str(obj, "ServiceName").value_or("");
      v.vpc = f.Str(obj, "VpcId").value_or("");
      v.state = f.Str(obj, "State").value_or("available");
      v.route_tables = f.StrList(obj, "RouteTableIds");
      v.interfaces = f.StrList(obj, "NetworkInterfaceIds");
      v.origin = OriginOf(f, obj);
      v.where = Where(obj);
      for (const auto& g : Ids(f, obj, "Groups", "GroupId")) model_.aws_group_uses.push_back({g, v.id, v.where});
      if (!f.ok()) return 0;
      model_.aws_vpc_endpoints.push_back(std::move(v));
      return 1;
    }
    if (kind == "TransitGatewayAttachments") {
      TgwAttachment a;
      a.id = f.Required(obj, "TransitGatewayAttachmentId");
      a.tgw = f.Str(obj, "TransitGatewayId").value_or("");
      a.type = f.Str(obj, "ResourceType").value_or("");
      a.resource = f.Str(obj, "ResourceId").value_or("");
      a.available = f.Str(obj, "State").value_or("available") == "available";
      if (const DocNode* as = f.Map(obj, "Association")) a.route_table = f.Str(*as, "TransitGatewayRouteTableId").value_or("");
      a.origin = OriginOf(f, obj);
      a.where = Where(obj);
      if (!f.ok()) return 0;
      model_.aws_tgw_attachments.push_back(std::move(a));
      return 1;
    }
    if (kind == "LoadBalancers") {
      LoadBalancer lb;
      lb.arn = f.Str(obj, "LoadBalancerArn").value_or("");
      lb.name = f.Str(obj, "LoadBalancerName").value_or("");
      lb.dns = f.Str(obj, "DNSName").value_or("");
      lb.scheme = f.Str(obj, "Scheme").value_or("internet-facing");
      lb.type = f.Str(obj, "Type").value_or("application");
      lb.vpc = f.Str(obj, "VpcId").value_or("");
      lb.subnets = Ids(f, obj, "AvailabilityZones", "SubnetId");
      lb.groups = f.StrList(obj, "SecurityGroups");
      lb.origin = OriginOf(f, obj);
      lb.where = Where(obj);
      if (!f.ok() || lb.arn.empty()) return 0;
      for (const auto& g : lb.groups) model_.aws_group_uses.push_back({g, lb.name, lb.where});
      model_.aws_load_balancers.push_back(std::move(lb));
      return 1;
    }
    if (kind == "LoadBalancerAttributes") {  // {LoadBalancerArn, Attributes: [{Key, Value}]}
      std::string arn = f.Str(obj, "LoadBalancerArn").value_or("");
      if (const DocNode* as = f.Seq(obj, "Attributes"))
        for (const auto& a : as->items)
          if (a.is_map() && f.Str(a, "Key").value_or("") == "load_balancing.cross_zone.enabled") {
            model_.aws_cross_zone.push_back({arn, f.Str(a, "Value").value_or("") == "true", Where(a)});
            return 1;
          }
      return 0;
    }
    if (kind == "LoadBalancerDescriptions") return ClassicLoadBalancer(f, obj);
    if (kind == "Listeners") return ListenerRecord(f, obj, "");
    if (kind == "LoadBalancerListeners") {  // Batfish's collection: per load balancer
      std::size_t n = 0;
      std::string lb = f.Str(obj, "LoadBalancerArn").value_or("");
      if (const DocNode* ls = f.Seq(obj, "Listeners"))
        for (const auto& l : ls->items)
          if (l.is_map()) n += ListenerRecord(f, l, lb);
      return n;
    }
    if (kind == "TargetGroups") {
      TargetGroup tg;
      tg.arn = f.Str(obj, "TargetGroupArn").value_or("");
      tg.name = f.Str(obj, "TargetGroupName").value_or("");
      tg.protocol = f.Str(obj, "Protocol").value_or("");
      tg.target_type = f.Str(obj, "TargetType").value_or("instance");
      tg.vpc = f.Str(obj, "VpcId").value_or("");
      tg.port = static_cast<int>(f.Int(obj, "Port").value_or(0));
      tg.where = Where(obj);
      if (!f.ok() || tg.arn.empty()) return 0;
      model_.aws_target_groups.push_back(std::move(tg));
      return 1;
    }
    if (kind == "LoadBalancerTargetHealth") {  // {TargetGroupArn, TargetHealthDescriptions}
      std::string group = f.Str(obj, "TargetGroupArn").value_or("");
      std::size_t n = 0;
      if (const DocNode* ds = f.Seq(obj, "TargetHealthDescriptions"))
        for (const auto& d : ds->items) {
          if (!d.is_map()) continue;
          Target t;
          t.group = group;
          if (const DocNode* tg = f.Map(d, "Target")) {
            t.id = f.Str(*tg, "Id").value_or("");
            t.port = static_cast<int>(f.Int(*tg, "Port").value_or(-1));
          }
          if (const DocNode* h = f.Map(d, "TargetHealth")) t.state = f.Str(*h, "State").value_or("");
          t.where = Where(d);
          if (t.id.empty()) continue;
          model_.aws_targets.push_back(std::move(t));
          ++n;
        }
      return n;
    }
    if (kind == "TransitGatewayVpcAttachments") {
      TgwVpcSubnets v;
      v.attachment = f.Str(obj, "TransitGatewayAttachmentId").value_or("");
      v.subnets = f.StrList(obj, "SubnetIds");
      v.where = Where(obj);
      if (!f.ok()) return 0;
      model_.aws_tgw_vpc_subnets.push_back(std::move(v));
      return 1;
    }
    if (kind == "TransitGatewayStaticRoutes") {
      std::string table = f.Str(obj, "TransitGatewayRouteTableId").value_or("");
      std::size_t n = 0;
      if (const DocNode* rs = f.Seq(obj, "Routes"))
        for (const auto& r : rs->items) {
          if (!r.is_map()) continue;
          TgwRoute x;
          x.table = table;
          x.destination = f.Str(r, "DestinationCidrBlock").value_or("");
          x.blackhole = f.Str(r, "State").value_or("active") == "blackhole";
          auto atts = Ids(f, r, "TransitGatewayAttachments", "TransitGatewayAttachmentId");
          if (!atts.empty()) x.attachment = atts.front();
          x.where = Where(r);
          model_.aws_tgw_routes.push_back(std::move(x));
          ++n;
        }
      return n;
    }
    if (kind == "TransitGatewayPropagations") {
      std::string table = f.Str(obj, "TransitGatewayRouteTableId").value_or("");
      std::size_t n = 0;
      if (const DocNode* ps = f.Seq(obj, "TransitGatewayRouteTablePropagations"))
        for (const auto& p : ps->items) {
          if (!p.is_map() || f.Str(p, "State").value_or("enabled") != "enabled") continue;
          TgwPropagation x;
          x.table = table;
          x.attachment = f.Str(p, "TransitGatewayAttachmentId").value_or("");
          x.where = Where(p);
          model_.aws_tgw_propagations.push_back(std::move(x));
          ++n;
        }
      return n;
    }
    if (kind == "Vpcs") {
      Vpc v;
      v.id = f.Required(obj, "VpcId");
      if (auto c = f.Str(obj, "CidrBlock")) v.cidrs.push_back(*c);
      if (const DocNode* set = f.Seq(obj, "CidrBlockAssociationSet"))
        for (const auto& a : set->items) {
          auto c = f.Str(a, "CidrBlock");
          if (c && std::find(v.cidrs.begin(), v.cidrs.end(), *c) == v.cidrs.end()) v.cidrs.push_back(*c);
        }
      for (const auto& c : Ids(f, obj, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock")) v.cidrs.push_back(c);
      v.is_default = f.Bool(obj, "IsDefault").value_or(false);
      v.origin = OriginOf(f, obj);
      v.where = Where(obj);
      if (!f.ok()) return 0;
      model_.aws_vpcs.push_back(std::move(v));
      return 1;
    }
    if (kind == "Subnets") {
      Subnet s;
      s.id = f.Required(obj, "SubnetId");
      s.vpc = f.Str(obj, "VpcId").value_or("");
      s.cidr = f.Str(obj, "CidrBlock").value_or("");
      auto v6 = Ids(f, obj, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock");
      if (!v6.empty()) s.ipv6_cidr = v6.front();
      s.az = f.Str(obj, "AvailabilityZone").value_or("");
      s.origin = OriginOf(f, obj);
      s.where = Where(obj);
      if (!f.ok()) return 0;
      model_.aws_subnets.push_back(std::move(s));
      return 1;
    }
    if (kind == "SecurityGroups") {
      SecurityGroup g;
      g.id = f.Required(obj, "GroupId");
      g.name = f.Str(obj, "GroupName").value_or("");
      g.vpc = f.Str(obj, "VpcId").value_or("");
      if (const DocNode* in = f.Seq(obj, "IpPermissions"))
        for (const auto& p : in->items)
          if (p.is_map()) g.ingress.push_back(Permission(f, p));
      if (const DocNode* out = f.Seq(obj, "IpPermissionsEgress"))
        for (const auto& p : out->items)
          if (p.is_map()) g.egress.push_back(Permission(f, p));
      g.origin = OriginOf(f, obj);
      g.where = Where(obj);
      if (!f.ok()) return 0;
      model_.aws_security_groups.push_back(std::move(g));
      return 1;
    }
    if (kind == "NetworkAcls") {
      NetworkAcl a;
      a.id = f.Required(obj, "NetworkAclId");
      a.vpc = f.Str(obj, "VpcId").value_or("");
      a.is_default = f.Bool(obj, "IsDefault").value_or(false);
      a.subnets = Ids(f, obj, "Associations", "SubnetId");
      if (const DocNode* es = f.Seq(obj, "Entries"))
        for (const auto& e : es->items) {
          if (!e.is_map()) continue;
          AclEntry x;
          x.where = Where(e);
          x.number = static_cast<int>(f.Int(e, "RuleNumber").value_or(32767));
          x.egress = f.Bool(e, "Egress").value_or(false);
          x.allow = f.Str(e, "RuleAction").value_or("deny") == "allow";
          x.protocol = f.Str(e, "Protocol").value_or("-1");
          x.cidr = f.Str(e, "CidrBlock").value_or(f.Str(e, "Ipv6CidrBlock").value_or(""));
          if (const DocNode* pr = f.Map(e, "PortRange")) {
            x.from_port = Port(f, *pr, "From");
            x.to_port = Port(f, *pr, "To");
          }
          if (const DocNode* ic = f.Map(e, "IcmpTypeCode")) {
            x.icmp_type = Port(f, *ic, "Type");
            x.icmp_code = Port(f, *ic, "Code");
          }
          a.entries.push_back(std::move(x));
        }
      a.origin = OriginOf(f, obj);
      a.where = Where(obj);
      if (!f.ok()) return 0;
      model_.aws_network_acls.push_back(std::move(a));
      return 1;
    }
    if (kind == "RouteTables") {
      RouteTable t;
      t.id = f.Required(obj, "RouteTableId");
      t.vpc = f.Str(obj, "VpcId").value_or("");
      if (const DocNode* as = f.Seq(obj, "Associations"))
        for (const auto& a : as->items) {
          if (!a.is_map()) continue;
          if (f.Bool(a, "Main").value_or(false)) t.main = true;
          if (auto s = f.Str(a, "SubnetId")) t.subnets.push_back(*s);
          if (auto g = f.Str(a, "GatewayId")) t.gateways.push_back(*g);
        }
      if (const DocNode* rs = f.Seq(obj, "Routes"))
        for (const auto& r : rs->items) {
          if (!r.is_map()) continue;
          Route x;
          x.where = Where(r);
          x.destination = f.Str(r, "DestinationCidrBlock")
                              .value_or(f.Str(r, "DestinationIpv6CidrBlock")
                                            .value_or(f.Str(r, "DestinationPrefixListId").value_or("")));
          for (const char* k : {"GatewayId", "NatGatewayId", "VpcPeeringConnectionId", "TransitGatewayId",
                                "NetworkInterfaceId", "InstanceId", "EgressOnlyInternetGatewayId",
                                "LocalGatewayId", "CarrierGatewayId", "CoreNetworkArn"})
            if (auto v = f.Str(r, k); v && x.target.empty()) x.target = *v;
          x.blackhole = f.Str(r, "State").value_or("active") == "blackhole";
          x.propagated = f.Str(r, "Origin").value_or("") == "EnableVgwRoutePropagation";
          t.routes.push_back(std::move(x));
        }
      t.origin = OriginOf(f, obj);
      t.where = Where(obj);
      if (!f.ok()) return 0;
      model_.aws_route_tables.push_back(std::move(t));
      return 1;
    }
    if (kind == "InternetGateways" || kind == "EgressOnlyInternetGateways") {
      Gateway g;
      g.egress_only = kind == "EgressOnlyInternetGateways";
      g.id = f.Required(obj, g.egress_only ? "EgressOnlyInternetGatewayId" : "InternetGatewayId");
      g.vpcs = Ids(f, obj, "Attachments", "VpcId");
      g.origin = OriginOf(f, obj);
      g.where = Where(obj);
      if (!f.ok()) return 0;
      model_.aws_gateways.push_back(std::move(g));
      return 1;
    }
    if (kind == "NatGateways") {
      NatGateway n;
      n.id = f.Required(obj, "NatGatewayId");
      n.vpc = f.Str(obj, "VpcId").value_or("");
      n.subnet = f.Str(obj, "SubnetId").value_or("");
      n.is_public = f.Str(obj, "ConnectivityType").value_or("public") == "public";
      n.available = f.Str(obj, "State").value_or("available") == "available";
      if (const DocNode* as = f.Seq(obj, "NatGatewayAddresses"))
        for (const auto& a : as->items) {
          if (!a.is_map()) continue;
          if (auto v = f.Str(a, "PrivateIp"); v && n.private_ip.empty()) n.private_ip = *v;
          if (auto v = f.Str(a, "PublicIp"); v && n.public_ip.empty()) n.public_ip = *v;
        }
      n.origin = OriginOf(f, obj);
      n.where = Where(obj);
      if (!f.ok()) return 0;
      model_.aws_nat_gateways.push_back(std::move(n));
      return 1;
    }
    if (kind == "NetworkInterfaces") {
      NetworkInterface i;
      i.id = f.Required(obj, "NetworkInterfaceId");
      i.subnet = f.Str(obj, "SubnetId").value_or("");
      i.vpc = f.Str(obj, "VpcId").value_or("");
      i.type = f.Str(obj, "InterfaceType").value_or("interface");
      i.description = f.Str(obj, "Description").value_or("");
      i.source_dest_check = f.Bool(obj, "SourceDestCheck").value_or(true);
      Addresses(f, obj, &i);
      if (i.public_ips.empty())
        if (const DocNode* a = f.Map(obj, "Association"))
          if (auto v = f.Str(*a, "PublicIp")) i.public_ips.push_back(*v);
      i.groups = Ids(f, obj, "Groups", "GroupId");
      if (const DocNode* at = f.Map(obj, "Attachment"))
        i.instance = f.Str(*at, "InstanceId").value_or("");
      i.origin = OriginOf(f, obj);
      i.where = Where(obj);
      if (!f.ok()) return 0;
      model_.aws_interfaces.push_back(std::move(i));
      return 1;
    }
    if (kind == "Reservations") {
      std::size_t n = 0;
      if (const DocNode* is = f.Seq(obj, "Instances"))
        for (const auto& x : is->items)
          if (x.is_map()) n += InstanceRecord(x);
      return n;
    }
    if (kind == "Addresses") {
      Address a;
      a.public_ip = f.Str(obj, "PublicIp").value_or("");
      a.interface = f.Str(obj, "NetworkInterfaceId").value_or("");
      a.instance = f.Str(obj, "InstanceId").value_or("");
      a.private_ip = f.Str(obj, "PrivateIpAddress").value_or("");
      a.origin = OriginOf(f, obj);
      a.where = Where(obj);
      if (!f.ok() || a.public_ip.empty()) return 0;
      model_.aws_addresses.push_back(std::move(a));
      return 1;
    }
    if (kind == "VpcPeeringConnections") {
      PeeringConnection p;
      p.id = f.Required(obj, "VpcPeeringConnectionId");
      for (int side = 0; side < 2; ++side) {
        const DocNode* info = f.Map(obj, side == 0 ? "RequesterVpcInfo" : "AccepterVpcInfo");
        if (info == nullptr) continue;
        std::string vpc = f.Str(*info, "VpcId").value_or("");
        std::vector<std::string> cidrs = Ids(f, *info, "CidrBlockSet", "CidrBlock");
        if (cidrs.empty())
          if (auto c = f.Str(*info, "CidrBlock")) cidrs.push_back(*c);
        for (const auto& c : Ids(f, *info, "Ipv6CidrBlockSet", "Ipv6CidrBlock")) cidrs.push_back(c);
        (side == 0 ? p.requester_vpc : p.accepter_vpc) = vpc;
        (side == 0 ? p.requester_cidrs : p.accepter_cidrs) = cidrs;
      }
      if (const DocNode* st = f.Map(obj, "Status")) p.active = f.Str(*st, "Code").value_or("") == "active";
      p.origin = OriginOf(f, obj);
      p.where = Where(obj);
      if (!f.ok()) return 0;
      model_.aws_peerings.push_back(std::move(p));
      return 1;
    }
    return 0;
  }

  std::size_t ListenerRecord(Fields& f, const DocNode& l, const std::string& lb) {
    Listener x;
    x.load_balancer = f.Str(l, "LoadBalancerArn").value_or(lb);
    x.port = static_cast<int>(f.Int(l, "Port").value_or(0));
    x.protocol = f.Str(l, "Protocol").value_or("");
    if (const DocNode* as = f.Seq(l, "DefaultActions"))
      for (const auto& a : as->items) {
        if (!a.is_map() || f.Str(a, "Type").value_or("") != "forward") continue;
        if (auto tg = f.Str(a, "TargetGroupArn")) x.target_groups.push_back(*tg);
        if (const DocNode* fc = f.Map(a, "ForwardConfig"))
          for (const auto& tg : Ids(f, *fc, "TargetGroups", "TargetGroupArn"))
            if (std::find(x.target_groups.begin(), x.target_groups.end(), tg) == x.target_groups.end())
              x.target_groups.push_back(tg);
      }
    x.where = Where(l);
    if (x.load_balancer.empty()) return 0;
    model_.aws_listeners.push_back(std::move(x));
    return 1;
  }

  std::size_t InstanceRecord(const DocNode& obj) {
    Fields f(file_, sink_, "Instance");
    Instance i;
    i.id = f.Required(obj, "InstanceId");
    i.subnet = f.Str(obj, "SubnetId").value_or("");
    i.vpc = f.Str(obj, "VpcId").value_or("");
    i.private_ip = f.Str(obj, "PrivateIpAddress").value_or("");
    i.public_ip = f.Str(obj, "PublicIpAddress").value_or("");
    i.groups = Ids(f, obj, "SecurityGroups", "GroupId");
    i.interfaces = Ids(f, obj, "NetworkInterfaces", "NetworkInterfaceId");
    if (const DocNode* p = f.Map(obj, "IamInstanceProfile")) i.instance_profile_arn = f.Str(*p, "Arn").value_or("");
    if (const DocNode* s = f.Map(obj, "State")) i.state = f.Str(*s, "Name").value_or("");
    i.name = Name(obj);
    Origin o = folder_;
    if (o.region.empty())
      if (const DocNode* pl = f.Map(obj, "Placement"))
        if (auto az = f.Str(*pl, "AvailabilityZone"); az && az->size() > 1) o.region = az->substr(0, az->size() - 1);
    i.origin = o;
    i.where = Where(obj);
    if (!f.ok()) return 0;
    // The instance's interfaces, when describe-network-interfaces is not
    // part of the input, come from describe-instances itself.
    if (const DocNode* nis = obj.Find("NetworkInterfaces"); nis && nis->is_seq())
      for (const auto& ni : nis->items) {
        if (!ni.is_map()) continue;
        Fields g(file_, sink_, "NetworkInterface of " + i.id);
        NetworkInterface e;
        e.id = g.Str(ni, "NetworkInterfaceId").value_or("");
        if (e.id.empty()) continue;
        e.subnet = g.Str(ni, "SubnetId").value_or(i.subnet);
        e.vpc = g.Str(ni, "VpcId").value_or(i.vpc);
        e.instance = i.id;
        e.type = g.Str(ni, "InterfaceType").value_or("interface");
        e.source_dest_check = g.Bool(ni, "SourceDestCheck").value_or(true);
        Addresses(g, ni, &e);
        e.groups = Ids(g, ni, "Groups", "GroupId");
        e.origin = o;
        e.where = Where(ni);
        pending_interfaces_.push_back(std::move(e));
      }
    model_.aws_instances.push_back(std::move(i));
    return 1;
  }

 public:
  // Interfaces seen only inside describe-instances output; the engine
  // prefers describe-network-interfaces records of the same id.
  std::vector<NetworkInterface> pending_interfaces_;

 private:
  FileId file_;
  const std::string& path_;
  Origin folder_;
  Model& model_;
  DiagnosticSink& sink_;
};

}  // namespace

bool IsEc2ListKey(std::string_view key) {
  std::string k(key);
  return ModelledKeys().count(k) || UnmodelledKeys().count(k);
}

bool LooksLikeEc2(const DocNode& root) {
  if (!root.is_map() || root.entries.empty()) return false;
  for (const auto& e : root.entries) {
    if (!e.value.is_seq()) continue;
    if (e.key == "Entries") {  // get-managed-prefix-list-entries: {"Entries": [{"Cidr": ...}]}
      if (!e.value.items.empty() && e.value.items.front().Find("Cidr") != nullptr) return true;
      continue;
    }
    if (ModelledKeys().count(e.key) || UnmodelledKeys().count(e.key)) return true;
  }
  return false;
}

std::size_t ParseEc2Document(const DocNode& root, FileId file, const std::string& path, Model& model,
                             DiagnosticSink& sink) {
  // Lists are streamed one element at a time: the folder is read once per file.
  thread_local std::string last_path;
  thread_local Origin last_folder;
  if (path != last_path) {
    last_folder = FolderOrigin(path);
    last_path = path;
  }
  Reader r(file, path, last_folder, model, sink);
  std::size_t n = r.Read(root);
  for (auto& e : r.pending_interfaces_) {
    e.description = "(from describe-instances)";
    model.aws_interfaces.push_back(std::move(e));
  }
  return n;
}

}  // namespace grantpath::parsers
