#include "engine/net_types.h"

#include <iterator>

#include <algorithm>
#include <cstdio>

namespace grantpath::net {
namespace {

std::optional<std::uint32_t> ParseV4(const std::string& s) {
  std::uint32_t v = 0;
  int parts = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t j = i;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    if (j == i || j - i > 3) return std::nullopt;
    if (j - i > 1 && s[i] == '0') return std::nullopt;  // no leading zeros (Go rejects them)
    int octet = std::stoi(s.substr(i, j - i));
    if (octet > 255) return std::nullopt;
    v = (v << 8) | static_cast<std::uint32_t>(octet);
    ++parts;
    if (j == s.size()) break;
    if (s[j] != '.' || parts == 4) return std::nullopt;
    i = j + 1;
  }
  if (parts != 4) return std::nullopt;
  return v;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Groups of an IPv6 address between "::" splits; an embedded IPv4 tail
// counts as two groups.
bool ParseGroups(const std::string& s, std::vector<std::uint16_t>& out) {
  if (s.empty()) return true;
  std::size_t i = 0;
  while (true) {
    std::size_t j = s.find(':', i);
    std::string part = s.substr(i, j == std::string::npos ? std::string::npos : j - i);
    if (j == std::string::npos && part.find('.') != std::string::npos) {
      auto v4 = ParseV4(part);
      if (!v4) return false;
      out.push_back(static_cast<std::uint16_t>(*v4 >> 16));
      out.push_back(static_cast<std::uint16_t>(*v4 & 0xffff));
      return true;
    }
    if (part.empty() || part.size() > 4) return false;
    unsigned g = 0;
    for (char c : part) {
      int d = HexDigit(c);
      if (d < 0) return false;
      g = g * 16 + static_cast<unsigned>(d);
    }
    out.push_back(static_cast<std::uint16_t>(g));
    if (j == std::string::npos) return true;
    i = j + 1;
  }
}

std::optional<U128> ParseV6(const std::string& s) {
  std::vector<std::uint16_t> head, tail;
  auto dc = s.find("::");
  if (dc != std::string::npos) {
    if (s.find("::", dc + 1) != std::string::npos) return std::nullopt;
    if (!ParseGroups(s.substr(0, dc), head) || !ParseGroups(s.substr(dc + 2), tail)) return std::nullopt;
    if (head.size() + tail.size() > 7) return std::nullopt;
  } else {
    if (!ParseGroups(s, head) || head.size() != 8) return std::nullopt;
  }
  std::vector<std::uint16_t> all = head;
  all.resize(8 - tail.size(), 0);
  all.insert(all.end(), tail.begin(), tail.end());
  U128 v = 0;
  for (auto g : all) v = (v << 16) | g;
  return v;
}

}  // namespace

bool operator<(const IpRange& a, const IpRange& b) {
  if (a.family != b.family) return a.family < b.family;
  if (a.lo != b.lo) return a.lo < b.lo;
  return a.hi < b.hi;
}

std::optional<IpRange> ParseCidr(const std::string& text) {
  std::string addr = text;
  int prefix = -1;
  if (auto slash = text.find('/'); slash != std::string::npos) {
    addr = text.substr(0, slash);
    std::string p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3 || !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    prefix = std::stoi(p);
  }
  IpRange r;
  int bits = 0;
  if (addr.find(':') != std::string::npos) {
    auto v = ParseV6(addr);
    if (!v) return std::nullopt;
    r.family = 6;
    r.lo = *v;
    bits = 128;
  } else {
    auto v = ParseV4(addr);
    if (!v) return std::nullopt;
    r.family = 4;
    r.lo = *v;
    bits = 32;
  }
  if (prefix < 0) prefix = bits;
  if (prefix > bits) return std::nullopt;
  int host = bits - prefix;
  U128 host_mask = host == 128 ? ~U128(0) : ((U128(1) << host) - 1);
  r.lo &= ~host_mask;
  if (bits == 32) r.lo &= U128(0xffffffffu);
  r.hi = r.lo | host_mask;
  if (bits == 32) r.hi &= U128(0xffffffffu);
  return r;
}

std::string FormatAddress(int family, U128 v) {
  char buf[64];
  if (family == 4) {
    auto x = static_cast<std::uint32_t>(v);
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", x >> 24, (x >> 16) & 255, (x >> 8) & 255, x & 255);
    return buf;
  }
  std::uint16_t g[8];
  for (int i = 7; i >= 0; --i) {
    g[i] = static_cast<std::uint16_t>(v & 0xffff);
    v >>= 16;
  }
  // Longest run of zero groups (length >= 2) becomes "::" (RFC 5952).
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best = -1;
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", g[i]);
    out += buf;
  }
  return out;
}

