#include "engine/aws_net.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace grantpath::awsnet {
namespace {

bool Private4(net::U128 a) {
  auto in = [&](const char* c) { return net::ParseCidr(c)->Contains({4, a, a}); };
  return in("10.0.0.0/8") || in("172.16.0.0/12") || in("192.168.0.0/16") || in("100.64.0.0/10") ||
         in("127.0.0.0/8") || in("169.254.0.0/16") || in("0.0.0.0/8") || in("224.0.0.0/3");
}

// Not reachable from the internet: unique local (fc00::/7), link-local,
// multicast, unspecified and loopback IPv6 addresses.
bool Private6(net::U128 a) {
  auto in = [&](const char* c) { return net::ParseCidr(c)->Contains({6, a, a}); };
  return in("fc00::/7") || in("fe80::/10") || in("ff00::/8") || in("::/127");
}

bool PrivateAddress(int family, net::U128 a) { return family == 4 ? Private4(a) : Private6(a); }

std::optional<net::IpRange> Cidr(const std::string& s) { return net::ParseCidr(s); }

int PrefixLength(const net::IpRange& c) {
  net::U128 size = c.hi - c.lo;
  int len = c.family == 4 ? 32 : 128;
  while (size) {
    size >>= 1;
    --len;
  }
  return len;
}

bool CidrHas(const std::string& cidr, int family, net::U128 a) {
  auto r = Cidr(cidr);
  return r && r->Contains({family, a, a});
}

std::string Addr(int family, net::U128 a) { return net::FormatAddress(family, a); }

int RuleProtocol(const std::string& p) {
  if (p == "-1" || p == "all") return -1;
  if (p == "tcp") return kTcp;
  if (p == "udp") return kUdp;
  if (p == "icmp") return kIcmp;
  if (p == "icmpv6" || p == "58") return kIcmpV6;
  if (!p.empty() && std::all_of(p.begin(), p.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return std::stoi(p);
  return -2;  // unknown: matches nothing
}

bool PortsMatch(int proto, int from, int to, const Packet& p) {
  if (proto == kTcp || proto == kUdp) {
    if (from < 0 && to < 0) return true;
    return p.dst_port >= from && p.dst_port <= to;
  }
  if (proto == kIcmp || proto == kIcmpV6)  // FromPort is the type, ToPort the code; -1 is any
    return (from < 0 || p.dst_port < 0 || p.dst_port == from) && (to < 0 || p.icmp_code < 0 || p.icmp_code == to);
  return true;
}

std::string SgRuleText(const SecurityGroup& g, std::size_t index, const SgRule& r) {
  std::string what = r.protocol == "-1" ? std::string("all traffic") : ProtocolLabel(RuleProtocol(r.protocol));
  if ((r.protocol == "tcp" || r.protocol == "udp" || r.protocol == "6" || r.protocol == "17") && r.from_port >= 0)
    what += " " + (r.from_port == r.to_port ? std::to_string(r.from_port)
                                           : std::to_string(r.from_port) + "-" + std::to_string(r.to_port));
  return "security group " + g.id + (g.name.empty() ? "" : " (" + g.name + ")") + " rule " +
         std::to_string(index + 1) + " allows " + what;
}

}  // namespace

int ParseProtocolName(const std::string& raw) {
  std::string s;
  for (char c : raw) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (s == "tcp") return kTcp;
  if (s == "udp") return kUdp;
  if (s == "icmp") return kIcmp;
  if (s == "icmpv6") return kIcmpV6;
  if (s == "all" || s == "any" || s == "0") return kAnyProtocol;
  if (!s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    int v = std::stoi(s);
    return v <= 255 ? v : -1;
  }
  return -1;
}

std::string ProtocolLabel(int p) {
  switch (p) {
    case kTcp: return "TCP";
    case kUdp: return "UDP";
    case kIcmp: return "ICMP";
    case kIcmpV6: return "ICMPv6";
    case kAnyProtocol: return "IP protocol 0";
    case -1: return "all protocols";
  }
  return "IP protocol " + std::to_string(p);
}

Engine::Engine(const Model& model) : model_(model) {
  // Interfaces: the describe-network-interfaces record of an id wins over
  // the copy inside describe-instances.
  std::map<std::string, std::size_t> chosen;
  for (std::size_t i = 0; i < model.aws_interfaces.size(); ++i) {
    const auto& e = model.aws_interfaces[i];
    auto it = chosen.find(e.id);
    bool copy = e.description == "(from describe-instances)";
    if (it == chosen.end()) chosen[e.id] = i;
    else if (model.aws_interfaces[it->second].description == "(from describe-instances)" && !copy) it->second = i;
  }
  for (const auto& [id, i] : chosen) {
    interfaces_.push_back(i);
    by_interface_[id] = i;
    const auto& e = model.aws_interfaces[i];
    for (const auto& ip : e.private_ips)
      if (auto r = Cidr(ip)) by_private_ip_.emplace(std::make_pair(r->family, r->lo), i);
    for (const auto& ip : e.ipv6_addresses)
      if (auto r = Cidr(ip)) by_private_ip_.emplace(std::make_pair(r->family, r->lo), i);
    for (const auto& ip : e.public_ips)
      if (auto r = Cidr(ip)) by_public_ip_[r->lo] = i;
  }
  // Elastic IPs associated with an interface or an instance.
  for (const auto& a : model.aws_addresses) {
    auto r = Cidr(a.public_ip);
    if (!r) continue;
    if (auto it = by_interface_.find(a.interface); it != by_interface_.end()) {
      by_public_ip_[r->lo] = it->second;
      continue;
    }
    for (std::size_t i : interfaces_)
      if (!a.instance.empty() && model.aws_interfaces[i].instance == a.instance) {
        by_public_ip_[r->lo] = i;
        break;
      }
  }
  // Instance public IPs (describe-instances without the interface association).
  for (std::size_t k = 0; k < model.aws_instances.size(); ++k) {
    const auto& inst = model.aws_instances[k];
    by_instance_[inst.id] = k;
    auto r = Cidr(inst.public_ip);
    if (!r || by_public_ip_.count(r->lo)) continue;
    if (auto p = Cidr(inst.private_ip))
      if (auto i = InterfaceByIp(p->lo, p->family)) by_public_ip_[r->lo] = *i;
  }
  for (std::size_t g = 0; g < model.aws_security_groups.size(); ++g) by_group_[model.aws_security_groups[g].id] = g;
  for (std::size_t s = 0; s < model.aws_subnets.size(); ++s) by_subnet_[model.aws_subnets[s].id] = s;
  for (const auto& a : model.aws_network_acls) {
    for (const auto& s : a.subnets) acl_by_subnet_.emplace(s, &a);
    if (a.is_default) default_acl_by_vpc_[a.vpc] = &a;
  }
  for (const auto& t : model.aws_route_tables) {
    for (const auto& s : t.subnets) table_by_subnet_.emplace(s, &t);
    if (t.main) main_table_by_vpc_[t.vpc] = &t;
  }
  for (const auto& g : model.aws_gateways)
    if (!g.egress_only)
      for (const auto& v : g.vpcs) igw_by_vpc_.emplace(v, &g);
  // Load balancers by name, DNS name and ARN; their nodes' interfaces
  // carry the description "ELB <type>/<name>/<id>" (the ARN's tail).
  std::map<std::string, std::size_t> by_elb_description;
  for (std::size_t k = 0; k < model.aws_load_balancers.size(); ++k) {
    const auto& lb = model.aws_load_balancers[k];
    for (const auto& key : {lb.name, lb.dns, lb.arn})
      if (!key.empty()) lb_by_name_.emplace(key, k);
    if (auto at = lb.arn.find(":loadbalancer/"); at != std::string::npos)
      by_elb_description["ELB " + lb.arn.substr(at + 14)] = k;
  }
  for (std::size_t i : interfaces_)
    if (auto it = by_elb_description.find(model.aws_interfaces[i].description); it != by_elb_description.end())
      lb_by_interface_[i] = it->second;
  // A list with entries wins over its describe-managed-prefix-lists record.
  for (std::size_t k = 0; k < model.aws_prefix_lists.size(); ++k) {
    auto [it, added] = by_prefix_list_.emplace(model.aws_prefix_lists[k].id, k);
    if (!added && !model.aws_prefix_lists[it->second].resolved) it->second = k;
  }
}

const PrefixList* Engine::PrefixListById(const std::string& id) const {
  auto it = by_prefix_list_.find(id);
  return it == by_prefix_list_.end() ? nullptr : &model_.aws_prefix_lists[it->second];
}

const SecurityGroup* Engine::Group(const std::string& id) const {
  auto it = by_group_.find(id);
  return it == by_group_.end() ? nullptr : &model_.aws_security_groups[it->second];
}

const Subnet* Engine::SubnetOf(const std::string& id) const {
  auto it = by_subnet_.find(id);
  return it == by_subnet_.end() ? nullptr : &model_.aws_subnets[it->second];
}

const NetworkAcl* Engine::AclOf(const Subnet& s) const {
  if (auto it = acl_by_subnet_.find(s.id); it != acl_by_subnet_.end()) return it->second;
  auto def = default_acl_by_vpc_.find(s.vpc);  // a subnet without an association uses the VPC's default ACL
  return def == default_acl_by_vpc_.end() ? nullptr : def->second;
}

const RouteTable* Engine::TableOf(const Subnet& s) const {
  if (auto it = table_by_subnet_.find(s.id); it != table_by_subnet_.end()) return it->second;
  auto main = main_table_by_vpc_.find(s.vpc);  // subnets without an explicit table use the main table
  return main == main_table_by_vpc_.end() ? nullptr : main->second;
}

const Gateway* Engine::InternetGatewayOf(const std::string& vpc) const {
  auto it = igw_by_vpc_.find(vpc);
  return it == igw_by_vpc_.end() ? nullptr : it->second;
}

std::optional<std::size_t> Engine::InterfaceByIp(net::U128 ip, int family, const std::string& vpc) const {
  auto [b, e] = by_private_ip_.equal_range({family, ip});
  for (auto it = b; it != e; ++it)
    if (vpc.empty() || model_.aws_interfaces[it->second].vpc == vpc) return it->second;
  return std::nullopt;
}

std::optional<std::size_t> Engine::InterfaceByPublicIp(net::U128 ip, int family) const {
  if (family == 6) {  // IPv6 addresses are global: no translation
    if (Private6(ip)) return std::nullopt;
    auto [b, e] = by_private_ip_.equal_range({6, ip});
    if (b == e) return std::nullopt;
    return b->second;
  }
  auto it = by_public_ip_.find(ip);
  if (it == by_public_ip_.end()) return std::nullopt;
  return it->second;
}

const Instance* Engine::InstanceOf(std::size_t i) const {
  auto it = by_instance_.find(model_.aws_interfaces[i].instance);
  return it == by_instance_.end() ? nullptr : &model_.aws_instances[it->second];
}

std::string Engine::InterfaceName(std::size_t i) const {
  const auto& e = model_.aws_interfaces[i];
  if (const Instance* inst = InstanceOf(i))
    return inst->id + (inst->name.empty() ? "" : " (" + inst->name + ")") + " " + e.id;
  return e.id + (e.type != "interface" ? " (" + e.type + ")" : "");
}

std::optional<Engine::Endpoint> Engine::Resolve(const std::string& text, bool source, std::string* error) const {
  Endpoint ep;
  if (text == "internet") {
    ep.internet = true;
    ep.address = *Cidr("8.8.8.8");
    return ep;
  }
  auto first_private = [&](std::size_t i) -> std::optional<net::IpRange> {
    for (const auto& ip : model_.aws_interfaces[i].private_ips)
      if (auto r = Cidr(ip)) return r;
    return std::nullopt;
  };
  if (auto it = by_interface_.find(text); it != by_interface_.end()) {
    ep.interface = static_cast<int>(it->second);
    if (auto a = first_private(it->second)) ep.address = *a;
    return ep;
  }
  if (auto it = by_instance_.find(text); it != by_instance_.end()) {
    const Instance& inst = model_.aws_instances[it->second];
    std::optional<std::size_t> iface;
    if (auto p = Cidr(inst.private_ip)) iface = InterfaceByIp(p->lo, p->family, inst.vpc);
    if (!iface)
      for (std::size_t i : interfaces_)
        if (model_.aws_interfaces[i].instance == inst.id) iface = i;
    if (!iface) {
      *error = "instance " + text + " has no network interface in the input";
      return std::nullopt;
    }
    ep.interface = static_cast<int>(*iface);
    if (auto a = first_private(*iface)) ep.address = *a;
    return ep;
  }
  if (auto r = Cidr(text); r && r->lo == r->hi) {
    ep.address = *r;
    ep.by_address = true;
    if (auto i = InterfaceByIp(r->lo, r->family)) {
      ep.interface = static_cast<int>(*i);
    } else if (auto pub = InterfaceByPublicIp(r->lo)) {
      ep.interface = static_cast<int>(*pub);  // a public address of an interface
    } else {
      ep.internet = true;  // an address outside every VPC of the input
    }
    return ep;
  }
  if (auto it = lb_by_name_.find(text); it != lb_by_name_.end()) {
    ep.load_balancer = static_cast<int>(it->second);
    for (const auto& [i, lb] : lb_by_interface_)  // a node of it, when the input has one
      if (lb == it->second) {
        ep.interface = static_cast<int>(i);
        if (auto a = first_private(i)) ep.address = *a;
        break;
      }
    if (source && ep.interface < 0) {  // traffic leaves a load balancer from one of its nodes
      *error = "load balancer " + text + " has no node interface in the input (describe-network-interfaces): "
               "name one of its nodes' addresses";
      return std::nullopt;
    }
    return ep;
  }
  *error = "'" + text + "' is not an endpoint: use internet, an instance id, an interface id, an IP address "
           "or a load balancer name";
  return std::nullopt;
}

const SgRule* Engine::SgAllows(std::size_t interface, bool ingress, const Packet& p, int peer_interface) const {
  const auto& e = model_.aws_interfaces[interface];
  const std::vector<std::string>* peer =
      peer_interface >= 0 ? &model_.aws_interfaces[static_cast<std::size_t>(peer_interface)].groups : nullptr;
  return GroupsAllow(e.groups, ingress, p, peer);
}

const SgRule* Engine::GroupsAllow(const std::vector<std::string>& groups, bool ingress, const Packet& p,
                                  const std::vector<std::string>* peer_groups) const {
  net::U128 peer = ingress ? p.src : p.dst;
  for (const auto& gid : groups) {
    const SecurityGroup* g = Group(gid);
    if (g == nullptr) continue;
    const auto& rules = ingress ? g->ingress : g->egress;
    for (const auto& r : rules) {
      int proto = RuleProtocol(r.protocol);
      if (proto != -1 && proto != p.protocol) continue;
      if (proto != -1 && !PortsMatch(proto, r.from_port, r.to_port, p)) continue;
      bool peer_ok = false;
      for (const auto& c : r.cidrs)
        if (CidrHas(c, p.family, peer)) peer_ok = true;
      for (const auto& id : r.prefix_lists)
        if (const PrefixList* pl = PrefixListById(id); pl && pl->resolved)
          for (const auto& c : pl->cidrs)
            if (CidrHas(c, p.family, peer)) peer_ok = true;
      if (!peer_ok && peer_groups != nullptr)
        for (const auto& ref : r.groups)
          if (std::find(peer_groups->begin(), peer_groups->end(), ref) != peer_groups->end()) peer_ok = true;
      if (peer_ok) return &r;
    }
  }
  return nullptr;
}

bool Engine::AclPassesBothWays(const std::string& subnet, bool inbound, const Packet& p) const {
  const Subnet* s = SubnetOf(subnet);
  if (s == nullptr) return true;
  const NetworkAcl* acl = AclOf(*s);
  if (acl == nullptr) return true;
  bool allow = false;
  AclDecides(*acl, !inbound, p, &allow);
  if (!allow) return false;
  if (p.protocol != kTcp && p.protocol != kUdp) return true;
  Packet back = p;
  std::swap(back.src, back.dst);
  back.dst_port = p.src_port;
  AclDecides(*acl, inbound, back, &allow);
  return allow;
}

std::optional<std::size_t> Engine::TargetInterface(const Target& t) const {
  if (auto it = by_instance_.find(t.id); it != by_instance_.end()) {
    const Instance& inst = model_.aws_instances[it->second];
    if (auto ip = Cidr(inst.private_ip)) return InterfaceByIp(ip->lo, ip->family, inst.vpc);
    return std::nullopt;
  }
  if (auto ip = Cidr(t.id)) return InterfaceByIp(ip->lo, ip->family);
  return std::nullopt;  // a Lambda function or another load balancer
}

void Engine::LoadBalancerExposures(std::vector<Exposure>* out) const {
  for (const auto& lb : model_.aws_load_balancers) {
    if (lb.scheme != "internet-facing") continue;
    const Gateway* igw = InternetGatewayOf(lb.vpc);
    if (igw == nullptr) continue;
    // Candidate internet sources: 8.8.8.8 and the edges of the ranges the
    // load balancer's groups admit.
    std::set<net::U128> sources = {net::ParseCidr("8.8.8.8")->lo};
    for (const auto& gid : lb.groups)
      if (const SecurityGroup* g = Group(gid))
        for (const auto& r : g->ingress)
          for (const auto& c : r.cidrs)
            if (auto x = Cidr(c); x && x->family == 4) sources.insert(x->lo);
    for (const auto& l : model_.aws_listeners) {
      if (l.load_balancer != lb.arn) continue;
      int proto = l.protocol == "UDP" ? kUdp : kTcp;
      for (net::U128 src : sources) {
        if (Private4(src)) continue;
        // Internet -> a load balancer node in a public subnet.
        std::string entry;
        net::U128 node = 0;
        const SgRule* lb_rule = nullptr;
        for (const auto& sid : lb.subnets) {
          const Subnet* s = SubnetOf(sid);
          auto cidr = s ? Cidr(s->cidr) : std::nullopt;
          if (!cidr) continue;
          Packet p;
          p.src = src;
          p.dst = cidr->lo + 4;  // an address of the subnet for the node
          p.protocol = proto;
          p.dst_port = l.port;
          if (!lb.groups.empty()) {
            lb_rule = GroupsAllow(lb.groups, true, p, nullptr);
            if (lb_rule == nullptr) continue;
          }
          const RouteTable* rt = TableOf(*s);
          const Route* back = rt ? Lookup(*rt, src, 4) : nullptr;
          if (back == nullptr || back->blackhole || back->target != igw->id) continue;
          if (!AclPassesBothWays(sid, true, p)) continue;
          entry = sid;
          node = p.dst;
          break;
        }
        if (entry.empty()) continue;
        for (const auto& tg : model_.aws_target_groups) {
          if (std::find(l.target_groups.begin(), l.target_groups.end(), tg.arn) == l.target_groups.end()) continue;
          for (const auto& t : model_.aws_targets) {
            if (t.group != tg.arn || t.state == "unused" || t.state == "draining") continue;
            std::optional<std::size_t> iface = TargetInterface(t);
            if (!iface) continue;
            const auto& d = model_.aws_interfaces[*iface];
            Packet q;
            // A network load balancer keeps the client's address for
            // instance targets; otherwise the node's address is the source.
            q.src = lb.type == "network" && tg.target_type == "instance" ? src : node;
            if (auto ip = Cidr(d.private_ips.empty() ? "" : d.private_ips.front())) q.dst = ip->lo;
            q.protocol = proto;
            q.dst_port = t.port > 0 ? t.port : tg.port;
            const SgRule* target_rule = GroupsAllow(d.groups, true, q, &lb.groups);
            if (target_rule == nullptr) continue;
            if (d.subnet != entry && !AclPassesBothWays(d.subnet, true, q)) continue;
            Exposure* x = nullptr;
            for (auto& e : *out)
              if (e.interface == *iface && e.load_balancer == lb.name && e.listener_port == l.port) x = &e;
            if (x == nullptr) {
              out->push_back({});
              x = &out->back();
              x->interface = *iface;
              x->public_ip = lb.dns.empty() ? lb.name : lb.dns;
              x->load_balancer = lb.name;
              x->listener_port = l.port;
              x->sample_source = Addr(4, src);
              if (lb_rule) x->rules.push_back(lb_rule->where);
              x->rules.push_back(target_rule->where);
            }
            x->ports.Add(proto == kTcp ? net::kTCP : net::kUDP, q.dst_port, q.dst_port);
          }
        }
        break;  // one source that gets in is enough for this listener
      }
    }
  }
}

const AclEntry* Engine::AclDecides(const NetworkAcl& acl, bool egress, const Packet& p, bool* allow) const {
  std::vector<const AclEntry*> entries;
  for (const auto& x : acl.entries)
    if (x.egress == egress) entries.push_back(&x);
  std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->number < b->number; });
  net::U128 peer = egress ? p.dst : p.src;
  for (const AclEntry* x : entries) {
    if (!CidrHas(x->cidr, p.family, peer)) continue;
    int proto = RuleProtocol(x->protocol);
    if (proto != -1 && proto != p.protocol) continue;
    if (proto == kTcp || proto == kUdp) {
      if (x->from_port >= 0 && (p.dst_port < x->from_port || p.dst_port > x->to_port)) continue;
    } else if (proto == kIcmp || proto == kIcmpV6) {
      if (x->icmp_type >= 0 && p.dst_port >= 0 && p.dst_port != x->icmp_type) continue;
      if (x->icmp_code >= 0 && p.icmp_code >= 0 && p.icmp_code != x->icmp_code) continue;
    }
    *allow = x->allow;
    return x;
  }
  *allow = false;
  return nullptr;  // nothing matches: denied (the final "*" entry)
}

