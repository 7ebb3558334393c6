#!/usr/bin/env bash
# Creates the four pieces of a new rule: analyzer/rules/<domain>/<id>.cc (a
# skeleton to fill in), its line in rules/registry.{h,cc} in sorted position,
# its entry in analyzer/CMakeLists.txt, and tests/rules/<id>/ with a positive
# and a negative fixture. The doc page comes from scripts/gen_rule_docs.py
# once RULE_FACTS has the rule's entry.
# Usage: scripts/new_rule.sh <id>      e.g. scripts/new_rule.sh rbac-pod-portforward
set -euo pipefail
cd "$(dirname "$0")/.."
id=${1:?usage: scripts/new_rule.sh <id>}
[[ $id =~ ^(rbac|iam|netpol|path|k8s|aws|compose|overlay|cilium|calico)-[a-z0-9]+(-[a-z0-9]+)*$ ]] || { echo "id must be kebab-case with a domain prefix (rbac-, iam-, netpol-, path-)"; exit 2; }
domain=${id%%-*}
file=${id//-/_}
factory="Make$(echo "$id" | awk -F- '{for (i=1;i<=NF;i++) printf toupper(substr($i,1,1)) substr($i,2)}')"
src=analyzer/rules/$domain/$file.cc
[ -e "$src" ] && { echo "$src exists"; exit 2; }
mkdir -p "analyzer/rules/$domain" "tests/rules/$id"
cat > "$src" <<CC
// $id: see docs/rules/$id.md
#include "rules/registry.h"

namespace grantpath::rules {
namespace {

constexpr RuleInfo kInfo{
    "$id", "TODO title", Severity::kMedium,
    "TODO what it detects and why it matters.",
    "TODO how to fix."};

class Rule_ final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }
  void Check(const AnalysisContext& ctx, FindingSink& out) const override {
    (void)ctx;
    (void)out;  // TODO: emit findings with a location, related locations and a witness
  }
};

}  // namespace

std::unique_ptr<Rule> $factory() { return std::make_unique<Rule_>(); }

}  // namespace grantpath::rules
CC
/usr/bin/python3 - "$id" "$factory" "$domain/$file.cc" <<'PY'
import re, sys
rid, factory, rel = sys.argv[1:]
def insert_sorted(path, pattern, line, key):
    lines = open(path).read().split("\n")
    idx = [i for i, l in enumerate(lines) if re.search(pattern, l)]
    pos = next((i for i in idx if key(lines[i]) > key(line)), idx[-1] + 1)
    lines.insert(pos, line)
    open(path, "w").write("\n".join(lines))
insert_sorted("analyzer/rules/registry.h", r"^std::unique_ptr<Rule> Make", "std::unique_ptr<Rule> %s();" % factory, lambda l: l)
insert_sorted("analyzer/rules/registry.cc", r"r\.push_back\(Make", "    r.push_back(%s());" % factory, lambda l: l.strip())
insert_sorted("analyzer/CMakeLists.txt", r"^  rules/", "  rules/" + rel, lambda l: l.strip())
PY
cat > "tests/rules/$id/positive.yaml" <<YAML
# TODO: an input that must produce the finding; put
# "# expect: $id" on the line above the node the finding points at.
YAML
cat > "tests/rules/$id/negative.yaml" <<YAML
# TODO: a near miss that must not produce the finding.
YAML
echo "created $src, tests/rules/$id/; add RULE_FACTS[\"$id\"] to scripts/gen_rule_docs.py and run it"
