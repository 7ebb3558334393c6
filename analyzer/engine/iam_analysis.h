// What the IAM rules share: the subjects to judge (principals of the input
// and standalone identity policies), their effective permissions over the
// action catalog, confirmed requests with witnesses, and the role
// assumption graph.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/iam_eval.h"
#include "engine/iam_smt.h"
#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"

namespace grantpath::iam {

/// A bit per catalog action.
class ActionBits {
 public:
  ActionBits() = default;
  explicit ActionBits(std::size_t n) : words_((n + 63) / 64, 0), n_(n) {}
  void Set(std::uint32_t i) { words_[i / 64] |= 1ULL << (i % 64); }
  bool Test(std::uint32_t i) const { return (words_[i / 64] >> (i % 64)) & 1ULL; }
  void Or(const ActionBits& o);
  void AndNot(const ActionBits& o);
  void And(const ActionBits& o);
  std::size_t Count() const;
  bool All() const { return Count() == n_; }

 private:
  std::vector<std::uint64_t> words_;
  std::size_t n_ = 0;
};

/// Who a rule judges: a user, group or role of the input, or a standalone
/// identity policy document (what a holder of only that policy may do).
struct Subject {
  enum class Kind : std::uint8_t { kPrincipal, kPolicy } kind = Kind::kPrincipal;
  std::size_t index = 0;  // Model::iam_principals or Model::iam_policies
  std::string display;    // "user 'alice'", "policy 'ReadOnlyAccess'"
  std::string entity;     // stable id for fingerprints
  SourceRange where;
  /// Effective permissions over the catalog: `any` on some resource (allow
  /// statements whose conditions may hold, less unconditional denies on
  /// every resource, within the boundary); `star` on every resource.
  ActionBits any, star;
  bool open_world = false;  // an allow that also grants actions no catalog lists
};

/// A request confirmed allowed for a subject, with the statements that
/// allow it and the context it needs (empty when none).
struct Grant {
  Request request;
  bool conditional = false;
  std::vector<StatementRef> statements;  // allow statements
};

/// Limits on the solver for a whole analysis: each question gets at most
/// `query_ms`, and all questions together `budget_ms` (wall clock). Past
/// the budget a question is not asked: it is reported `undecided` at its
/// location and no finding rests on it.
struct SolverLimits {
  unsigned query_ms = 2000;
  unsigned budget_ms = 120000;
};

class Analysis {
 public:
  /// Reports IAM diagnostics (unsupported operators, ambiguous patterns,
  /// unresolved references) to `sink`.
  Analysis(const Model& model, DiagnosticSink& sink);
  ~Analysis();

  const Account& account() const { return *account_; }
  const std::vector<Subject>& subjects() const { return subjects_; }

  /// Whether the subject may perform `action` on some resource, with a
  /// witness. Resources tried: `resources` in order, then instances of the
  /// allowing statements' Resource patterns. Concrete evaluation first,
  /// then the solver over contexts. nullopt when not allowed.
  std::optional<Grant> Confirm(const Subject& s, const std::string& action,
                               const std::vector<std::string>& resources) const;

  /// The account id of a principal subject, or "123456789012" (a
  /// placeholder for standalone policies).
  std::string AccountOf(const Subject& s) const;

  /// For each principal: its shortest role-assumption path to an
  /// admin-equivalent principal, as the first hop (identity allow AND trust
  /// policy, confirmed) and the distance (0: admin itself; -1: none).
  struct Hop {
    int distance = -1;
    std::size_t next = 0;  // the role assumed first
    Grant grant;           // the sts:AssumeRole request, confirmed
  };
  const std::vector<Hop>& AdminPaths() const;

  /// Subjects (indices) that are admin-equivalent, confirmed.
  const std::vector<bool>& Admins() const;

  void SetSolverLimits(SolverLimits limits) { limits_ = limits; }
  /// The options for one more solver question, or nullopt when the budget
  /// is spent (then `what` is reported undecided at `where`).
  std::optional<smt::Options> SolverTurn(const std::string& what, SourceRange where) const;
  /// Charges the time a question took to the budget.
  void SolverSpent(double ms) const { solver_spent_ms_ += ms; }

 private:
  std::optional<Grant> ConfirmUncached(const Subject& s, const std::string& action,
                                       const std::vector<std::string>& resources) const;
  const Model& model_;
  DiagnosticSink& sink_;
  std::unique_ptr<Account> account_;
  std::vector<Subject> subjects_;
  mutable std::optional<std::vector<Hop>> hops_;
  mutable std::optional<std::vector<bool>> admins_;
  // Confirm() answers by (subject, action, resources).
  mutable std::map<std::string, std::optional<Grant>> confirmed_;
  SolverLimits limits_;
  mutable double solver_spent_ms_ = 0;
};

/// Instantiates an ARN pattern into a concrete resource: wildcards become
/// "grantpath-example" (or "x" for '?'), variables "grantpath-other".
std::string ExampleResource(const std::string& pattern, const std::string& account);

/// The witness fields of a grant (kind "iam-request").
void GrantWitness(const Grant& g, std::vector<std::pair<std::string, std::string>>* fields);

}  // namespace grantpath::iam