const Route* Engine::Lookup(const RouteTable& t, net::U128 dst, int family, const Route** unresolved) const {
  const Route* best = nullptr;
  int best_len = -1, best_rank = -1;
  auto consider = [&](const Route& r, const net::IpRange& c, int rank) {
    if (!c.Contains({family, dst, dst})) return;
    int len = PrefixLength(c);
    if (len > best_len || (len == best_len && rank > best_rank)) {
      best = &r;
      best_len = len;
      best_rank = rank;
    }
  };
  for (const auto& r : t.routes) {
    if (r.destination.rfind("pl-", 0) == 0) {  // every entry of the list is a prefix of the route
      const PrefixList* pl = PrefixListById(r.destination);
      if (pl == nullptr || !pl->resolved) {
        if (unresolved) *unresolved = &r;
        continue;
      }
      for (const auto& e : pl->cidrs)
        if (auto c = Cidr(e)) consider(r, *c, r.propagated ? 0 : 1);
      continue;
    }
    if (auto c = Cidr(r.destination)) consider(r, *c, r.propagated ? 0 : 2);
  }
  return best;
}

namespace {

Hop InterfaceHop(const Engine& e, std::size_t i, const std::string& detail) {
  const auto& x = e.model().aws_interfaces[i];
  const Instance* inst = e.InstanceOf(i);
  if (inst == nullptr && x.type == "nat_gateway")  // a NAT gateway's own interface: name the gateway
    for (const auto& n : e.model().aws_nat_gateways)
      if (n.subnet == x.subnet && std::find(x.private_ips.begin(), x.private_ips.end(), n.private_ip) != x.private_ips.end())
        return Hop{n.id, "nat-gateway", detail, n.where};
  return Hop{inst ? inst->id : x.id, inst ? "instance" : "interface", detail, inst ? inst->where : x.where};
}

}  // namespace

