#include "aws/ec2_focus.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace grantpath::parsers {

namespace {

// The first '"' in [p, end), or end. (Strings in these exports are short:
// an inline 16-byte scan beats a call to memchr.)
const char* FindQuote(const char* p, const char* end) {
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"');
  for (; end - p >= 16; p += 16) {
    int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), quote));
    if (mask) return p + __builtin_ctz(static_cast<unsigned>(mask));
  }
#endif
  for (; p < end; ++p)
    if (*p == '"') return p;
  return end;
}

bool Is(std::string_view s, std::string_view what) {
  return s.size() == what.size() && std::memcmp(s.data(), what.data(), s.size()) == 0;
}

// The first root key of a JSON object's text.
std::string_view FirstKey(std::string_view text) {
  std::size_t i = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (i == std::string_view::npos || text[i] != '{') return {};
  i = text.find_first_not_of(" \t\r\n", i + 1);
  if (i == std::string_view::npos || text[i] != '"') return {};
  std::size_t end = text.find('"', i + 1);
  if (end == std::string_view::npos) return {};
  return text.substr(i + 1, end - i - 1);
}

int StageOfKey(std::string_view key) {
  if (key == "NetworkInterfaces" || key == "Reservations") return Ec2Focus::kInterfaces;
  if (key == "SecurityGroups") return Ec2Focus::kGroups;
  return 0;
}

// An IPv4 address written other than as the exports write it (a leading
// zero: "10.0.01.5").
bool NonCanonicalIpv4(const std::string& e) {
  if (e.empty() || e.find_first_not_of("0123456789./") != std::string::npos) return false;
  for (std::size_t i = 0; i + 1 < e.size(); ++i)
    if (e[i] == '0' && (i == 0 || e[i - 1] == '.' || e[i - 1] == '/') && std::isdigit(static_cast<unsigned char>(e[i + 1])))
      return true;
  return false;
}

}  // namespace

Ec2Focus::Ec2Focus(const std::vector<std::string>& endpoints) {
  for (const auto& e : endpoints) {
    if (e == "internet") continue;
    if (e.empty() || e.find(':') != std::string::npos || e.find('"') != std::string::npos ||
        e.find('\\') != std::string::npos || NonCanonicalIpv4(e)) {
      enabled_ = false;
      return;
    }
    Add(e);
  }
}

void Ec2Focus::Add(const std::string& needle) {
  if (needle.empty()) return;
  needles_.insert(needle);
  if (lengths_.size() <= needle.size()) lengths_.resize(needle.size() + 1, 0);
  lengths_[needle.size()] = 1;
}

void Ec2Focus::AddFromModel(int stage, const Model& m) {
  auto add = [&](const std::string& s) { Add(s); };
  if (stage == kInterfaces) {
    for (const auto& t : m.aws_route_tables)
      for (const auto& r : t.routes)
        if (r.target.rfind("i-", 0) == 0 || r.target.rfind("eni-", 0) == 0) add(r.target);
    for (const auto& t : m.aws_targets) add(t.id);
    for (const auto& a : m.aws_addresses) {
      add(a.interface);
      add(a.instance);
      add(a.private_ip);
    }
    for (const auto& v : m.aws_vpc_endpoints)
      for (const auto& i : v.interfaces) add(i);
  } else if (stage == kGroups) {
    // The groups carried by what was read: an interface's groups decide
    // its traffic; a rule's reference to a group is matched against the
    // peer's own list, so the referenced group's rules are not needed.
    for (const auto& i : m.aws_interfaces)
      for (const auto& g : i.groups) add(g);
    for (const auto& i : m.aws_instances)
      for (const auto& g : i.groups) add(g);
    for (const auto& lb : m.aws_load_balancers)
      for (const auto& g : lb.groups) add(g);
    for (const auto& u : m.aws_group_uses) add(u.group);
  }
  stage_ = stage;
}

bool Ec2Focus::Keep(std::string_view list_key, std::string_view element) const {
  int stage = StageOfKey(list_key);
  if (stage == 0 || stage > stage_) return true;
  // Every id and address is a whole JSON string: one pass over the
  // element's strings, each looked up by its length first. An interface
  // AWS owns is kept too: its InterfaceType is not "interface", or its
  // Description names a load balancer ("ELB app/...", "ELB net/...").
  bool interfaces = list_key == "NetworkInterfaces";
  std::string_view previous;
  const char* p = element.data();
  const char* end = p + element.size();
  for (;;) {
    const char* open = FindQuote(p, end);
    if (open == end) break;
    const char* close = open + 1;
    bool escaped = false;
    for (;;) {
      close = FindQuote(close, end);
      if (close == end) return false;  // not reached on checked JSON
      std::size_t backslashes = 0;
      for (const char* b = close - 1; b > open && *b == '\\'; --b) ++backslashes;
      if (backslashes % 2 == 0) break;
      escaped = true;
      ++close;
    }
    std::string_view text(open + 1, static_cast<std::size_t>(close - open - 1));
    if (!escaped && text.size() < lengths_.size() && lengths_[text.size()] && needles_.count(text)) return true;
    if (interfaces) {
      if (Is(previous, "InterfaceType") && !Is(text, "interface")) return true;
      if (Is(previous, "Description") && text.size() >= 4 && std::memcmp(text.data(), "ELB ", 4) == 0) return true;
    }
    previous = text;
    p = close + 1;
  }
  return false;
}

int Ec2Focus::StageOf(std::string_view text) { return StageOfKey(FirstKey(text.substr(0, 4096))); }

void Ec2Focus::Apply(const std::shared_ptr<Ec2Focus>& focus, LoadOptions& options) {
  if (!focus || !focus->enabled()) return;
  options.limits.keep_list_element = [focus](std::string_view key, std::string_view element) {
    return focus->Keep(key, element);
  };
  options.defer_stage = [](std::string_view text) { return StageOf(text); };
  options.before_stage = [focus](int stage, const Model& model) { focus->AddFromModel(stage, model); };
}

}  // namespace grantpath::parsers
