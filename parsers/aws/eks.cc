#include "aws/eks.h"

#include "common/fields.h"

namespace grantpath::parsers {
namespace {

std::string Text(const DocNode* n) { return n && n->is_scalar() ? n->text : std::string(); }

eks::AccessEntry& EntryFor(Model& model, const std::string& principal, const std::string& cluster) {
  for (auto& e : model.eks_access_entries)
    if (e.principal_arn == principal && e.cluster == cluster) return e;
  model.eks_access_entries.push_back({});
  auto& e = model.eks_access_entries.back();
  e.principal_arn = principal;
  e.cluster = cluster;
  return e;
}

}  // namespace

bool LooksLikeEks(const DocNode& root) {
  if (!root.is_map()) return false;
  if (const DocNode* c = root.Find("cluster"); c && c->is_map() && c->Find("arn") && c->Find("name")) return true;
  if (const DocNode* a = root.Find("association"); a && a->is_map() && a->Find("serviceAccount")) return true;
  if (const DocNode* a = root.Find("accessEntry"); a && a->is_map() && a->Find("principalArn")) return true;
  return root.Find("associatedAccessPolicies") && root.Find("principalArn");
}

std::size_t ParseEksDocument(const DocNode& root, FileId file, Model& model, DiagnosticSink& sink) {
  if (const DocNode* c = root.Find("cluster"); c && c->is_map()) {
    eks::Cluster cl;
    cl.name = Text(c->Find("name"));
    cl.arn = Text(c->Find("arn"));
    cl.where = At(file, c->pos);
    if (const DocNode* id = c->Find("identity"); id && id->is_map())
      if (const DocNode* oidc = id->Find("oidc"); oidc && oidc->is_map())
        if (const DocNode* iss = oidc->Find("issuer"); iss && iss->is_scalar()) {
          std::string v = iss->text;
          if (v.rfind("https://", 0) == 0) v = v.substr(8);
          while (!v.empty() && v.back() == '/') v.pop_back();
          cl.oidc_issuer = v;
          cl.issuer_where = At(file, iss->pos);
        }
    if (const DocNode* vc = c->Find("resourcesVpcConfig"); vc && vc->is_map()) {
      if (const DocNode* pub = vc->Find("endpointPublicAccess")) {
        cl.endpoint_public = ScalarBool(*pub).value_or(false);
        cl.endpoint_where = At(file, pub->pos);
      }
      if (const DocNode* prv = vc->Find("endpointPrivateAccess")) cl.endpoint_private = ScalarBool(*prv).value_or(false);
      if (const DocNode* cidrs = vc->Find("publicAccessCidrs"); cidrs && cidrs->is_seq())
        for (const auto& x : cidrs->items)
          if (x.is_scalar()) cl.public_access_cidrs.push_back(x.text);
      // Public without a list means AWS's default: every address.
      if (cl.endpoint_public && cl.public_access_cidrs.empty()) cl.public_access_cidrs.push_back("0.0.0.0/0");
    }
    model.eks_clusters.push_back(std::move(cl));
    return 1;
  }
  if (const DocNode* a = root.Find("association"); a && a->is_map()) {
    eks::PodIdentityAssociation p;
    p.cluster = Text(a->Find("clusterName"));
    p.association_arn = Text(a->Find("associationArn"));
    p.ns = Text(a->Find("namespace"));
    p.service_account = Text(a->Find("serviceAccount"));
    p.role_arn = Text(a->Find("roleArn"));
    p.target_role_arn = Text(a->Find("targetRoleArn"));
    if (const DocNode* d = a->Find("disableSessionTags")) p.disable_session_tags = ScalarBool(*d).value_or(false);
    p.where = At(file, a->pos);
    if (p.role_arn.empty() || p.ns.empty() || p.service_account.empty()) {
      sink.Warning("missing-field",
                   "Pod Identity association without roleArn, namespace or serviceAccount (list output lacks "
                   "roleArn: use describe-pod-identity-association); ignored",
                   p.where);
      return 0;
    }
    model.eks_pod_identities.push_back(std::move(p));
    return 1;
  }
  if (const DocNode* a = root.Find("accessEntry"); a && a->is_map()) {
    std::string principal = Text(a->Find("principalArn"));
    eks::AccessEntry& e = EntryFor(model, principal, Text(a->Find("clusterName")));
    e.username = Text(a->Find("username"));
    e.type = Text(a->Find("type"));
    e.where = At(file, a->pos);
    if (const DocNode* g = a->Find("kubernetesGroups"); g && g->is_seq())
      for (const DocNode& x : g->items)
        if (x.is_scalar()) e.groups.push_back(x.text);
    return 1;
  }
  std::string principal = Text(root.Find("principalArn"));
  eks::AccessEntry& e = EntryFor(model, principal, Text(root.Find("clusterName")));
  if (!e.where.known()) e.where = At(file, root.pos);
  if (const DocNode* list = root.Find("associatedAccessPolicies"); list && list->is_seq()) {
    for (const DocNode& p : list->items) {
      if (!p.is_map()) continue;
      eks::AccessPolicy ap;
      ap.policy_arn = Text(p.Find("policyArn"));
      ap.where = At(file, p.pos);
      if (const DocNode* scope = p.Find("accessScope"); scope && scope->is_map()) {
        ap.cluster_scope = Text(scope->Find("type")) != "namespace";
        if (const DocNode* ns = scope->Find("namespaces"); ns && ns->is_seq())
          for (const DocNode& x : ns->items)
            if (x.is_scalar()) ap.namespaces.push_back(x.text);
      }
      e.policies.push_back(std::move(ap));
    }
  }
  return 1;
}

}  // namespace grantpath::parsers