// The packet has reached the VPC of interface `dst` (from `from_subnet`,
// "" when it comes in through a gateway): the destination subnet's ACL
// inbound, then the interface's security groups.
void Engine::Deliver(const Packet& p, std::size_t dst, int src_interface, const std::string& from_subnet,
                     Trace* t, const std::vector<std::string>* peer_groups) const {
  const auto& d = model_.aws_interfaces[dst];
  const Subnet* ds = SubnetOf(d.subnet);
  if (ds != nullptr && ds->id != from_subnet) {
    if (const NetworkAcl* acl = AclOf(*ds)) {
      bool allow = false;
      const AclEntry* x = AclDecides(*acl, false, p, &allow);
      std::string why = x ? "network ACL " + acl->id + " inbound rule " + std::to_string(x->number) +
                                (allow ? " allows" : " denies")
                          : "network ACL " + acl->id + " denies inbound (no rule matches)";
      t->hops.push_back({ds->id, "subnet", why, x ? x->where : acl->where});
      if (!allow) {
        t->disposition = "DENIED_IN";
        return;
      }
    } else {
      t->hops.push_back({ds->id, "subnet", "no network ACL in the input: not filtered", ds->where});
      t->notes.push_back("subnet " + ds->id + " has no network ACL in the input; treated as allowing");
    }
  }
  if (auto lb = lb_by_interface_.find(dst); lb != lb_by_interface_.end()) {  // a load balancer node
    const std::vector<std::string>* client =
        src_interface >= 0 ? &model_.aws_interfaces[static_cast<std::size_t>(src_interface)].groups : nullptr;
    ForwardFromLoadBalancer(lb->second, p, d.subnet, client, t);
    return;
  }
  if (peer_groups == nullptr && src_interface >= 0)
    peer_groups = &model_.aws_interfaces[static_cast<std::size_t>(src_interface)].groups;
  const SgRule* r = GroupsAllow(d.groups, true, p, peer_groups);
  if (r == nullptr) {
    // A rule naming a prefix list whose entries are not in the input may
    // admit it: that is no answer either way.
    for (const auto& gid : d.groups)
      if (const SecurityGroup* g = Group(gid))
        for (const auto& x : g->ingress) {
          int proto = RuleProtocol(x.protocol);
          if (proto != -1 && proto != p.protocol) continue;
          if (proto != -1 && !PortsMatch(proto, x.from_port, x.to_port, p)) continue;
          std::string unresolved;
          for (const auto& id : x.prefix_lists)
            if (const PrefixList* pl = PrefixListById(id); !pl || !pl->resolved) unresolved = id;
          if (unresolved.empty()) continue;
          Hop h = InterfaceHop(*this, dst, "security group " + g->id + " admits prefix list " + unresolved +
                                               ", whose entries are not in the input");
          h.where = x.where;
          t->hops.push_back(h);
          t->disposition = "UNMODELLED";
          return;
        }
    t->hops.push_back(InterfaceHop(*this, dst, "no security group rule allows it inbound"));
    t->disposition = "DENIED_IN";
    return;
  }
  const SecurityGroup* g = nullptr;
  std::size_t index = 0;
  for (const auto& gid : d.groups)
    if (const SecurityGroup* x = Group(gid))
      for (std::size_t k = 0; k < x->ingress.size(); ++k)
        if (&x->ingress[k] == r) {
          g = x;
          index = k;
        }
  Hop h = InterfaceHop(*this, dst, g ? SgRuleText(*g, index, *r) : "allowed");
  h.where = r->where;
  t->hops.push_back(h);
  t->disposition = "ACCEPTED";
}

