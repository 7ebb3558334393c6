#include "docker/compose.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/fields.h"

namespace grantpath::parsers {
namespace {

using docker::Attachment;
using docker::Network;
using docker::Project;
using docker::Publish;
using docker::Service;

// Compose interpolation: ${VAR:-default} and ${VAR-default} give the
// default; ${VAR}, ${VAR:?err} and $VAR are unknown offline (empty, and
// `unresolved` is set). `$$` is a literal `$`.
std::string Interpolate(const std::string& in, bool* unresolved) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '$') {
      out += in[i];
      continue;
    }
    if (i + 1 < in.size() && in[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (i + 1 < in.size() && in[i + 1] == '{') {
      std::size_t close = in.find('}', i + 2);
      if (close == std::string::npos) {
        out += in.substr(i);
        break;
      }
      std::string body = in.substr(i + 2, close - i - 2);
      std::size_t op = body.find_first_of(":-?+");
      if (op != std::string::npos && (body.compare(op, 2, ":-") == 0 || body[op] == '-')) {
        out += body.substr(op + (body[op] == ':' ? 2 : 1));
      } else {
        *unresolved = true;
      }
      i = close;
      continue;
    }
    std::size_t j = i + 1;
    while (j < in.size() && (std::isalnum(static_cast<unsigned char>(in[j])) || in[j] == '_')) ++j;
    if (j == i + 1) {
      out += '$';
      continue;
    }
    *unresolved = true;
    i = j - 1;
  }
  return out;
}

bool ParsePort(const std::string& s, std::uint16_t* lo, std::uint16_t* hi) {
  if (s.empty()) return false;
  std::size_t dash = s.find('-');
  auto num = [](const std::string& t, std::uint16_t* v) {
    if (t.empty() || t.size() > 5) return false;
    for (char c : t)
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    int n = std::stoi(t);
    if (n < 1 || n > 65535) return false;
    *v = static_cast<std::uint16_t>(n);
    return true;
  };
  if (dash == std::string::npos) {
    if (!num(s, lo)) return false;
    *hi = *lo;
    return true;
  }
  return num(s.substr(0, dash), lo) && num(s.substr(dash + 1), hi) && *lo <= *hi;
}

bool KnownProtocol(const std::string& p) { return p == "tcp" || p == "udp" || p == "sctp"; }

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string FolderName(const std::string& path) {
  std::string p = path;
  std::size_t slash = p.find_last_of('/');
  if (slash == std::string::npos) return ".";
  p = p.substr(0, slash);
  slash = p.find_last_of('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

class ComposeReader {
 public:
  ComposeReader(FileId file, const std::string& path, Model& model, DiagnosticSink& sink)
      : file_(file), path_(path), model_(model), sink_(sink) {}

  std::size_t Read(const DocNode& root) {
    Fields top(file_, sink_, "Compose file");
    Project p;
    p.file_path = path_;
    p.where = At(file_, root.pos);
    if (const DocEntry* n = root.FindEntry("name"); n && n->value.is_scalar()) {
      bool unresolved = false;
      std::string v = Interpolate(n->value.text, &unresolved);
      p.name = NormalizeProjectName(v);
      p.name_where = At(file_, n->value.pos);
      if (unresolved || p.name.empty()) {
        sink_.Warning("compose-unresolved", "project name '" + n->value.text +
                      "' uses a variable with no default; the folder's name is used", p.name_where);
        p.name.clear();
      }
    }
    if (p.name.empty()) p.name = NormalizeProjectName(FolderName(path_));
    if (p.name.empty()) p.name = "default";
    project_ = p.name;

    // Networks first: services refer to them.
    const DocNode* nets = top.Map(root, "networks");
    if (nets)
      for (const auto& e : nets->entries) ReadNetwork(e);
    const DocNode* services = top.Map(root, "services");
    if (!services) return 0;
    for (const auto& e : services->entries) service_names_.insert(e.key);
    for (const auto& e : services->entries) ReadService(e);

    // A stack: deploy settings that only Swarm reads, or an overlay network.
    for (const auto& n : networks_)
      if (n.driver == "overlay" && p.swarm_why.empty()) {
        p.swarm = true;
        p.swarm_why = "network '" + n.key + "' uses the overlay driver";
      }
    bool uses_default = false;
    for (const auto& s : services_) uses_default |= s.implicit_default;
    for (const auto& s : services_)
      for (const auto& a : s.networks) uses_default |= a.network == "default";
    bool declared_default = false;
    for (const auto& n : networks_) declared_default |= n.key == "default";
    if (uses_default && !declared_default) {
      Network d;
      d.project = project_;
      d.key = "default";
      d.name = project_ + "_default";
      d.implicit = true;
      d.where = At(file_, services ? root.FindEntry("services")->key_pos : root.pos);
      networks_.push_back(std::move(d));
    }
    if (!stack_why_.empty() && p.swarm_why.empty()) p.swarm_why = stack_why_;
    if (!p.swarm_why.empty()) p.swarm = true;
    if (p.swarm)
      for (auto& n : networks_)
        if (n.driver.empty() && !n.external) n.driver = "overlay";  // docker stack deploy's default
    std::size_t added = 1 + networks_.size() + services_.size();
    model_.docker_projects.push_back(std::move(p));
    for (auto& n : networks_) model_.docker_networks.push_back(std::move(n));
    for (auto& s : services_) model_.docker_services.push_back(std::move(s));
    return added;
  }

 private:
  void Error(const std::string& message, SourcePos pos) { sink_.Error("compose-invalid", message, At(file_, pos)); }

  void ReadNetwork(const DocEntry& e) {
    Network n;
    n.project = project_;
    n.key = e.key;
    n.where = At(file_, e.key_pos);
    if (!e.value.is_null() && !e.value.is_map()) {
      Error("network '" + e.key + "' must be a map, got " + std::string(e.value.Describe()), e.value.pos);
      return;
    }
    std::string explicit_name;
    if (e.value.is_map()) {
      Fields f(file_, sink_, "network '" + e.key + "'");
      if (auto d = f.Str(e.value, "driver")) {
        n.driver = *d;
        n.driver_where = At(file_, e.value.FindEntry("driver")->key_pos);
      }
      if (const DocEntry* in = e.value.FindEntry("internal")) {
        n.internal = ScalarBool(in->value).value_or(false);
        n.internal_where = At(file_, in->key_pos);
      }
      n.attachable = f.Bool(e.value, "attachable").value_or(false);
      if (const DocNode* ext = e.value.Find("external")) {
        // `external: true`, or the legacy `external: {name: X}`.
        if (ext->is_map()) {
          n.external = true;
          if (auto nm = f.Str(*ext, "name")) explicit_name = *nm;
        } else {
          n.external = ScalarBool(*ext).value_or(false);
        }
      }
      if (auto nm = f.Str(e.value, "name")) explicit_name = *nm;
      if (const DocNode* opts = e.value.Find("driver_opts"); opts && opts->is_map()) {
        for (const auto& o : opts->entries) {
          if (o.key == "encrypted") {
            // Any value turns encryption on (`--opt encrypted`); only an
            // explicit false-like value is read as off.
            auto b = ScalarBool(o.value);
            n.encrypted = !(b && !*b);
            n.encrypted_where = At(file_, o.key_pos);
          } else if (o.key == "com.docker.network.bridge.enable_icc") {
            auto b = ScalarBool(o.value);
            n.icc_disabled = b && !*b;
          }
        }
      }
    }
    if (!explicit_name.empty()) {
      bool unresolved = false;
      n.name = Interpolate(explicit_name, &unresolved);
    } else {
      n.name = n.external ? n.key : project_ + "_" + n.key;
    }
    declared_.insert(n.key);
    networks_.push_back(std::move(n));
  }

  void ReadService(const DocEntry& e) {
    if (!e.value.is_map()) {
      Error("service '" + e.key + "' must be a map, got " + std::string(e.value.Describe()), e.value.pos);
      return;
    }
    Fields f(file_, sink_, "service '" + e.key + "'");
    Service s;
    s.project = project_;
    s.name = e.key;
    s.where = At(file_, e.key_pos);
    s.image = f.Str(e.value, "image").value_or("");
    s.container_name = f.Str(e.value, "container_name").value_or("");
    s.privileged = f.Bool(e.value, "privileged").value_or(false);
    if (s.privileged) s.privileged_where = At(file_, e.value.FindEntry("privileged")->key_pos);
    if (const DocNode* vols = e.value.Find("volumes"); vols && vols->is_seq())
      for (const auto& v : vols->items) {
        std::string source;
        if (v.is_scalar()) source = v.text.substr(0, v.text.find(':'));
        else if (const DocNode* src = v.Find("source"); src && src->is_scalar()) source = src->text;
        if (source == "/var/run/docker.sock" || source == "/run/docker.sock") s.docker_socket = At(file_, v.pos);
      }
    if (const DocEntry* nm = e.value.FindEntry("network_mode"); nm && nm->value.is_scalar()) {
      s.network_mode = nm->value.text;
      s.network_mode_where = At(file_, nm->value.pos);
      const std::string& m = s.network_mode;
      if (m.rfind("service:", 0) == 0) {
        std::string target = m.substr(8);
        if (!service_names_.count(target))
          Error("service '" + e.key + "' uses network_mode '" + m + "' but there is no service '" + target + "'",
                nm->value.pos);
      } else if (m != "host" && m != "none" && m != "bridge" && m.rfind("container:", 0) != 0) {
        // A named network (`network_mode: mynet`) is accepted by the engine.
        sink_.Note("compose-network-mode", "network_mode '" + m + "' names a network outside this file",
                   At(file_, nm->value.pos));
      }
    }
    if (const DocEntry* ns = e.value.FindEntry("networks")) {
      if (!s.network_mode.empty())
        Error("service '" + e.key + "' sets both network_mode and networks; Compose rejects this", ns->key_pos);
      auto attach = [&](const std::string& key, SourcePos pos) {
        if (key != "default" && !declared_.count(key)) {
          Error("service '" + e.key + "' refers to undefined network '" + key + "'", pos);
          return;
        }
        s.networks.push_back(Attachment{key, At(file_, pos)});
      };
      if (ns->value.is_seq()) {
        for (const auto& x : ns->value.items)
          if (x.is_scalar()) attach(x.text, x.pos);
      } else if (ns->value.is_map()) {
        for (const auto& x : ns->value.entries) attach(x.key, x.key_pos);
      } else if (!ns->value.is_null()) {
        Error("'networks' of service '" + e.key + "' must be a list or a map", ns->value.pos);
      }
    }
    if (s.network_mode.empty() && !e.value.FindEntry("networks")) s.implicit_default = true;
    if (const DocNode* ports = e.value.Find("ports")) {
      if (ports->is_seq())
        for (const auto& x : ports->items) ReadPort(x, &s);
      else if (!ports->is_null())
        Error("'ports' of service '" + e.key + "' must be a list", ports->pos);
    }
    if (const DocNode* ex = e.value.Find("expose"); ex && ex->is_seq())
      for (const auto& x : ex->items)
        if (x.is_scalar()) s.expose.push_back({x.text, At(file_, x.pos)});
    if (const DocNode* d = e.value.Find("deploy"); d && d->is_map()) {
      s.has_deploy = true;
      if (auto r = f.Int(*d, "replicas")) s.replicas = *r;
      s.deploy_mode = f.Str(*d, "mode").value_or("");
      for (const char* k : {"placement", "mode", "replicas", "update_config", "rollback_config", "endpoint_mode"})
        if (d->Find(k) && stack_why_.empty())
          stack_why_ = "service '" + e.key + "' sets deploy." + k + ", which Swarm reads";
    }
    services_.push_back(std::move(s));
  }

  void ReadPort(const DocNode& x, Service* s) {
    Publish pub;
    pub.where = At(file_, x.pos);
    if (x.is_map()) {
      Fields f(file_, sink_, "port of service '" + s->name + "'");
      const DocNode* target = x.Find("target");
      bool unresolved = false;
      std::string t = target && target->is_scalar() ? Interpolate(target->text, &unresolved) : "";
      if (!ParsePort(t, &pub.target_lo, &pub.target_hi)) {
        Error("port of service '" + s->name + "' needs a 'target' container port (1-65535)", x.pos);
        return;
      }
      if (const DocNode* pb = x.Find("published"); pb && pb->is_scalar()) {
        bool u = false;
        std::string v = Interpolate(pb->text, &u);
        if (!v.empty() && !ParsePort(v, &pub.published_lo, &pub.published_hi)) {
          Error("'published' of a port of service '" + s->name + "' must be a port or a range, got '" + pb->text +
                    "'",
                pb->pos);
          return;
        }
      }
      bool u = false;
      pub.host_ip = Interpolate(f.Str(x, "host_ip").value_or(""), &u);
      if (u) NoteUnresolved(x.pos, "host_ip");
      pub.protocol = Lower(f.Str(x, "protocol").value_or("tcp"));
      pub.mode = f.Str(x, "mode").value_or("");
      if (!pub.mode.empty() && pub.mode != "ingress" && pub.mode != "host") {
        Error("port mode must be 'ingress' or 'host', got '" + pub.mode + "'", x.Find("mode")->pos);
        return;
      }
      if (!pub.mode.empty() && stack_why_.empty())
        stack_why_ = "a port of service '" + s->name + "' sets mode '" + pub.mode + "', which Swarm reads";
    } else if (x.is_scalar()) {
      bool unresolved = false;
      std::string spec = Interpolate(x.text, &unresolved);
      if (!ParseShortPort(spec, &pub)) {
        Error("invalid port '" + x.text + "' of service '" + s->name +
                  "': expected [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]",
              x.pos);
        return;
      }
      if (unresolved) NoteUnresolved(x.pos, "port");
    } else {
      Error("a port must be a string, a number or a map", x.pos);
      return;
    }
    if (!KnownProtocol(pub.protocol)) {
      Error("unknown port protocol '" + pub.protocol + "' (tcp, udp or sctp)", x.pos);
      return;
    }
    if (pub.published_lo && pub.published_hi - pub.published_lo != pub.target_hi - pub.target_lo &&
        pub.target_lo != pub.target_hi) {
      Error("port '" + x.text + "' maps a host range onto a container range of another size", x.pos);
      return;
    }
    s->ports.push_back(std::move(pub));
  }

  void NoteUnresolved(SourcePos pos, const char* what) {
    sink_.Note("compose-unresolved", std::string(what) +
               " uses a variable with no default; grantpath assumes the widest value (every interface, "
               "any host port)",
               At(file_, pos));
  }

  // [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]; IPv6 host IPs in brackets.
  static bool ParseShortPort(std::string spec, Publish* pub) {
    std::size_t slash = spec.find('/');
    if (slash != std::string::npos) {
      pub->protocol = Lower(spec.substr(slash + 1));
      spec = spec.substr(0, slash);
    }
    std::string ip, host, container;
    if (!spec.empty() && spec[0] == '[') {
      std::size_t close = spec.find(']');
      if (close == std::string::npos || close + 1 >= spec.size() || spec[close + 1] != ':') return false;
      ip = spec.substr(1, close - 1);
      spec = spec.substr(close + 2);
      std::size_t colon = spec.find(':');
      if (colon == std::string::npos) return false;
      host = spec.substr(0, colon);
      container = spec.substr(colon + 1);
    } else {
      std::size_t last = spec.rfind(':');
      if (last == std::string::npos) {
        container = spec;
      } else {
        container = spec.substr(last + 1);
        std::string rest = spec.substr(0, last);
        std::size_t prev = rest.rfind(':');
        if (prev == std::string::npos) {
          host = rest;
        } else {
          host = rest.substr(prev + 1);
          ip = rest.substr(0, prev);
        }
      }
    }
    if (!ParsePort(container, &pub->target_lo, &pub->target_hi)) return false;
    if (!host.empty() && !ParsePort(host, &pub->published_lo, &pub->published_hi)) return false;
    pub->host_ip = ip;
    return true;
  }

  FileId file_;
  std::string path_;
  Model& model_;
  DiagnosticSink& sink_;
  std::string project_;
  std::string stack_why_;
  std::set<std::string> declared_, service_names_;
  std::vector<Network> networks_;
  std::vector<Service> services_;
};

}  // namespace

std::string NormalizeProjectName(const std::string& raw) {
  std::string out;
  for (char c : raw) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool alnum = std::isalnum(static_cast<unsigned char>(l)) != 0;
    if (out.empty() && !alnum) continue;
    if (alnum || l == '_' || l == '-') out += l;
  }
  return out;
}

bool LooksLikeCompose(const DocNode& root) {
  if (!root.is_map() || root.Find("apiVersion") || root.Find("kind")) return false;
  const DocNode* services = root.Find("services");
  if (!services || !services->is_map() || services->entries.empty()) return false;
  for (const auto& e : services->entries) {
    if (!e.value.is_map()) return false;
  }
  for (const auto& e : services->entries)
    if (e.value.Find("image") || e.value.Find("build")) return true;
  return false;
}

std::size_t ParseComposeDocument(const DocNode& root, FileId file, const std::string& path, Model& model,
                                 DiagnosticSink& sink) {
  return ComposeReader(file, path, model, sink).Read(root);
}

}  // namespace grantpath::parsers
