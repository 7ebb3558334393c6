#include "net/intents.h"

#include "common/fields.h"
#include "grantpath/spell.h"
#include "k8s/k8s_objects.h"

namespace grantpath::parsers {
namespace {

intents::Selector ParseSelector(const DocNode& node, FileId file, Fields& f) {
  intents::Selector s;
  if (!node.is_map()) {
    f.WrongType(node, "selector", "a map");
    return s;
  }
  for (const auto& e : node.entries) {
    s.any = false;
    if (e.key == "namespace") {
      s.ns = f.Str(node, "namespace");
    } else if (e.key == "namespaceSelector") {
      s.ns_sel = ParseLabelSelector(e.value, f);
    } else if (e.key == "podSelector") {
      s.pod_sel = ParseLabelSelector(e.value, f);
    } else if (e.key == "workload") {
      s.workload = Located<std::string>{f.Str(node, "workload").value_or(""), At(file, e.value.pos)};
    } else if (e.key == "cidr") {
      s.cidr = Located<std::string>{f.Str(node, "cidr").value_or(""), At(file, e.value.pos)};
    } else if (e.key == "internet") {
      s.internet = f.Bool(node, "internet").value_or(false);
    } else {
      f.Invalid(e.value, "unknown selector field '" + e.key + "'" +
                             DidYouMean(e.key, {"namespace", "namespaceSelector", "podSelector", "workload", "cidr",
                                                "internet"}));
    }
  }
  return s;
}

}  // namespace

std::vector<intents::Intent> ParseIntents(const DocNode& root, FileId file, DiagnosticSink& sink) {
  std::vector<intents::Intent> out;
  Fields top(file, sink, "intents file");
  const DocNode* list = root.is_map() ? top.Seq(root, "intents") : nullptr;
  if (list == nullptr) {
    if (top.ok()) sink.Error("invalid-intents", "an intents file needs a top-level 'intents:' list", At(file, root.pos));
    return out;
  }
  for (const DocNode& item : list->items) {
    std::string label = "intent";
    if (item.is_map())
      if (const DocNode* n = item.Find("name"); n && n->is_scalar()) label = "intent '" + n->text + "'";
    Fields f(file, sink, label);
    if (!item.is_map()) {
      f.WrongType(item, "intents", "a list of intents");
      continue;
    }
    intents::Intent in;
    in.where = At(file, item.pos);
    in.name = f.Required(item, "name");
    if (const DocNode* n = item.Find("from")) in.from = ParseSelector(*n, file, f);
    if (const DocNode* n = item.Find("to")) in.to = ParseSelector(*n, file, f);
    if (const DocNode* n = item.Find("allowOnlyFrom")) {
      in.only_from = ParseSelector(*n, file, f);
      in.has_only = true;
    }
    in.expect = f.Str(item, "expect").value_or("");
    if (f.ok() && !in.has_only && in.expect != "allow" && in.expect != "deny")
      f.Invalid(item, "an intent needs 'expect: allow', 'expect: deny' or 'allowOnlyFrom'");
    if (f.ok() && in.has_only && !in.expect.empty()) f.Invalid(item, "'allowOnlyFrom' and 'expect' cannot be combined");
    if (const DocNode* ports = f.Seq(item, "ports"))
      for (const DocNode& p : ports->items) {
        if (!p.is_scalar()) {
          f.WrongType(p, "ports", "a list of port texts");
          continue;
        }
        in.ports.push_back({p.text, At(file, p.pos)});
      }
    for (const auto& en : item.entries)
      if (en.key != "name" && en.key != "from" && en.key != "to" && en.key != "allowOnlyFrom" && en.key != "expect" &&
          en.key != "ports" && en.key != "description")
        f.Invalid(en.value, "unknown intent field '" + en.key + "'" +
                                DidYouMean(en.key, {"name", "from", "to", "allowOnlyFrom", "expect", "ports", "description"}));
    if (f.ok()) out.push_back(std::move(in));
  }
  return out;
}

}  // namespace grantpath::parsers