// Stateless ACLs: the reply (destination port = the source's ephemeral
// port) must pass the destination subnet's ACL outbound and the source
// subnet's ACL inbound.
void Engine::CheckReply(const Packet& p, int src_interface, std::size_t dst, Trace* t) const {
  if (p.protocol != kTcp && p.protocol != kUdp) return;
  Packet back = p;
  std::swap(back.src, back.dst);
  back.dst_port = p.src_port;
  back.src_port = p.dst_port;
  auto check = [&](const std::string& subnet_id, bool egress) -> bool {
    const Subnet* s = SubnetOf(subnet_id);
    if (s == nullptr) return true;
    const NetworkAcl* acl = AclOf(*s);
    if (acl == nullptr) return true;
    bool allow = false;
    const AclEntry* x = AclDecides(*acl, egress, back, &allow);
    Hop h{s->id, "subnet",
          "reply " + ProtocolLabel(p.protocol) + " " + std::to_string(back.dst_port) + ": network ACL " + acl->id +
              (egress ? " outbound " : " inbound ") +
              (x ? "rule " + std::to_string(x->number) + (allow ? " allows" : " denies") : "denies (no rule matches)"),
          x ? x->where : acl->where};
    t->reply_hop = h;
    return allow;
  };
  const auto& d = model_.aws_interfaces[dst];
  std::string src_subnet = src_interface >= 0 ? model_.aws_interfaces[static_cast<std::size_t>(src_interface)].subnet : "";
  bool ok = true;
  if (src_subnet != d.subnet) {
    ok = check(d.subnet, true);
    if (ok && !src_subnet.empty()) ok = check(src_subnet, false);
  }
  t->reply_allowed = ok;
  if (ok) t->reply_hop.reset();
}