std::string FormatRange(const IpRange& r) {
  return FormatAddress(r.family, r.lo) + "-" + FormatAddress(r.family, r.hi);
}

const char* ProtocolName(int p) {
  switch (p) {
    case kTCP: return "TCP";
    case kUDP: return "UDP";
    case kSCTP: return "SCTP";
    case kICMP: return "ICMP";
    case kICMPv6: return "ICMPv6";
    case kIp: return "protocol";
  }
  return "?";
}

namespace {

// The values a protocol's slot holds.
std::pair<int, int> Domain(int p) {
  if (p < kPortProtocols) return {1, 65535};
  if (p == kIp) return {0, 255};
  return {0, 255 * 256 + 255};  // every type and code (Calico validates types 0-254, Cilium 0-255)
}

bool OwnSlot(int number) { return number == 1 || number == 6 || number == 17 || number == 58 || number == 132; }

std::string IcmpItem(int lo, int hi) {
  auto code = [](int lo_c, int hi_c) {
    return lo_c == hi_c ? " code " + std::to_string(lo_c) : " codes " + std::to_string(lo_c) + "-" + std::to_string(hi_c);
  };
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : ",") + s; };
  while (lo <= hi) {
    int type = lo / 256, end_of_type = type * 256 + 255;
    if (lo % 256 == 0 && hi >= end_of_type) {  // whole types
      int last = hi % 256 == 255 ? hi / 256 : hi / 256 - 1;
      add(last == type ? "type " + std::to_string(type)
                       : "types " + std::to_string(type) + "-" + std::to_string(last));
      lo = last * 256 + 256;
    } else {
      int stop = std::min(hi, end_of_type);
      add("type " + std::to_string(type) + code(lo % 256, stop % 256));
      lo = stop + 1;
    }
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::string, int>> WitnessNumbers(int proto, int value) {
  if (proto == kICMP || proto == kICMPv6) return {{"icmpType", value / 256}, {"icmpCode", value % 256}};
  if (proto == kIp) return {};
  return {{"port", value}};
}

std::string WitnessProtocol(int proto, int value) {
  return proto == kIp ? std::to_string(value) : ProtocolName(proto);
}

std::string FormatOne(int proto, int value) {
  if (proto == kICMP || proto == kICMPv6)
    return std::string(ProtocolName(proto)) + " type " + std::to_string(value / 256) + " code " +
           std::to_string(value % 256);
  return std::string(ProtocolName(proto)) + " " + std::to_string(value);
}

std::optional<Protocol> ParseProtocol(const std::string& s) {
  std::string u = s;
  for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (u == "TCP") return kTCP;
  if (u == "UDP") return kUDP;
  if (u == "SCTP") return kSCTP;
  return std::nullopt;
}

bool ParsePortSpec(const std::string& spec, PortSet* out) {
  if (auto p = ParseProtocol(spec)) {
    out->Add(*p, 1, 65535);
    return true;
  }
  std::string num = spec, proto = "TCP";
  if (auto slash = spec.find('/'); slash != std::string::npos) {
    num = spec.substr(0, slash);
    proto = spec.substr(slash + 1);
  }
  auto digits = [](const std::string& s) {
    return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  std::string lower = spec.find('/') == std::string::npos ? spec : proto;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "icmp" || lower == "icmpv6") {  // "icmp", "8/icmp", "3:1/icmpv6": every type, a type, a type and code
    const bool v6 = lower == "icmpv6";
    if (spec.find('/') == std::string::npos) {
      out->AddIcmp(v6, std::nullopt, std::nullopt);
      return true;
    }
    auto colon = num.find(':');
    std::string t = num.substr(0, colon), c = colon == std::string::npos ? "" : num.substr(colon + 1);
    if (!digits(t) || std::stoi(t) > 255 || (colon != std::string::npos && (!digits(c) || std::stoi(c) > 255)))
      return false;
    out->AddIcmp(v6, std::stoi(t), c.empty() ? std::nullopt : std::optional<int>(std::stoi(c)));
    return true;
  }
  auto p = ParseProtocol(proto);
  auto dash = num.find('-');
  std::string lo_s = num.substr(0, dash), hi_s = dash == std::string::npos ? lo_s : num.substr(dash + 1);
  if (!p || !digits(lo_s) || !digits(hi_s)) return false;
  int lo = std::stoi(lo_s), hi = std::stoi(hi_s);
  if (lo < 1 || hi > 65535 || lo > hi) return false;
  out->Add(*p, lo, hi);
  return true;
}

PortSet PortSet::All() {
  static const PortSet kAll = [] {
    PortSet s;
    for (int p = 0; p < kProtocols; ++p) {
      auto [lo, hi] = Domain(p);
      if (p != kIp) {
        s.ranges[p].emplace_back(lo, hi);
        continue;
      }
      int start = lo;
      for (int n = lo; n <= hi + 1; ++n)
        if (n > hi || OwnSlot(n)) {
          if (start < n) s.ranges[p].emplace_back(start, n - 1);
          start = n + 1;
        }
    }
    return s;
  }();  // built once: IsAll() and Format() compare with it often
  return kAll;
}

void PortSet::Add(int proto, int lo, int hi) {
  auto [dlo, dhi] = Domain(proto);
  lo = std::max(lo, dlo);
  hi = std::min(hi, dhi);
  if (lo > hi) return;
  PortSet one;
  one.ranges[proto].emplace_back(static_cast<std::uint16_t>(lo), static_cast<std::uint16_t>(hi));
  *this = Union(one);
}

void PortSet::AddIcmp(bool v6, std::optional<int> type, std::optional<int> code) {
  const int p = v6 ? kICMPv6 : kICMP;
  if (!type) return Add(p, 0, 255 * 256 + 255);
  if (!code) return Add(p, *type * 256, *type * 256 + 255);
  Add(p, *type * 256 + *code, *type * 256 + *code);
}

void PortSet::AddIpProtocol(int number) {
  switch (number) {
    case 6: return Add(kTCP, 1, 65535);
    case 17: return Add(kUDP, 1, 65535);
    case 132: return Add(kSCTP, 1, 65535);
    case 1: return AddIcmp(false, std::nullopt, std::nullopt);
    case 58: return AddIcmp(true, std::nullopt, std::nullopt);
  }
  Add(kIp, number, number);
}

bool PortSet::empty() const {
  return std::all_of(ranges.begin(), ranges.end(), [](const auto& r) { return r.empty(); });
}

bool PortSet::IsAll() const {
  static const PortSet kAll = All();
  return *this == kAll;
}

bool PortSet::Contains(int proto, int port) const {
  if (proto < 0 || proto >= static_cast<int>(std::size(ranges))) return false;  // no such protocol
  for (auto [lo, hi] : ranges[proto])
    if (lo <= port && port <= hi) return true;
  return false;
}

PortSet PortSet::Union(const PortSet& o) const {
  PortSet out;
  for (int p = 0; p < kProtocols; ++p) {
    std::vector<std::pair<std::uint16_t, std::uint16_t>> all = ranges[p];
    all.insert(all.end(), o.ranges[p].begin(), o.ranges[p].end());
    std::sort(all.begin(), all.end());
    for (auto [lo, hi] : all) {
      auto& v = out.ranges[p];
      if (!v.empty() && lo <= v.back().second + 1) v.back().second = std::max(v.back().second, hi);
      else v.emplace_back(lo, hi);
    }
  }
  return out;
}

PortSet PortSet::Intersect(const PortSet& o) const {
  PortSet out;
  for (int p = 0; p < kProtocols; ++p) {
    const auto& a = ranges[p];
    const auto& b = o.ranges[p];
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
      int lo = std::max(a[i].first, b[j].first);
      int hi = std::min(a[i].second, b[j].second);
      if (lo <= hi) out.ranges[p].emplace_back(lo, hi);
      if (a[i].second < b[j].second) ++i;
      else ++j;
    }
  }
  return out;
}

