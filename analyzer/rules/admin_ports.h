// Administration and data ports that must not face the internet, with the
// severity of exposing each: shared by the rules about exposure (AWS
// security groups, Compose published ports).
#pragma once

#include <vector>

#include "grantpath/finding.h"

namespace grantpath::rules {

struct AdminPort {
  int lo, hi;
  const char* name;
  Severity severity;
};

// Unauthenticated by default, or a whole cluster behind one port: critical.
inline const std::vector<AdminPort>& AdminPorts() {
  static const std::vector<AdminPort> k = {
      {2375, 2375, "Docker API (unencrypted)", Severity::kCritical},
      {2376, 2376, "Docker API (TLS)", Severity::kHigh},
      {2379, 2380, "etcd", Severity::kCritical},
      {10250, 10250, "kubelet API", Severity::kCritical},
      {6443, 6443, "Kubernetes API", Severity::kHigh},
      {22, 22, "SSH", Severity::kHigh},
      {3389, 3389, "RDP", Severity::kHigh},
      {5985, 5986, "WinRM", Severity::kHigh},
      {23, 23, "Telnet", Severity::kCritical},
      {3306, 3306, "MySQL", Severity::kHigh},
      {5432, 5432, "PostgreSQL", Severity::kHigh},
      {1433, 1433, "SQL Server", Severity::kHigh},
      {1521, 1521, "Oracle", Severity::kHigh},
      {27017, 27017, "MongoDB", Severity::kCritical},
      {6379, 6379, "Redis", Severity::kCritical},
      {9200, 9200, "Elasticsearch", Severity::kCritical},
      {11211, 11211, "memcached", Severity::kCritical},
      {9042, 9042, "Cassandra", Severity::kHigh},
      {5984, 5984, "CouchDB", Severity::kHigh},
      {9229, 9229, "Node.js inspector (runs any code it is sent)", Severity::kCritical},
  };
  return k;
}

}  // namespace grantpath::rules