Trace Engine::Reach(const Endpoint& from_in, const Endpoint& to, int protocol, int port, int icmp_code) const {
  Trace t;
  Endpoint from = from_in;
  // One address family end to end: a source named by id or "internet"
  // speaks the destination's.
  const int family = to.address.family;
  if (from.address.family != family && !from.by_address) {
    if (from.internet) {
      from.address = *Cidr(family == 6 ? "2001:4860:4860::8888" : "8.8.8.8");
    } else if (from.interface >= 0) {
      const auto& e = model_.aws_interfaces[static_cast<std::size_t>(from.interface)];
      std::optional<net::IpRange> a;
      for (const auto& ip : family == 6 ? e.ipv6_addresses : e.private_ips)
        if (!a) a = Cidr(ip);
      if (!a) {
        t.hops.push_back(InterfaceHop(*this, static_cast<std::size_t>(from.interface),
                                      family == 6 ? "has no IPv6 address" : "has no IPv4 address"));
        t.disposition = "NO_ROUTE";
        return t;
      }
      from.address = *a;
    }
  }
  if (from.address.family != family) {
    t.notes.push_back("the source is an IPv" + std::to_string(from.address.family) + " address and the destination an IPv" +
                      std::to_string(family) + " one");
    t.disposition = "NO_ROUTE";
    return t;
  }
  Packet p;
  p.family = family;
  p.src = from.address.lo;
  p.dst = to.address.lo;
  p.protocol = protocol;
  p.dst_port = port;
  p.icmp_code = icmp_code;
  // ------------------------------------------------------- from the internet
  if (from.internet) {
    t.hops.push_back({"internet", "internet", "from " + Addr(p.family, p.src), {}});
    if (to.internet) {
      t.disposition = "EXITS_NETWORK";
      return t;
    }
    if (to.load_balancer >= 0 && !to.by_address) {
      ToLoadBalancer(static_cast<std::size_t>(to.load_balancer), p, &t);
      return t;
    }
    // The destination must be a public address of an interface.
    std::optional<std::size_t> dst;
    if (to.interface >= 0) {
      if (auto pub = InterfaceByPublicIp(p.dst, p.family)) dst = pub;
      if (!dst && to.by_address) {  // a private address is not routed on the internet
        t.hops.back().detail += "; " + Addr(p.family, p.dst) + " is a private address of " + InterfaceName(
                                    static_cast<std::size_t>(to.interface)) + ": not routed on the internet";
        t.disposition = "NULL_ROUTED";
        return t;
      }
      if (!dst) {  // named by id: its public address
        const auto& e = model_.aws_interfaces[static_cast<std::size_t>(to.interface)];
        for (const auto& [ip, i] : by_public_ip_)
          if (i == static_cast<std::size_t>(to.interface)) {
            p.dst = ip;
            dst = i;
            break;
          }
        if (!dst && !from.by_address)  // else a global IPv6 address, from an IPv6 client
          for (const auto& ip : e.ipv6_addresses)
            if (auto r = Cidr(ip); r && !dst && !Private6(r->lo)) {
              p.family = 6;
              p.dst = r->lo;
              p.src = Cidr("2001:4860:4860::8888")->lo;
              t.hops.back().detail = "from " + Addr(6, p.src);
              dst = static_cast<std::size_t>(to.interface);
            }
        if (!dst) {
          t.hops.back().detail += "; " + (e.private_ips.empty() ? e.id : e.private_ips.front()) +
                                  " has no public or Elastic IP: the internet has no route to it";
          t.disposition = Private4(p.dst) ? "NULL_ROUTED" : "NO_ROUTE";
          return t;
        }
      }
    }
    if (!dst) {  // an address outside the input's VPCs
      t.disposition = PrivateAddress(p.family, p.dst) ? "NULL_ROUTED" : "EXITS_NETWORK";
      return t;
    }
    const auto& d = model_.aws_interfaces[*dst];
    const Gateway* igw = InternetGatewayOf(d.vpc);
    if (igw == nullptr) {
      t.hops.push_back({d.vpc, "vpc", "no internet gateway is attached", {}});
      t.disposition = "NO_ROUTE";
      return t;
    }
    if (p.family == 6) {  // global addresses: routed as they are
      t.hops.push_back({igw->id, "internet-gateway", "routes IPv6 " + Addr(6, p.dst) + " into " + d.vpc, igw->where});
    } else {
      t.hops.push_back({igw->id, "internet-gateway",
                        "translates " + Addr(p.family, p.dst) + " to " +
                            (d.private_ips.empty() ? std::string("?") : d.private_ips.front()),
                        igw->where});
      if (!d.private_ips.empty())
        if (auto r = Cidr(d.private_ips.front())) p.dst = r->lo;
    }
    t.hops.push_back({d.vpc, "vpc", "", {}});
    Deliver(p, *dst, -1, "", &t);
    if (t.disposition != "ACCEPTED") return t;
    // The reply leaves through the subnet's route table: it needs a route
    // to the internet gateway for the client's address.
    if (const Subnet* s = SubnetOf(d.subnet))
      if (const RouteTable* rt = TableOf(*s)) {
        const Route* back = Lookup(*rt, p.src, p.family);
        if (back == nullptr || back->target != igw->id || back->blackhole) {
          t.reply_allowed = false;
          t.reply_hop = Hop{s->id, "subnet",
                            "route table " + rt->id + " has no route to " + Addr(p.family, p.src) + " through " +
                                igw->id + ": replies do not return",
                            back ? back->where : rt->where};
          return t;
        }
      }
    CheckReply(p, -1, *dst, &t);
    return t;
  }
  // ------------------------------------------------------ from an interface
  if (from.interface < 0) {  // Resolve never gives this; a caller's endpoint of its own might
    t.notes.push_back("the source is neither the internet nor an interface of the input");
    t.disposition = "NO_ROUTE";
    return t;
  }
  auto src = static_cast<std::size_t>(from.interface);
  if (to.load_balancer >= 0 && to.interface < 0) {
    const auto& lb = model_.aws_load_balancers[static_cast<std::size_t>(to.load_balancer)];
    t.hops.push_back({lb.name, "load-balancer",
                      "its nodes' network interfaces are not in the input (describe-network-interfaces): "
                      "name a node's address",
                      lb.where});
    t.disposition = "UNMODELLED";
    return t;
  }
  const auto& s = model_.aws_interfaces[src];
  const SgRule* out = SgAllows(src, false, p, to.interface);
  if (out == nullptr) {
    t.hops.push_back(InterfaceHop(*this, src, "no security group rule allows it outbound"));
    t.disposition = "DENIED_OUT";
    return t;
  }
  t.hops.push_back(InterfaceHop(*this, src, "a security group allows it outbound"));
  t.hops.back().where = out->where;
  const Subnet* ss = SubnetOf(s.subnet);
  if (ss == nullptr) {
    t.notes.push_back("subnet " + s.subnet + " is not in the input");
    t.disposition = "NO_ROUTE";
    return t;
  }
  const RouteTable* rt = TableOf(*ss);
  if (rt == nullptr) {
    t.hops.push_back({ss->id, "subnet", "no route table in the input", ss->where});
    t.disposition = "NO_ROUTE";
    return t;
  }
  const Route* prefix_list = nullptr;  // a route to a prefix list whose entries are not in the input
  const Route* r = Lookup(*rt, p.dst, p.family, &prefix_list);
  if (r == nullptr) {
    // Without the list's entries, "no route" would be a guess.
    t.hops.push_back({ss->id, "subnet",
                      "route table " + rt->id + " has no route to " + Addr(p.family, p.dst) +
                          (prefix_list ? " except perhaps through prefix list " + prefix_list->destination +
                                             ", whose entries are not in the input"
                                       : ""),
                      prefix_list ? prefix_list->where : rt->where});
    t.disposition = prefix_list ? "UNMODELLED" : "NO_ROUTE";
    return t;
  }
  if (prefix_list != nullptr)
    t.notes.push_back("route table " + rt->id + " also routes prefix list " + prefix_list->destination + " to " +
                      prefix_list->target + "; its entries are not in the input, so a more specific match through "
                      "it is possible");
  std::string route_text = "route " + r->destination + " -> " + r->target + " in " + rt->id;
  auto leave_subnet = [&]() -> bool {  // the source subnet's ACL outbound
    const NetworkAcl* acl = AclOf(*ss);
    if (acl == nullptr) {
      t.hops.push_back({ss->id, "subnet", route_text, r->where});
      return true;
    }
    bool allow = false;
    const AclEntry* x = AclDecides(*acl, true, p, &allow);
    t.hops.push_back({ss->id, "subnet",
                      "network ACL " + acl->id + " outbound " +
                          (x ? "rule " + std::to_string(x->number) + (allow ? " allows" : " denies")
                             : std::string("denies (no rule matches)")) +
                          "; " + route_text,
                      allow ? r->where : (x ? x->where : acl->where)});
    if (!allow) t.disposition = "DENIED_OUT";
    return allow;
  };
  if (r->blackhole) {
    t.hops.push_back({ss->id, "subnet", route_text + " is a blackhole", r->where});
    t.disposition = "NULL_ROUTED";
    return t;
  }
  if (r->target == "local") {
    auto dst = InterfaceByIp(p.dst, p.family, s.vpc);
    bool same_subnet = dst && model_.aws_interfaces[*dst].subnet == s.subnet;
    if (same_subnet) {  // straight to the neighbour: no ACL, no router
      t.notes.push_back("same subnet (" + ss->id + "): no network ACL applies");
      Deliver(p, *dst, static_cast<int>(src), s.subnet, &t);
      return t;
    }
    if (!leave_subnet()) return t;
    t.hops.push_back({s.vpc, "vpc", "", {}});
    dst = LocateInVpc(s.vpc, p, &t);
    if (!dst) return t;
    Deliver(p, *dst, static_cast<int>(src), s.subnet, &t);
    if (t.disposition == "ACCEPTED") CheckReply(p, static_cast<int>(src), *dst, &t);
    return t;
  }
  if (!leave_subnet()) return t;
  t.hops.push_back({s.vpc, "vpc", "", {}});
  if (r->target.rfind("igw-", 0) == 0) {
    const Gateway* igw = nullptr;
    for (const auto& g : model_.aws_gateways)
      if (g.id == r->target) igw = &g;
    bool has_public = false;
    if (p.family == 6) {
      has_public = !Private6(p.src);  // a global address: no translation
    } else {
      for (const auto& [ip, i] : by_public_ip_)
        if (i == src) {
          has_public = true;
          p.src = ip;  // 1:1 NAT at the internet gateway
        }
    }
    if (igw == nullptr || std::find(igw->vpcs.begin(), igw->vpcs.end(), s.vpc) == igw->vpcs.end()) {
      t.hops.push_back({r->target, "internet-gateway", "not attached to " + s.vpc + " in the input", r->where});
      t.disposition = "NO_ROUTE";
      return t;
    }
    t.hops.push_back({igw->id, "internet-gateway",
                      p.family == 6 ? (has_public ? "routes IPv6 from " + Addr(6, p.src)
                                                  : "the source's IPv6 address is not global: dropped")
                      : has_public  ? "translates the source to " + Addr(p.family, p.src)
                                    : "the source has no public or Elastic IP: dropped",
                      igw->where});
    if (!has_public) {
      t.disposition = "NO_ROUTE";
      return t;
    }
    // A public address of the input: back in through its internet gateway.
    if (auto dst = InterfaceByPublicIp(p.dst, p.family)) {
      Endpoint inet;
      inet.internet = true;
      inet.address = {p.family, p.src, p.src};
      Endpoint target;
      target.interface = static_cast<int>(*dst);
      target.address = {p.family, p.dst, p.dst};
      Trace in = Reach(inet, target, protocol, port, icmp_code);
      for (auto& h : in.hops) t.hops.push_back(h);
      t.disposition = in.disposition;
      t.reply_allowed = in.reply_allowed;
      t.reply_hop = in.reply_hop;
      return t;
    }
    t.hops.push_back({"internet", "internet", "", {}});
    t.disposition = "EXITS_NETWORK";
    return t;
  }
  if (r->target.rfind("nat-", 0) == 0) {
    const NatGateway* nat = nullptr;
    for (const auto& n : model_.aws_nat_gateways)
      if (n.id == r->target) nat = &n;
    if (nat == nullptr || !nat->available) {
      t.hops.push_back({r->target, "nat-gateway", "not in the input or not available", r->where});
      t.disposition = "NO_ROUTE";
      return t;
    }
    const Subnet* ns = SubnetOf(nat->subnet);
    const RouteTable* nrt = ns ? TableOf(*ns) : nullptr;
    const Route* nr = nrt ? Lookup(*nrt, p.dst, p.family) : nullptr;
    t.hops.push_back({nat->id, "nat-gateway",
                      "translates the source to " + (nat->is_public ? nat->public_ip : nat->private_ip), nat->where});
    if (nr == nullptr || nr->blackhole || nr->target.rfind("igw-", 0) != 0 || !nat->is_public) {
      t.hops.push_back({nat->subnet, "subnet",
                        nr ? "route " + nr->destination + " -> " + nr->target + " in " + nrt->id
                           : "no route onward from the NAT gateway's subnet",
                        nr ? nr->where : (ns ? ns->where : SourceRange{})});
      t.disposition = nr && nr->target.rfind("igw-", 0) != 0 && !nr->blackhole ? "UNMODELLED" : "NO_ROUTE";
      return t;
    }
    t.hops.push_back({nat->subnet, "subnet", "route " + nr->destination + " -> " + nr->target + " in " + nrt->id,
                      nr->where});
    t.hops.push_back({nat->vpc.empty() ? s.vpc : nat->vpc, "vpc", "", {}});
    t.hops.push_back({nr->target, "internet-gateway", "translates the source to " + nat->public_ip, nr->where});
    t.hops.push_back({"internet", "internet", "", {}});
    t.disposition = "EXITS_NETWORK";
    return t;
  }
  if (r->target.rfind("pcx-", 0) == 0) {
    const PeeringConnection* pcx = nullptr;
    for (const auto& c : model_.aws_peerings)
      if (c.id == r->target) pcx = &c;
    if (pcx == nullptr || !pcx->active) {
      t.hops.push_back({r->target, "peering", "not in the input or not active", r->where});
      t.disposition = "NO_ROUTE";
      return t;
    }
    std::string peer_vpc = pcx->requester_vpc == s.vpc ? pcx->accepter_vpc : pcx->requester_vpc;
    t.hops.push_back({pcx->id, "peering", "to " + peer_vpc, pcx->where});
    // Peering is not transitive: the destination must be in the peer VPC.
    t.hops.push_back({peer_vpc, "vpc", "", {}});
    auto dst = LocateInVpc(peer_vpc, p, &t);
    if (!dst) return t;
    Deliver(p, *dst, static_cast<int>(src), "", &t);
    if (t.disposition == "ACCEPTED") CheckReply(p, static_cast<int>(src), *dst, &t);
    return t;
  }
  if (r->target.rfind("tgw-", 0) == 0) {
    std::string in;
    for (const auto& a : model_.aws_tgw_attachments)
      if (a.tgw == r->target && a.type == "vpc" && a.resource == s.vpc && a.available) in = a.id;
    if (in.empty()) {
      t.hops.push_back({r->target, "transit-gateway", "no attachment of " + s.vpc + " in the input", r->where});
      t.disposition = "NO_ROUTE";
      return t;
    }
    // Traffic enters the transit gateway only in an availability zone
    // where the attachment has a subnet.
    for (const auto& v : model_.aws_tgw_vpc_subnets) {
      if (v.attachment != in) continue;
      bool zone = false;
      for (const auto& id : v.subnets)
        if (const Subnet* x = SubnetOf(id); x && x->az == ss->az) zone = true;
      if (!zone) {
        t.hops.pop_back();  // the VPC hop: the packet never leaves the zone
        t.hops.back().detail += "; attachment " + in + " has no subnet in " + ss->az + ": dropped";
        t.disposition = "NULL_ROUTED";
        return t;
      }
    }
    ThroughTgw(r->target, in, p, static_cast<int>(src), &t, 0);
    return t;
  }
  if (r->target.rfind("eigw-", 0) == 0) {  // egress-only internet gateway: IPv6 out, replies back in
    const Gateway* eigw = nullptr;
    for (const auto& g : model_.aws_gateways)
      if (g.id == r->target && g.egress_only) eigw = &g;
    if (eigw == nullptr || std::find(eigw->vpcs.begin(), eigw->vpcs.end(), s.vpc) == eigw->vpcs.end() ||
        p.family != 6) {
      t.hops.push_back({r->target, "egress-only-internet-gateway",
                        p.family != 6 ? "carries IPv6 only" : "not attached to " + s.vpc + " in the input", r->where});
      t.disposition = "NO_ROUTE";
      return t;
    }
    t.hops.push_back({eigw->id, "egress-only-internet-gateway", "IPv6 to the internet", eigw->where});
    t.hops.push_back({"internet", "internet", "", {}});
    t.disposition = "EXITS_NETWORK";
    return t;
  }
  if (r->target.rfind("vpce-", 0) == 0) {
    const VpcEndpoint* ep = nullptr;
    for (const auto& v : model_.aws_vpc_endpoints)
      if (v.id == r->target) ep = &v;
    if (ep != nullptr && ep->type == "Gateway" && ep->state == "available") {
      // S3 or DynamoDB: the packet leaves the modelled network for the
      // service (the endpoint's policy is an IAM question, not a network one).
      t.hops.push_back({ep->id, "vpc-endpoint", "gateway endpoint to " + ep->service, ep->where});
      t.disposition = "EXITS_NETWORK";
      return t;
    }
    t.hops.push_back({r->target, "vpc-endpoint",
                      ep == nullptr ? "not in the input (describe-vpc-endpoints)"
                      : ep->type == "Gateway"
                          ? "state " + ep->state
                          : ep->type + " endpoint: traffic goes to appliances, which are not modelled",
                      ep ? ep->where : r->where});
    t.disposition = ep != nullptr && ep->type == "Gateway" ? "NO_ROUTE" : "UNMODELLED";
    return t;
  }
  t.hops.push_back({r->target, "gateway", "VPN gateways and appliance routes are not modelled yet", r->where});
  t.disposition = "UNMODELLED";
  return t;
}

