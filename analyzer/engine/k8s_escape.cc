#include "engine/k8s_escape.h"

#include <algorithm>

namespace grantpath::k8s {
namespace {

// The path with repeated and trailing slashes removed ("/" stays "/").
std::string Clean(const std::string& p) {
  std::string out;
  for (char c : p)
    if (!(c == '/' && !out.empty() && out.back() == '/')) out.push_back(c);
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// `dir` is `p` or below it.
bool Under(const std::string& p, const std::string& dir) {
  return p == dir || (p.size() > dir.size() && p.compare(0, dir.size(), dir) == 0 && p[dir.size()] == '/') ||
         dir == "/";
}

bool HasCap(const Container& c, const std::string& cap) {
  return std::any_of(c.added_capabilities.begin(), c.added_capabilities.end(),
                     [&](const Located<std::string>& x) { return x.value == cap || x.value == "ALL"; });
}

SourceRange CapWhere(const Container& c, const std::string& cap) {
  for (const auto& x : c.added_capabilities)
    if (x.value == cap || x.value == "ALL") return x.where;
  return c.where;
}

}  // namespace

std::vector<Escape> ContainerEscapes(const Workload& w) {
  std::vector<Escape> out;
  auto add = [&](std::string technique, std::string text, SourceRange where) {
    for (const auto& e : out)
      if (e.technique == technique) return;
    out.push_back({std::move(technique), std::move(text), where});
  };
  for (const auto& c : w.containers) {
    std::string who = "container '" + c.name + "'";
    if (c.privileged) {
      add("CE_PRIV_MOUNT", who + " is privileged: it can mount the node's disk and write to it", c.privileged_where);
      if (w.host_pid)
        add("CE_NSENTER", who + " is privileged and shares the node's PID namespace (hostPID): nsenter into PID 1",
            c.privileged_where);
    }
    if (HasCap(c, "SYS_MODULE") && !c.privileged)
      add("CE_MODULE_LOAD", who + " has CAP_SYS_MODULE: it can load a kernel module", CapWhere(c, "SYS_MODULE"));
    if (HasCap(c, "SYS_PTRACE") && HasCap(c, "SYS_ADMIN") && w.host_pid && !c.privileged)
      add("CE_SYS_PTRACE", who + " has CAP_SYS_PTRACE and CAP_SYS_ADMIN with hostPID: it can inject into a node process",
          CapWhere(c, "SYS_PTRACE"));
    if (HasCap(c, "SYS_ADMIN") && !c.privileged)
      add("CAP_SYS_ADMIN", who + " has CAP_SYS_ADMIN: it can mount file systems (cgroup v1 release_agent escape)",
          CapWhere(c, "SYS_ADMIN"));
    for (const auto& hp : c.host_paths) {
      std::string p = Clean(hp.path);
      std::string mount = who + " mounts hostPath '" + hp.path + "'" + (hp.read_only ? " read-only" : "");
      if (!hp.read_only) {
        if (p == "/proc" || p == "/proc/sys" || p == "/proc/sys/kernel")
          add("CE_UMH_CORE_PATTERN", mount + ": writing core_pattern runs a program on the node", hp.where);
        // The mount holds a sensitive directory, or lies inside one whose
        // files the node runs or trusts (static pod manifests, SSH keys,
        // cron, binaries on the PATH).
        bool written = false;
        for (const char* sensitive : {"/etc", "/root", "/var/lib/kubelet", "/home"})
          if (!written && Under(sensitive, p)) {
            add("EXPLOIT_HOST_WRITE", mount + ": it can write the node's " + std::string(sensitive), hp.where);
            written = true;
          }
        for (const char* inside : {"/etc/kubernetes", "/root", "/var/lib/kubelet", "/home", "/etc/systemd",
                                   "/etc/cron.d", "/etc/crontab", "/etc/sudoers", "/etc/sudoers.d", "/etc/passwd",
                                   "/etc/shadow", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/bin", "/sbin"})
          if (!written && Under(p, inside) && std::string(inside) != "/") {
            add("EXPLOIT_HOST_WRITE", mount + ": it can write " + std::string(inside) + " on the node", hp.where);
            written = true;
          }
      }
      bool socket = false;
      for (const char* sock : {"/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock",
                               "/var/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/run/crio/crio.sock"})
        // Not through /var: /var/run is a symlink to ../run on current
        // distributions, which resolves outside a mount of /var.
        socket |= Under(sock, p) && p != "/var";
      if (socket)
        add("EXPLOIT_CONTAINERD_SOCK", mount + ": the container runtime's socket starts privileged containers", hp.where);
      if (Under("/var/lib/kubelet/pods", p))
        add("EXPLOIT_HOST_TRAVERSE", mount + ": it can read the service account tokens of every pod on the node",
            hp.where);
    }
  }
  return out;
}

}  // namespace grantpath::k8s
