// Container escapes: the ways a workload's pod can take over the node it
// runs on, following KubeHound's published escape edges (CE_PRIV_MOUNT,
// CE_NSENTER, CE_MODULE_LOAD, CE_SYS_PTRACE, CE_UMH_CORE_PATTERN,
// EXPLOIT_HOST_WRITE, EXPLOIT_HOST_TRAVERSE, EXPLOIT_CONTAINERD_SOCK), each
// with its condition on the pod spec.
#pragma once

#include <string>
#include <vector>

#include "grantpath/model/k8s.h"

namespace grantpath::k8s {

struct Escape {
  std::string technique;  // the KubeHound edge label, e.g. "CE_NSENTER"
  std::string text;       // "privileged container with hostPID: nsenter into the node's processes"
  SourceRange where;      // the setting that allows it
};

/// Every escape a workload's pods allow, in a fixed order, at most one per
/// technique and container.
///   CE_PRIV_MOUNT          a privileged container (mount the host's disk);
///   CE_NSENTER             privileged and hostPID;
///   CE_MODULE_LOAD         CAP_SYS_MODULE (or privileged: covered by CE_PRIV_MOUNT);
///   CE_SYS_PTRACE          CAP_SYS_PTRACE and CAP_SYS_ADMIN with hostPID;
///   CAP_SYS_ADMIN          CAP_SYS_ADMIN alone (mount; cgroup v1 release_agent);
///   CE_UMH_CORE_PATTERN    a writable hostPath of /proc/sys/kernel (or /proc, /proc/sys);
///   EXPLOIT_CONTAINERD_SOCK a hostPath of a container runtime socket
///                          (docker, containerd, CRI-O), read-only or not;
///   EXPLOIT_HOST_WRITE     a writable hostPath of /, /etc, /root, /var/lib/kubelet
///                          or a directory above them;
///   EXPLOIT_HOST_TRAVERSE  a hostPath of /var/lib/kubelet/pods or above it, read-only
///                          too: the service account tokens of every pod on the node.
/// hostNetwork and hostIPC alone are not escapes: they expose the node's
/// network and shared memory, and the network rules report them.
std::vector<Escape> ContainerEscapes(const Workload& w);

}  // namespace grantpath::k8s