std::optional<std::size_t> Engine::LocateInVpc(const std::string& vpc, const Packet& p, Trace* t) const {
  if (auto i = InterfaceByIp(p.dst, p.family, vpc)) return i;
  for (const auto& sn : model_.aws_subnets)
    if (sn.vpc == vpc && (CidrHas(sn.cidr, p.family, p.dst) || CidrHas(sn.ipv6_cidr, p.family, p.dst))) {
      t->hops.push_back({sn.id, "subnet", "no interface of the input has " + Addr(p.family, p.dst), sn.where});
      t->disposition = "NEIGHBOR_UNREACHABLE";
      return std::nullopt;
    }
  t->hops.back().detail = "no subnet of " + vpc + " holds " + Addr(p.family, p.dst);
  t->disposition = "NULL_ROUTED";
  return std::nullopt;
}

void Engine::ThroughTgw(const std::string& tgw, const std::string& in, const Packet& p, int src_interface, Trace* t,
                        int depth) const {
  const TgwAttachment* att = nullptr;
  for (const auto& a : model_.aws_tgw_attachments)
    if (a.tgw == tgw && a.id == in) att = &a;
  if (att == nullptr || att->route_table.empty()) {
    t->hops.push_back({tgw, "transit-gateway", "attachment " + in + " has no associated route table in the input", {}});
    t->disposition = "NO_ROUTE";
    return;
  }
  // Static routes, then the CIDRs of propagating VPC attachments.
  struct Candidate {
    net::IpRange range;
    std::string attachment;
    bool blackhole;
    SourceRange where;
  };
  std::vector<Candidate> routes;
  for (const auto& r : model_.aws_tgw_routes)
    if (r.table == att->route_table)
      if (auto c = Cidr(r.destination)) routes.push_back({*c, r.attachment, r.blackhole, r.where});
  for (const auto& pr : model_.aws_tgw_propagations) {
    if (pr.table != att->route_table) continue;
    for (const auto& a : model_.aws_tgw_attachments)
      if (a.tgw == tgw && a.id == pr.attachment && a.type == "vpc")
        for (const auto& v : model_.aws_vpcs)
          if (v.id == a.resource)
            for (const auto& b : v.cidrs)
              if (auto c = Cidr(b)) routes.push_back({*c, a.id, false, pr.where});
  }
  const Candidate* best = nullptr;
  for (const auto& c : routes) {
    if (!c.range.Contains({p.family, p.dst, p.dst})) continue;
    if (best == nullptr || c.range.hi - c.range.lo < best->range.hi - best->range.lo ||
        (c.range.hi - c.range.lo == best->range.hi - best->range.lo && !c.blackhole && best->blackhole))
      best = &c;
  }
  if (best == nullptr) {
    // Routes propagated from VPN or Direct Connect attachments are learned
    // by BGP and are not in the input: no route found is then no answer.
    std::string learned;
    for (const auto& pr : model_.aws_tgw_propagations)
      if (pr.table == att->route_table)
        for (const auto& a : model_.aws_tgw_attachments)
          if (a.tgw == tgw && a.id == pr.attachment && a.type != "vpc") learned = a.id + " (" + a.type + ")";
    t->hops.push_back({tgw, "transit-gateway",
                       "route table " + att->route_table + " has no route to " + Addr(p.family, p.dst) +
                           (learned.empty() ? "" : "; routes propagated from " + learned + " are not known"),
                       att->where});
    t->disposition = learned.empty() ? "NO_ROUTE" : "UNMODELLED";
    return;
  }
  if (best->blackhole) {
    t->hops.push_back({tgw, "transit-gateway", "route table " + att->route_table + ": blackhole", best->where});
    t->disposition = "NULL_ROUTED";
    return;
  }
  const TgwAttachment* out = nullptr;
  for (const auto& a : model_.aws_tgw_attachments)
    if (a.tgw == tgw && a.id == best->attachment) out = &a;
  t->hops.push_back({tgw, "transit-gateway", "route table " + att->route_table + " -> " + best->attachment, best->where});
  if (out == nullptr) {
    t->disposition = "NO_ROUTE";
    return;
  }
  if (out->type == "vpc") {
    t->hops.push_back({out->resource, "vpc", "", {}});
    auto dst = LocateInVpc(out->resource, p, t);
    if (!dst) return;
    Deliver(p, *dst, src_interface, "", t);
    if (t->disposition == "ACCEPTED") CheckReply(p, src_interface, *dst, t);
    return;
  }
  if (out->type == "peering" && depth < 4) {
    ThroughTgw(out->resource, out->id, p, src_interface, t, depth + 1);
    return;
  }
  t->hops.push_back({out->resource, out->type, "VPN and Direct Connect attachments are not modelled yet", out->where});
  t->disposition = "UNMODELLED";
}

