// Value types of the network engine: IP ranges, port/protocol sets, and
// the table that interns port sets so that the engine compares and
// combines them as small integers.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace grantpath::net {

__extension__ typedef unsigned __int128 U128;

/// An inclusive address range of one family (4 or 6).
struct IpRange {
  int family = 4;
  U128 lo = 0;
  U128 hi = 0;
  bool operator==(const IpRange&) const = default;
  bool Contains(const IpRange& o) const { return family == o.family && lo <= o.lo && o.hi <= hi; }
  bool Overlaps(const IpRange& o) const { return family == o.family && lo <= o.hi && o.lo <= hi; }
};
bool operator<(const IpRange& a, const IpRange& b);

/// Parses "a.b.c.d", "a.b.c.d/n", IPv6 with "::" and "/n". A CIDR with
/// host bits set is accepted and masked (as the API server's ParseCIDR
/// keeps the network). nullopt when malformed.
std::optional<IpRange> ParseCidr(const std::string& text);
/// "10.0.0.0", "2001:db8::1".
std::string FormatAddress(int family, U128 v);
/// "a.b.c.d-e.f.g.h" (both ends inclusive).
std::string FormatRange(const IpRange& r);

/// The protocols of a connection. TCP, UDP and SCTP carry ports (1-65535);
/// ICMP and ICMPv6 carry type * 256 + code (type and code 0-255); kIp
/// holds every other IP protocol by number (0-255, without 1, 6, 17, 58
/// and 132, which have their own slots).
enum Protocol : std::uint8_t { kTCP = 0, kUDP = 1, kSCTP = 2, kICMP = 3, kICMPv6 = 4, kIp = 5 };
constexpr int kPortProtocols = 3;  // the protocols with ports: TCP, UDP, SCTP
constexpr int kProtocols = 6;
const char* ProtocolName(int p);
/// TCP, UDP or SCTP (any case): the protocols with ports.
std::optional<Protocol> ParseProtocol(const std::string& s);
/// "TCP 80", "ICMP type 8 code 0", "protocol 47": one member of a set.
std::string FormatOne(int proto, int value);
/// The fields that name one member in JSON witnesses: protocol and port;
/// ICMP: protocol, icmpType, icmpCode; another protocol: its number as
/// protocol.
std::vector<std::pair<std::string, int>> WitnessNumbers(int proto, int value);
std::string WitnessProtocol(int proto, int value);

/// Parses a port spec as users write it: "N", "N/PROTO", "N-M/PROTO" or
/// "PROTO" (every port of it); the protocol defaults to TCP and is
/// case-insensitive. Adds it to `out`; false when malformed or out of
/// 1-65535.
struct PortSet;
bool ParsePortSpec(const std::string& spec, PortSet* out);

/// A set of (protocol, port) pairs: per protocol a sorted list of disjoint,
/// non-adjacent inclusive port intervals within 1-65535.
struct PortSet {
  std::array<std::vector<std::pair<std::uint16_t, std::uint16_t>>, kProtocols> ranges;
  static PortSet All();
  static PortSet None() { return {}; }
  void Add(int proto, int lo, int hi);
  /// ICMP (v6 false) or ICMPv6: every type, one type, or one type and code.
  void AddIcmp(bool v6, std::optional<int> type, std::optional<int> code);
  /// Every connection of IP protocol `number` (6: all TCP ports, 1: all
  /// ICMP...).
  void AddIpProtocol(int number);
  bool empty() const;
  bool IsAll() const;
  bool Contains(int proto, int port) const;
  PortSet Union(const PortSet& o) const;
  PortSet Intersect(const PortSet& o) const;
  PortSet Subtract(const PortSet& o) const;
  /// The first (protocol, port) of the set; the set must not be empty.
  std::pair<int, int> First() const;
  /// "All Connections", or "SCTP 1-65535,TCP 80,8080-8090" (netpol-analyzer's
  /// grammar: protocols by name, ports and ranges comma-joined); ICMP as
  /// "ICMP type 8,type 3 code 1" ("ICMP" when every type), other
  /// protocols last as "protocol 47,50-51" ("other protocols" when all).
  std::string Format() const;
  bool operator==(const PortSet&) const = default;
};

/// Interns port sets. Id 0 is the empty set and id 1 the full set; set
/// operations are memoized, so the engine combines cells in O(1).
class ConnTable {
 public:
  using Id = std::uint32_t;
  static constexpr Id kNone = 0;
  static constexpr Id kAll = 1;
  static constexpr Id kUnset = ~0u;  // never an id: "not computed yet"
  ConnTable();
  Id Intern(const PortSet& s);
  const PortSet& Get(Id id) const { return sets_[id]; }
  Id Union(Id a, Id b);
  Id Intersect(Id a, Id b);
  Id Subtract(Id a, Id b);
  std::size_t size() const { return sets_.size(); }

 private:
  Id Memo(int op, Id a, Id b);
  std::vector<PortSet> sets_;
  std::unordered_map<std::string, Id> index_;
  // Memoized operations: open addressing, linear probing, power-of-two
  // capacity; an empty slot holds kEmpty.
  static constexpr std::uint64_t kEmpty = ~std::uint64_t(0);
  std::vector<std::pair<std::uint64_t, Id>> memo_ = std::vector<std::pair<std::uint64_t, Id>>(1024, {kEmpty, 0});
  std::size_t memo_used_ = 0;
};

}  // namespace grantpath::net