PortSet PortSet::Subtract(const PortSet& o) const {
  PortSet out;
  for (int p = 0; p < kProtocols; ++p) {
    for (auto [lo, hi] : ranges[p]) {
      int cur = lo;
      for (auto [blo, bhi] : o.ranges[p]) {
        if (bhi < cur || blo > hi) continue;
        if (blo > cur) out.ranges[p].emplace_back(cur, blo - 1);
        cur = bhi + 1;
        if (cur > hi) break;
      }
      if (cur <= hi) out.ranges[p].emplace_back(cur, hi);
    }
  }
  return out;
}

std::pair<int, int> PortSet::First() const {
  // Prefer TCP, the protocol a reader expects first.
  for (int p : {kTCP, kUDP, kSCTP, kICMP, kICMPv6, kIp})
    if (!ranges[p].empty()) return {p, ranges[p].front().first};
  return {kTCP, 0};
}

std::string PortSet::Format() const {
  if (IsAll()) return "All Connections";
  if (empty()) return "No Connections";
  std::string out;
  for (int p : {kICMP, kICMPv6, kSCTP, kTCP, kUDP, kIp}) {  // by name, other protocols last
    if (ranges[p].empty()) continue;
    if (!out.empty()) out += ',';
    out += ProtocolName(p);
    if ((p == kICMP || p == kICMPv6) && ranges[p].size() == 1 && ranges[p][0] == std::pair<std::uint16_t, std::uint16_t>(
                                                                      0, static_cast<std::uint16_t>(Domain(p).second)))
      continue;  // every type
    if (p == kIp && ranges[p] == All().ranges[kIp]) {
      out.resize(out.size() - std::string(ProtocolName(p)).size());
      out += "other protocols";
      continue;
    }
    out += ' ';
    bool first = true;
    for (auto [lo, hi] : ranges[p]) {
      if (!first) out += ',';
      first = false;
      if (p == kICMP || p == kICMPv6) {
        out += IcmpItem(lo, hi);
        continue;
      }
      out += std::to_string(lo);
      if (hi != lo) out += "-" + std::to_string(hi);
    }
  }
  return out;
}