std::optional<net::U128> Engine::LoadBalancerNode(std::size_t lb, const std::string& subnet) const {
  for (const auto& [i, k] : lb_by_interface_) {
    const auto& e = model_.aws_interfaces[i];
    if (k == lb && e.subnet == subnet && !e.private_ips.empty())
      if (auto a = Cidr(e.private_ips.front())) return a->lo;
  }
  const Subnet* s = SubnetOf(subnet);
  auto c = s ? Cidr(s->cidr) : std::nullopt;
  if (!c) return std::nullopt;
  return c->lo + 4;  // the first address AWS does not reserve
}

namespace {

bool ListenerCarries(const std::string& listener_protocol, int protocol) {
  if (listener_protocol == "UDP") return protocol == kUdp;
  if (listener_protocol == "TCP_UDP") return protocol == kTcp || protocol == kUdp;
  return protocol == kTcp;  // HTTP, HTTPS, TCP, TLS (and GENEVE is not a listener of these types)
}

}  // namespace

void Engine::ToLoadBalancer(std::size_t k, Packet p, Trace* t) const {
  const auto& lb = model_.aws_load_balancers[k];
  if (lb.scheme != "internet-facing") {
    t->hops.push_back({lb.name, "load-balancer", "internal: it has no address on the internet", lb.where});
    t->disposition = "NO_ROUTE";
    return;
  }
  const Gateway* igw = InternetGatewayOf(lb.vpc);
  if (igw == nullptr) {
    t->hops.push_back({lb.vpc, "vpc", "no internet gateway is attached", {}});
    t->disposition = "NO_ROUTE";
    return;
  }
  t->hops.push_back({igw->id, "internet-gateway", "to load balancer " + lb.name, igw->where});
  t->hops.push_back({lb.vpc, "vpc", "", {}});
  // The client reaches a node in one of the load balancer's subnets whose
  // ACL admits it and whose route table leads back to the gateway.
  std::optional<Hop> refused;
  std::string refused_disposition;
  for (const auto& sid : lb.subnets) {
    const Subnet* sn = SubnetOf(sid);
    auto node = LoadBalancerNode(k, sid);
    if (sn == nullptr || !node) continue;
    Packet q = p;
    q.dst = *node;
    if (const NetworkAcl* acl = AclOf(*sn)) {
      bool allow = false;
      const AclEntry* x = AclDecides(*acl, false, q, &allow);
      if (!allow) {
        if (!refused) {
          refused = Hop{sid, "subnet",
                        "network ACL " + acl->id +
                            (x ? " inbound rule " + std::to_string(x->number) + " denies" : " denies inbound (no rule matches)"),
                        x ? x->where : acl->where};
          refused_disposition = "DENIED_IN";
        }
        continue;
      }
    }
    const RouteTable* rt = TableOf(*sn);
    const Route* back = rt ? Lookup(*rt, q.src, q.family) : nullptr;
    if (back == nullptr || back->blackhole || back->target != igw->id) {
      if (!refused) {
        refused = Hop{sid, "subnet",
                      "route table " + (rt ? rt->id : std::string("(none)")) + " has no route to " +
                          Addr(q.family, q.src) + " through " + igw->id + ": replies do not return",
                      back ? back->where : (rt ? rt->where : sn->where)};
        refused_disposition = "NO_ROUTE";
      }
      continue;
    }
    t->hops.push_back({sid, "subnet", "load balancer node " + Addr(q.family, q.dst), sn->where});
    ForwardFromLoadBalancer(k, q, sid, nullptr, t);
    if (t->disposition == "ACCEPTED" && (q.protocol == kTcp || q.protocol == kUdp)) {
      bool allow = true;
      if (const NetworkAcl* acl = AclOf(*sn)) {
        Packet reply = q;
        std::swap(reply.src, reply.dst);
        reply.dst_port = q.src_port;
        const AclEntry* x = AclDecides(*acl, true, reply, &allow);
        t->reply_allowed = allow;
        t->reply_hop = Hop{sid, "subnet",
                           "reply " + ProtocolLabel(q.protocol) + " " + std::to_string(reply.dst_port) +
                               ": network ACL " + acl->id + " outbound " +
                               (x ? "rule " + std::to_string(x->number) + (allow ? " allows" : " denies")
                                  : "denies (no rule matches)"),
                           x ? x->where : acl->where};
      }
    }
    return;
  }
  if (refused) {
    t->hops.push_back(*refused);
    t->disposition = refused_disposition;
    return;
  }
  t->hops.push_back({lb.name, "load-balancer", "none of its subnets is in the input", lb.where});
  t->disposition = "NO_ROUTE";
}

