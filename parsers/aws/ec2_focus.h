// A focused read of `aws ec2` exports for one reachability question. Of the
// two large exports, describe-network-interfaces and describe-instances,
// only the elements a path between two named endpoints can use are parsed:
// those that name an endpoint (its instance id, interface id or
// address), those that name an id the other exports route or forward to
// (route targets, load balancer targets, Elastic IP associations, endpoint
// interfaces), and the interfaces AWS services own (NAT gateways, load
// balancer nodes, endpoints, transit gateways); then, of
// describe-security-groups, the groups those carry. The rest is checked
// for syntax and skipped. The answer is the one of a full read; tests
// compare the two (`aws reach --full-read`).
#pragma once

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "grantpath/model/model.h"
#include "loader.h"

namespace grantpath::parsers {

class Ec2Focus {
 public:
  /// `endpoints` as `aws reach` takes them. The focus is off (everything is
  /// read) when one of them cannot be matched as text: an IPv6 address
  /// (written in more than one way) or an empty one.
  explicit Ec2Focus(const std::vector<std::string>& endpoints);

  bool enabled() const { return enabled_; }

  /// The exports read in stages: first every other file, then the
  /// interfaces and instances, then the security groups.
  static constexpr int kInterfaces = 1;
  static constexpr int kGroups = 2;

  /// Before `stage` is read: adds what the records read so far name. Before
  /// the interfaces: the ids and addresses routes, load balancer targets,
  /// Elastic IPs and endpoints lead to. Before the groups: the groups the
  /// interfaces, instances, load balancers and other users read carry.
  void AddFromModel(int stage, const Model& model);

  /// Whether an element of a streamed describe-* list is read (every one
  /// of a list whose stage has not been prepared by AddFromModel).
  bool Keep(std::string_view list_key, std::string_view element) const;

  /// The stage a file's text is read in (0: with every other file).
  static int StageOf(std::string_view text);

  /// Sets `options` up for a focused load (nothing when not enabled).
  static void Apply(const std::shared_ptr<Ec2Focus>& focus, LoadOptions& options);

 private:
  bool enabled_ = true;
  int stage_ = 0;  // the last stage AddFromModel prepared
  void Add(const std::string& needle);
  std::set<std::string, std::less<>> needles_;
  std::vector<char> lengths_;  // lengths_[n]: a needle has n bytes
};

}  // namespace grantpath::parsers