ConnTable::ConnTable() {
  Intern(PortSet::None());
  Intern(PortSet::All());
}

ConnTable::Id ConnTable::Intern(const PortSet& s) {
  std::string key;
  for (int p = 0; p < kProtocols; ++p) {
    key += static_cast<char>(p);
    for (auto [lo, hi] : s.ranges[p]) {
      key.append(reinterpret_cast<const char*>(&lo), 2);
      key.append(reinterpret_cast<const char*>(&hi), 2);
    }
  }
  auto [it, inserted] = index_.emplace(std::move(key), static_cast<Id>(sets_.size()));
  if (inserted) sets_.push_back(s);
  return it->second;
}

ConnTable::Id ConnTable::Memo(int op, Id a, Id b) {
  std::uint64_t key = (static_cast<std::uint64_t>(op) << 62) | (static_cast<std::uint64_t>(a) << 31) | b;
  auto slot = [&](std::uint64_t k) {
    std::size_t mask = memo_.size() - 1;
    std::size_t i = static_cast<std::size_t>((k * 0x9E3779B97F4A7C15ull) >> 20) & mask;
    while (memo_[i].first != kEmpty && memo_[i].first != k) i = (i + 1) & mask;
    return i;
  };
  std::size_t i = slot(key);
  if (memo_[i].first == key) return memo_[i].second;
  PortSet r = op == 0 ? sets_[a].Union(sets_[b]) : op == 1 ? sets_[a].Intersect(sets_[b]) : sets_[a].Subtract(sets_[b]);
  Id id = Intern(r);
  if (2 * (memo_used_ + 1) > memo_.size()) {
    std::vector<std::pair<std::uint64_t, Id>> old(memo_.size() * 2, {kEmpty, 0});
    old.swap(memo_);
    for (const auto& e : old)
      if (e.first != kEmpty) memo_[slot(e.first)] = e;
    i = slot(key);
  }
  memo_[i] = {key, id};
  ++memo_used_;
  return id;
}

ConnTable::Id ConnTable::Union(Id a, Id b) {
  if (a == b || b == kNone || a == kAll) return a;
  if (a == kNone || b == kAll) return b;
  return Memo(0, std::min(a, b), std::max(a, b));
}

ConnTable::Id ConnTable::Intersect(Id a, Id b) {
  if (a == b || b == kAll || a == kNone) return a;
  if (a == kAll || b == kNone) return b;
  return Memo(1, std::min(a, b), std::max(a, b));
}

ConnTable::Id ConnTable::Subtract(Id a, Id b) {
  if (a == kNone || b == kNone) return a;
  if (b == kAll || a == b) return kNone;
  return Memo(2, a, b);
}

}  // namespace grantpath::net