void Engine::ForwardFromLoadBalancer(std::size_t k, const Packet& p, const std::string& subnet,
                                     const std::vector<std::string>* client_groups, Trace* t) const {
  const auto& lb = model_.aws_load_balancers[k];
  const Listener* l = nullptr;
  for (const auto& x : model_.aws_listeners)
    if (x.load_balancer == lb.arn && x.port == p.dst_port && ListenerCarries(x.protocol, p.protocol)) {
      l = &x;
      break;
    }
  Hop h{lb.name, "load-balancer", "", lb.where};
  if (l == nullptr) {
    h.detail = "no listener on " + ProtocolLabel(p.protocol) + (p.dst_port >= 0 ? " " + std::to_string(p.dst_port) : "");
    t->hops.push_back(h);
    t->disposition = "DENIED_IN";
    return;
  }
  // An ALB always has security groups; an NLB only when it was created with them.
  const SgRule* rule = nullptr;
  if (!lb.groups.empty()) {
    rule = GroupsAllow(lb.groups, true, p, client_groups);
    if (rule == nullptr) {
      h.detail = "no security group rule of the load balancer allows it inbound";
      t->hops.push_back(h);
      t->disposition = "DENIED_IN";
      return;
    }
  }
  h.detail = "listener " + l->protocol + " " + std::to_string(l->port);
  if (rule != nullptr)
    for (const auto& gid : lb.groups)
      if (const SecurityGroup* g = Group(gid))
        for (std::size_t n = 0; n < g->ingress.size(); ++n)
          if (&g->ingress[n] == rule) h.detail += "; " + SgRuleText(*g, n, *rule);
  h.where = l->where;
  t->hops.push_back(h);
  // Cross-zone load balancing: always on for an ALB; for an NLB as its
  // attribute says, off by default.
  bool cross_zone = lb.type != "network";
  const CrossZone* attribute = nullptr;
  for (const auto& c : model_.aws_cross_zone)
    if (c.load_balancer == lb.arn) attribute = &c;
  if (attribute != nullptr && lb.type == "network") cross_zone = attribute->enabled;
  const Subnet* node_subnet = SubnetOf(subnet);
  std::optional<Trace> failure;
  std::vector<std::string> unlocated;  // registered targets whose interface is not in the input
  for (const auto& tg : model_.aws_target_groups) {
    if (std::find(l->target_groups.begin(), l->target_groups.end(), tg.arn) == l->target_groups.end()) continue;
    for (const auto& target : model_.aws_targets) {
      if (target.group != tg.arn || target.state == "unused" || target.state == "draining") continue;
      std::optional<std::size_t> iface = TargetInterface(target);
      if (!iface) {
        unlocated.push_back(target.id);
        continue;
      }
      const auto& d = model_.aws_interfaces[*iface];
      if (!cross_zone && node_subnet != nullptr)
        if (const Subnet* ts = SubnetOf(d.subnet); ts && ts->az != node_subnet->az) {
          if (!failure) {
            failure.emplace();
            failure->hops.push_back(
                {tg.name.empty() ? tg.arn : tg.name, "target-group",
                 "target " + target.id + " is in " + ts->az + " and the node in " + node_subnet->az +
                     ": cross-zone load balancing is off" +
                     (attribute ? std::string("") : " (the NLB default; LoadBalancerAttributes not in the input)"),
                 attribute ? attribute->where : tg.where});
            failure->disposition = "DENIED_IN";
          }
          continue;
        }
      Packet q = p;
      // A network load balancer keeps the client's address for instance
      // targets; otherwise the node's address is the source.
      q.src = lb.type == "network" && tg.target_type == "instance" ? p.src : p.dst;
      if (auto ip = Cidr(d.private_ips.empty() ? "" : d.private_ips.front())) q.dst = ip->lo;
      q.dst_port = target.port > 0 ? target.port : tg.port;
      Trace sub;
      sub.hops.push_back({tg.name.empty() ? tg.arn : tg.name, "target-group",
                          "forwards to " + target.id + " on port " + std::to_string(q.dst_port), tg.where});
      if (d.subnet != subnet)
        if (const Subnet* from = SubnetOf(subnet))
          if (const NetworkAcl* acl = AclOf(*from)) {
            bool allow = false;
            const AclEntry* x = AclDecides(*acl, true, q, &allow);
            sub.hops.push_back({subnet, "subnet",
                                "network ACL " + acl->id + " outbound " +
                                    (x ? "rule " + std::to_string(x->number) + (allow ? " allows" : " denies")
                                       : std::string("denies (no rule matches)")),
                                x ? x->where : acl->where});
            if (!allow) sub.disposition = "DENIED_OUT";
          }
      if (sub.disposition.empty()) {
        if (d.subnet != subnet) sub.hops.push_back({d.vpc, "vpc", "", {}});
        Deliver(q, *iface, -1, subnet, &sub, lb.groups.empty() ? nullptr : &lb.groups);
      }
      if (sub.disposition == "ACCEPTED") {
        for (auto& x : sub.hops) t->hops.push_back(std::move(x));
        for (auto& n : sub.notes) t->notes.push_back(std::move(n));
        t->disposition = "ACCEPTED";
        if (d.subnet != subnet && !AclPassesBothWays(d.subnet, true, q)) {
          t->reply_allowed = false;
          t->reply_hop = Hop{d.subnet, "subnet", "the target's reply does not pass the network ACL", {}};
        }
        return;
      }
      if (!failure) failure = std::move(sub);
    }
  }
  if (failure) {
    for (auto& x : failure->hops) t->hops.push_back(std::move(x));
    for (auto& n : failure->notes) t->notes.push_back(std::move(n));
    t->disposition = failure->disposition;
    return;
  }
  if (!unlocated.empty()) {
    // Targets are registered, but their interfaces are not in the input
    // (or they are Lambda functions): where the traffic ends is not known.
    t->hops.push_back({lb.name, "load-balancer",
                       "forwards to " + unlocated.front() +
                           (unlocated.size() > 1 ? " and " + std::to_string(unlocated.size() - 1) + " more" : "") +
                           ", whose network interfaces are not in the input",
                       l->where});
    t->disposition = "UNMODELLED";
    return;
  }
  t->notes.push_back("listener " + l->protocol + " " + std::to_string(l->port) + " of " + lb.name +
                     " has no registered target in the input: the load balancer answers itself");
  t->disposition = "ACCEPTED";
}

const std::vector<Exposure>& Engine::InternetExposures() const {
  if (exposures_) return *exposures_;
  exposures_.emplace();
  std::vector<Exposure>& out = *exposures_;
  for (const auto& [ip, i] : by_public_ip_) ExposeAddress(i, 4, ip, &out);
  for (std::size_t i : interfaces_)  // global IPv6 addresses are public as they are
    for (const auto& a : model_.aws_interfaces[i].ipv6_addresses)
      if (auto r = Cidr(a); r && r->family == 6 && !Private6(r->lo)) ExposeAddress(i, 6, r->lo, &out);
  LoadBalancerExposures(&out);
  return out;
}

void Engine::ExposeAddress(std::size_t i, int family, net::U128 ip, std::vector<Exposure>* out) const {
  const auto& e = model_.aws_interfaces[i];
  // Candidate sources: the edges of every range the groups (with their
  // prefix lists) and the ACL name, outside private and VPC space, plus one
  // well-known public address.
  std::set<net::U128> candidates = {Cidr(family == 6 ? "2001:4860:4860::8888" : "8.8.8.8")->lo};
  std::set<int> tcp = {1}, udp = {1};
  auto add_range = [&](const std::string& c, bool around) {
    auto x = Cidr(c);
    if (!x || x->family != family) return;
    candidates.insert(x->lo);
    if (x->hi > x->lo) candidates.insert(x->hi);
    if (around) {
      if (x->lo > 0) candidates.insert(x->lo - 1);
      candidates.insert(x->hi + 1);
    }
  };
  for (const auto& gid : e.groups)
    if (const SecurityGroup* g = Group(gid))
      for (const auto& r : g->ingress) {
        for (const auto& c : r.cidrs) add_range(c, false);
        for (const auto& id : r.prefix_lists)
          if (const PrefixList* pl = PrefixListById(id))
            for (const auto& c : pl->cidrs) add_range(c, false);
        int proto = RuleProtocol(r.protocol);
        if (r.from_port >= 0 && (proto == kTcp || proto == kUdp)) {
          auto& s = proto == kTcp ? tcp : udp;
          s.insert(r.from_port);
          s.insert(r.to_port + 1);
        }
      }
  const Subnet* sn = SubnetOf(e.subnet);
  const NetworkAcl* acl = sn ? AclOf(*sn) : nullptr;
  if (acl)
    for (const auto& x : acl->entries) {
      if (x.egress) continue;
      add_range(x.cidr, true);
      if (x.from_port >= 0) {
        tcp.insert(x.from_port);
        tcp.insert(x.to_port + 1);
        udp.insert(x.from_port);
        udp.insert(x.to_port + 1);
      }
    }
  Exposure x;
  x.interface = i;
  x.public_ip = Addr(family, ip);
  Endpoint to;
  to.interface = static_cast<int>(i);
  to.address = {family, ip, ip};
  to.by_address = true;
  const net::U128 top = family == 4 ? net::U128{0xFFFFFFFFu} : ~net::U128{0};
  std::set<SourceRange> seen_rules;
  for (net::U128 c : candidates) {
    if (c > top || PrivateAddress(family, c)) continue;
    bool vpc_address = false;
    for (const auto& v : model_.aws_vpcs)
      for (const auto& b : v.cidrs)
        if (CidrHas(b, family, c)) vpc_address = true;
    if (vpc_address) continue;
    Endpoint from;
    from.internet = true;
    from.by_address = true;
    from.address = {family, c, c};
    for (int proto : {kTcp, kUdp}) {
      const auto& cuts = proto == kTcp ? tcp : udp;
      std::vector<int> points(cuts.begin(), cuts.end());
      for (std::size_t k = 0; k < points.size(); ++k) {
        int lo = points[k];
        if (lo > 65535) break;
        int hi = k + 1 < points.size() ? std::min(points[k + 1] - 1, 65535) : 65535;
        Trace t = Reach(from, to, proto, lo);
        if (!t.allowed()) continue;
        x.ports.Add(proto == kTcp ? net::kTCP : net::kUDP, lo, hi);
        if (x.sample_source.empty()) x.sample_source = Addr(family, c);
        if (!t.hops.empty() && t.hops.back().where.known() && seen_rules.insert(t.hops.back().where).second)
          x.rules.push_back(t.hops.back().where);
      }
    }
    Trace any = Reach(from, to, kAnyProtocol, -1);
    if (any.allowed()) x.all_protocols = true;
  }
  if (!x.ports.empty() || x.all_protocols) out->push_back(std::move(x));
}

std::vector<std::size_t> Engine::UnusedGroups() const {
  std::set<std::string> used;
  for (std::size_t i : interfaces_)
    for (const auto& g : model_.aws_interfaces[i].groups) used.insert(g);
  for (const auto& inst : model_.aws_instances)
    for (const auto& g : inst.groups) used.insert(g);
  for (const auto& u : model_.aws_group_uses) used.insert(u.group);  // load balancers, endpoints, databases
  // Groups referenced by other groups are in use as peers, not attached:
  // they still admit nothing by themselves.
  std::vector<std::size_t> out;
  for (std::size_t g = 0; g < model_.aws_security_groups.size(); ++g)
    if (!used.count(model_.aws_security_groups[g].id)) out.push_back(g);
  return out;
}

}  // namespace grantpath::awsnet
