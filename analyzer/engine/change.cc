#include "engine/change.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "engine/iam_analysis.h"
#include "engine/iam_eval.h"
#include "engine/iam_smt.h"
#include "engine/net.h"
#include "engine/rbac_covers.h"

namespace grantpath::change {
namespace {

// ---- RBAC -----------------------------------------------------------------

// What an atom applies to ("pods/exec", "secrets (apps) 'x'", "/healthz").
std::string AtomObject(const k8s::PolicyRule& a) {
  if (!a.non_resource_urls.empty()) return a.non_resource_urls[0];
  std::string out = a.resources[0];
  const std::string& g = a.api_groups[0];
  if (!g.empty()) out += g == "*" ? " (all groups)" : " (" + g + ")";
  if (!a.resource_names.empty()) out += " '" + a.resource_names[0] + "'";
  return out;
}

rbac::Request AtomRequest(const k8s::PolicyRule& a, const std::string& ns) {
  rbac::Request r;
  r.verb = a.verbs[0];
  if (!a.non_resource_urls.empty()) {
    r.resource_request = false;
    r.path = a.non_resource_urls[0];
    return r;
  }
  r.api_group = a.api_groups[0];
  std::string res = a.resources[0];
  if (auto slash = res.find('/'); slash != std::string::npos) {
    r.subresource = res.substr(slash + 1);
    res.resize(slash);
  }
  r.resource = res;
  if (!a.resource_names.empty()) r.name = a.resource_names[0];
  r.ns = ns;
  return r;
}

std::vector<SubjectKey> Subjects(const rbac::Engine& e) {
  std::set<SubjectKey> out;
  const Model& m = e.model();
  for (const auto& b : m.k8s_bindings)
    for (const auto& s : b.subjects)
      if (auto k = e.SubjectOf(b, s)) out.insert(*k);
  return {out.begin(), out.end()};
}

std::set<std::string> Namespaces(const Model& m) {
  std::set<std::string> out;
  for (const auto& b : m.k8s_bindings)
    if (!b.cluster) out.insert(b.meta.ns);
  return out;
}

// The subject alone: a user or service account without the groups every
// such identity has (changes to those groups are reported for the group).
rbac::UserInfo Identity(const SubjectKey& s) {
  rbac::UserInfo u;
  if (s.kind == "Group") {
    u.groups.push_back(s.name);
  } else {
    u.name = s.Username();
  }
  return u;
}

// Atoms of `now` that `before` does not cover (nor `also`, when given),
// grouped by the binding of `engine` that grants them.
void Gained(const rbac::Engine& engine, const SubjectKey& who, const std::string& ns,
            const std::vector<k8s::PolicyRule>& now, const std::vector<k8s::PolicyRule>& before,
            const std::vector<k8s::PolicyRule>* also, bool added, const Options& opt,
            std::vector<RbacChange>* out) {
  // Per granting binding: objects in first-seen order, each with its verbs.
  struct Group {
    RbacChange change;
    std::vector<std::string> order;
    std::map<std::string, std::vector<std::string>> verbs;
  };
  std::map<std::string, Group> by_binding;
  std::set<std::pair<std::string, std::string>> seen;
  rbac::UserInfo user = Identity(who);
  for (const auto& rule : now) {
    for (const auto& atom : rbac::BreakdownRule(rule)) {
      if (rbac::Covers(before, {atom})) continue;
      if (also != nullptr && rbac::Covers(*also, {atom})) continue;
      std::string object = AtomObject(atom);
      if (!seen.insert({atom.verbs[0], object}).second) continue;
      rbac::Decision d = engine.Authorize(user, AtomRequest(atom, ns));
      std::string via = "(unknown binding)";
      SourceRange where;
      for (const auto& g : d.grants) {
        if (g.superuser) continue;
        const auto& b = engine.model().k8s_bindings[g.binding];
        via = rbac::BindingName(b);
        where = b.subjects[g.subject].where.known() ? b.subjects[g.subject].where : b.meta.where;
        break;
      }
      Group& grp = by_binding[via];
      RbacChange& c = grp.change;
      if (c.subject.empty()) {
        c.added = added;
        c.subject = who.Display();
        c.scope = ns;
        c.via = via;
        c.where = where;
      }
      auto& verbs = grp.verbs[object];
      if (verbs.empty()) grp.order.push_back(object);
      verbs.push_back(atom.verbs[0]);
    }
  }
  for (auto& [_, grp] : by_binding) {
    for (const auto& object : grp.order) {
      if (grp.change.requests.size() >= opt.max_requests) {
        ++grp.change.more;
        continue;
      }
      std::string verbs;
      for (const auto& v : grp.verbs[object]) verbs += (verbs.empty() ? "" : ",") + v;
      grp.change.requests.push_back(verbs + " " + object);
    }
    out->push_back(std::move(grp.change));
  }
}

void RbacDiff(const rbac::Engine& base, const rbac::Engine& head, const Options& opt, Result* r) {
  std::set<SubjectKey> subjects;
  for (const auto& s : Subjects(base)) subjects.insert(s);
  for (const auto& s : Subjects(head)) subjects.insert(s);
  std::set<std::string> namespaces = Namespaces(base.model());
  for (const auto& ns : Namespaces(head.model())) namespaces.insert(ns);
  for (const auto& who : subjects) {
    rbac::UserInfo u = Identity(who);
    auto head_c = rbac::RulesFor(head, u, "");
    auto base_c = rbac::RulesFor(base, u, "");
    Gained(head, who, "", head_c, base_c, nullptr, true, opt, &r->rbac);
    Gained(base, who, "", base_c, head_c, nullptr, false, opt, &r->rbac);
    for (const auto& ns : namespaces) {
      auto head_n = rbac::RulesFor(head, u, ns);
      auto base_n = rbac::RulesFor(base, u, ns);
      if (head_n.size() == head_c.size() && base_n.size() == base_c.size()) continue;  // no RoleBinding applies
      Gained(head, who, ns, head_n, base_n, &head_c, true, opt, &r->rbac);
      Gained(base, who, ns, base_n, head_n, &base_c, false, opt, &r->rbac);
    }
  }
}

// ---- Network --------------------------------------------------------------

struct PodCells {
  std::vector<std::string> names;            // pod endpoint names
  std::vector<SourceRange> where;
  std::map<std::pair<std::string, std::string>, net::PortSet> cells;  // allowed, non-empty
  std::map<std::string, net::PortSet> exposed;                        // from outside
  bool too_big = false;
};

PodCells Cells(net::Engine& e, const Options& opt) {
  PodCells out;
  const auto& eps = e.endpoints();
  std::vector<std::uint32_t> pods;
  for (std::uint32_t i = 0; i < eps.size(); ++i)
    if (eps[i].kind == net::EndpointKind::kPod && e.HasClass(i)) pods.push_back(i);
  for (const auto& x : e.InternetExposures()) {
    const std::string name = eps[x.endpoint].Display();
    net::PortSet& p = out.exposed[name];
    p = p.Union(e.conns().Get(x.conn));
  }
  for (std::uint32_t p : pods) {
    out.names.push_back(eps[p].Display());
    out.where.push_back(eps[p].where);
  }
  if (pods.size() > opt.max_net_pods) {
    out.too_big = true;
    return out;
  }
  std::map<std::uint32_t, std::vector<std::uint32_t>> by_class;
  for (std::uint32_t p : pods) by_class[eps[p].cls].push_back(p);
  e.ClassRows([&](std::uint32_t src, const std::vector<net::ConnTable::Id>& row) {
    auto s = by_class.find(src);
    if (s == by_class.end()) return;
    for (const auto& [dcls, dsts] : by_class) {
      if (dcls >= row.size() || row[dcls] == net::ConnTable::kNone) continue;
      const net::PortSet& ports = e.conns().Get(row[dcls]);
      for (std::uint32_t a : s->second)
        for (std::uint32_t b : dsts) {
          if (a == b) continue;
          out.cells[{eps[a].Display(), eps[b].Display()}] = ports;
        }
    }
  });
  return out;
}

// Big clusters: connections compared between "joint classes", the groups of
// pods (by name) that share their class on both sides. Within a joint
// class every pod is treated alike by both sides' policies, so comparing one
// cell per pair of joint classes is exact, and their number follows the
// classes, not the pods.
void ClassLevelDiff(net::Engine& base, net::Engine& head, const Options& opt, Result* r) {
  struct Side {
    std::map<std::string, std::uint32_t> cls;  // pod name -> class
    std::map<std::string, SourceRange> where;
    std::vector<std::vector<net::ConnTable::Id>> rows;  // class -> row over classes
  };
  auto read = [](net::Engine& e, Side* side) {
    const auto& eps = e.endpoints();
    std::set<std::uint32_t> pod_classes;
    for (std::uint32_t i = 0; i < eps.size(); ++i)
      if (eps[i].kind == net::EndpointKind::kPod && e.HasClass(i)) {
        side->cls[eps[i].Display()] = eps[i].cls;
        side->where[eps[i].Display()] = eps[i].where;
        pod_classes.insert(eps[i].cls);
      }
    side->rows.assign(e.class_count(), {});
    e.ClassRows([&](std::uint32_t src, const std::vector<net::ConnTable::Id>& row) {
      if (pod_classes.count(src)) side->rows[src] = row;
    });
  };
  Side b, h;
  read(base, &b);
  read(head, &h);
  // Joint classes: (base class or none, head class or none) -> names.
  constexpr std::int64_t kNone = -1;
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<std::string>> joint;
  std::set<std::string> names;
  for (const auto& [n, _] : b.cls) names.insert(n);
  for (const auto& [n, _] : h.cls) names.insert(n);
  for (const auto& n : names) {
    auto bi = b.cls.find(n);
    auto hi = h.cls.find(n);
    joint[{bi == b.cls.end() ? kNone : bi->second, hi == h.cls.end() ? kNone : hi->second}].push_back(n);
  }
  auto cell = [](const Side& side, std::int64_t s, std::int64_t d, net::Engine& e) -> net::PortSet {
    if (s == kNone || d == kNone) return net::PortSet::None();
    const auto& row = side.rows[static_cast<std::size_t>(s)];
    if (row.empty()) return net::PortSet::None();
    return e.conns().Get(row[static_cast<std::size_t>(d)]);
  };
  auto label = [](const std::vector<std::string>& members) {
    if (members.size() == 1) return members[0];
    return members[0] + " and " + std::to_string(members.size() - 1) + " more pod" +
           (members.size() > 2 ? "s" : "") + " treated alike";
  };
  std::size_t changes = 0, left_out = 0;
  constexpr std::size_t kMaxChanges = 2000;
  for (const auto& [sk, smembers] : joint)
    for (const auto& [dk, dmembers] : joint) {
      if (sk == dk && smembers.size() == 1) continue;  // a pod to itself
      net::PortSet before = cell(b, sk.first, dk.first, base);
      net::PortSet after = cell(h, sk.second, dk.second, head);
      for (bool added : {true, false}) {
        net::PortSet diff = added ? after.Subtract(before) : before.Subtract(after);
        if (diff.empty()) continue;
        if (changes >= kMaxChanges) {
          ++left_out;
          continue;
        }
        ++changes;
        NetChange c;
        c.added = added;
        c.src = label(smembers);
        c.dst = label(dmembers);
        c.ports = diff.Format();
        const auto& where = added ? h.where : b.where;
        if (auto it = where.find(dmembers[0]); it != where.end()) c.where = it->second;
        r->net.push_back(std::move(c));
      }
    }
  r->notes.push_back("pod-to-pod connections compared between classes of pods treated alike on both sides "
                     "(over " + std::to_string(opt.max_net_pods) + " pods on a side): " +
                     std::to_string(joint.size()) + " classes");
  if (left_out)
    r->notes.push_back(std::to_string(left_out) + " more class-level network changes were left out");
}

void NetDiff(net::Engine& base, net::Engine& head, const Options& opt, Result* r) {
  PodCells b = Cells(base, opt);
  PodCells h = Cells(head, opt);
  std::map<std::string, SourceRange> where_b, where_h;
  for (std::size_t i = 0; i < b.names.size(); ++i) where_b[b.names[i]] = b.where[i];
  for (std::size_t i = 0; i < h.names.size(); ++i) where_h[h.names[i]] = h.where[i];
  auto emit = [&](bool added, const std::string& src, const std::string& dst, const net::PortSet& p,
                  const std::map<std::string, SourceRange>& where) {
    if (p.empty()) return;
    NetChange c;
    c.added = added;
    c.src = src;
    c.dst = dst;
    c.ports = p.Format();
    if (auto it = where.find(dst); it != where.end()) c.where = it->second;
    r->net.push_back(std::move(c));
  };
  // Exposure from outside the cluster.
  for (const auto& [name, ports] : h.exposed) {
    auto it = b.exposed.find(name);
    emit(true, "internet", name, it == b.exposed.end() ? ports : ports.Subtract(it->second), where_h);
  }
  for (const auto& [name, ports] : b.exposed) {
    auto it = h.exposed.find(name);
    emit(false, "internet", name, it == h.exposed.end() ? ports : ports.Subtract(it->second), where_b);
  }
  if (b.too_big || h.too_big) {
    ClassLevelDiff(base, head, opt, r);
    return;
  }
  for (const auto& [pair, ports] : h.cells) {
    auto it = b.cells.find(pair);
    emit(true, pair.first, pair.second, it == b.cells.end() ? ports : ports.Subtract(it->second), where_h);
  }
  for (const auto& [pair, ports] : b.cells) {
    auto it = h.cells.find(pair);
    emit(false, pair.first, pair.second, it == h.cells.end() ? ports : ports.Subtract(it->second), where_b);
  }
}

// ---- IAM ------------------------------------------------------------------

// A canonical text of a statement, without locations: equal texts mean
// equal meaning, so unchanged principals skip the solver.
std::string StatementKey(const iam::Statement& s) {
  std::string k = (s.allow ? "A" : "D") + std::string(s.not_action ? "!" : "") + "|";
  for (const auto& a : s.actions) k += a.value + ",";
  k += std::string("|") + (s.has_resource ? (s.not_resource ? "!" : "+") : "-");
  for (const auto& x : s.resources) k += x.value + ",";
  k += "|";
  for (const auto& c : s.conditions) {
    k += c.op.value + ":" + c.key.value + "=";
    for (const auto& v : c.values) k += v.value + ";";
    k += "&";
  }
  return k;
}

iam::PolicyDocument Merged(const iam::Account& acct, std::size_t principal, std::string* key) {
  iam::PolicyDocument doc;
  doc.version = "2012-10-17";
  std::vector<std::string> keys;
  for (std::size_t pi : acct.IdentityPolicies(principal)) {
    for (const auto& st : acct.model().iam_policies[pi].document.statements) {
      doc.statements.push_back(st);
      keys.push_back(StatementKey(st));
    }
  }
  std::sort(keys.begin(), keys.end());
  for (const auto& k : keys) *key += k + "\n";
  return doc;
}

std::string RequestText(const iam::Request& w) { return w.action + " on " + w.resource; }

void IamDiff(iam::Analysis& base, iam::Analysis& head, const Options& opt, Result* r) {
  const iam::Account& ba = base.account();
  const iam::Account& ha = head.account();
  const Model& hm = ha.model();
  bool any_unknown = false;
  for (std::size_t i = 0; i < hm.iam_principals.size(); ++i) {
    const auto& p = hm.iam_principals[i];
    if (p.type == iam::PrincipalType::kGroup) continue;
    auto j = ba.FindPrincipal(p.arn);
    if (!j) continue;  // new principals: their findings say what they can do
    std::string hk, bk;
    iam::PolicyDocument hd = Merged(ha, i, &hk);
    iam::PolicyDocument bd = Merged(ba, *j, &bk);
    if (hk == bk) continue;
    for (bool added : {true, false}) {
      auto res = added ? iam::smt::Difference(hd, bd, iam::PolicyRole::kIdentity, {opt.solver_ms})
                       : iam::smt::Difference(bd, hd, iam::PolicyRole::kIdentity, {opt.solver_ms});
      if (res.sat == iam::smt::Sat::kUnsat) continue;
      IamChange c;
      c.added = added;
      c.principal = p.arn;
      c.unknown = res.sat == iam::smt::Sat::kUnknown;
      any_unknown |= c.unknown;
      c.request = c.unknown ? "" : RequestText(res.witness);
      c.where = added ? p.where : ba.model().iam_principals[*j].where;
      r->iam.push_back(std::move(c));
    }
  }
  if (any_unknown) r->notes.push_back("some IAM differences are undecided within the solver time limit");
  r->notes.push_back(
      "IAM: identity policies are compared per principal present on both sides; permission boundaries, "
      "SCPs and resource policies are not part of the comparison (their findings are)");
}

}  // namespace

Result Compare(const AnalysisContext& base, const AnalysisContext& head, const Options& options) {
  Result r;
  RbacDiff(base.rbac(), head.rbac(), options, &r);
  if (!base.model().k8s_workloads.empty() || !head.model().k8s_workloads.empty())
    NetDiff(base.Net(), head.Net(), options, &r);
  if (!base.model().iam_principals.empty() && !head.model().iam_principals.empty())
    IamDiff(base.Iam(), head.Iam(), options, &r);
  return r;
}

}  // namespace grantpath::change
