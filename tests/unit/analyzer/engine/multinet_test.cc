// Multiple networks (docs/network.md, "Multiple networks"): how the input is
// split into network views, one test per rule.
#include <catch2/catch.hpp>

#include "engine/multinet.h"
#include "test_util.h"

namespace grantpath {
namespace {

struct Split {
  Model model;
  CollectingSink sink;
  net::NetworkSplit split;
  explicit Split(const std::string& text) {
    testing::LoadString(model, sink, text);
    split = net::SplitNetworks(model, sink);
  }
  const net::NetworkView* View(const std::string& title) const {
    for (const auto& v : split.views)
      if (v.Title() == title) return &v;
    return nullptr;
  }
  std::string Warnings() const {
    std::string all;
    for (const auto& d : sink.diagnostics()) all += d.message + "\n";
    return all;
  }
};

const char* kNs = R"(apiVersion: v1
kind: Namespace
metadata: {name: blue, labels: {k8s.ovn.org/primary-user-defined-network: ""}}
---
apiVersion: v1
kind: Namespace
metadata: {name: red, labels: {k8s.ovn.org/primary-user-defined-network: "", tenant: t1}}
---
apiVersion: v1
kind: Namespace
metadata: {name: plain, labels: {tenant: t1}}
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: blue}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: red}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: c, namespace: plain}
spec: {containers: [{name: c, image: x}]}
---
)";

TEST_CASE("Multinet: a primary UDN takes its namespace off the pod network", "[multinet]") {
  Split s(std::string(kNs) + R"(apiVersion: k8s.ovn.org/v1
kind: UserDefinedNetwork
metadata: {name: net, namespace: blue}
spec: {topology: Layer3, layer3: {role: Primary}}
)");
  REQUIRE(s.View("primary UDN blue"));
  CHECK(s.View("primary UDN blue")->workloads.size() == 1);
  CHECK(s.View("Pod network")->workloads.size() == 2);  // red has the label but no UDN
  CHECK(s.split.primary[0] == "blue[UDN]");
  CHECK(s.split.primary[2] == "pod-network");
}

TEST_CASE("Multinet: a CUDN spans the labelled namespaces it selects, and warns about the others", "[multinet]") {
  Split s(std::string(kNs) + R"(apiVersion: k8s.ovn.org/v1
kind: ClusterUserDefinedNetwork
metadata: {name: tenant}
spec:
  namespaceSelector: {matchLabels: {tenant: t1}}
  network: {topology: Layer2, layer2: {role: Primary}}
)");
  REQUIRE(s.View("primary CUDN tenant"));
  CHECK(s.View("primary CUDN tenant")->workloads == std::vector<std::uint32_t>{1});
  CHECK(s.Warnings().find("selects namespace 'plain', which lacks the label") != std::string::npos);
}

TEST_CASE("Multinet: two primary networks for one namespace is an error", "[multinet]") {
  Split s(std::string(kNs) + R"(apiVersion: k8s.ovn.org/v1
kind: UserDefinedNetwork
metadata: {name: one, namespace: blue}
spec: {topology: Layer2, layer2: {role: Primary}}
---
apiVersion: k8s.ovn.org/v1
kind: UserDefinedNetwork
metadata: {name: two, namespace: blue}
spec: {topology: Layer2, layer2: {role: Primary}}
)");
  REQUIRE(s.sink.CountAtLeast(DiagLevel::kError) == 1);
  CHECK(s.Warnings().find("namespace 'blue' is selected by two primary networks: blue/one and blue/two") !=
        std::string::npos);
}

TEST_CASE("Multinet: Multus attachments by list, namespace, interface and JSON forms", "[multinet]") {
  Split s(R"(apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: ns
  annotations: {k8s.v1.cni.cncf.io/networks: "net1, other/net2@eth2"}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: ns}
spec:
  template:
    metadata:
      annotations: {k8s.v1.cni.cncf.io/networks: '[{"name": "net1", "ips": ["10.1.0.5/24"]}]'}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata: {name: net1, namespace: ns}
spec: {config: '{"cniVersion": "0.3.1", "type": "macvlan"}'}
---
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata: {name: net2, namespace: other}
spec: {config: '{"cniVersion": "0.3.1", "type": "bridge"}'}
)");
  const auto& w = s.model.k8s_workloads;
  REQUIRE(w.size() == 2);
  CHECK(w[0].secondary_networks == std::vector<std::string>{"ns/net1", "other/net2"});
  CHECK(w[1].secondary_networks == std::vector<std::string>{"ns/net1"});
  CHECK(w[1].secondary_ips == std::vector<std::string>{"10.1.0.5/24"});
  REQUIRE(s.View("secondary NAD net1"));
  CHECK(s.View("secondary NAD net1")->workloads.size() == 2);
  CHECK(s.split.secondary[0] == std::vector<std::string>{"net1[NAD]", "net2[NAD]"});
}

TEST_CASE("Multinet: a kind served by one other group is read with a warning", "[multinet]") {
  Split s("apiVersion: apps/v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec: {containers: [{name: c, image: x}]}\n");
  CHECK(s.model.k8s_workloads.size() == 1);
  CHECK(s.Warnings().find("apiVersion 'apps/v1' does not serve kind 'Pod'; read as Pod of core/v1") != std::string::npos);
}

TEST_CASE("Multinet: KubeVirt VMs are endpoints with their template labels; owned VMIs are not", "[multinet]") {
  Split s(R"(apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata: {name: vm, namespace: ns}
spec:
  template:
    metadata: {labels: {app: db}}
    spec:
      networks: [{name: default, pod: {}}, {name: s, multus: {networkName: storage}}]
---
apiVersion: kubevirt.io/v1
kind: VirtualMachineInstance
metadata:
  name: vm
  namespace: ns
  ownerReferences: [{kind: VirtualMachine, name: vm, controller: true}]
)");
  REQUIRE(s.model.k8s_workloads.size() == 1);
  CHECK(s.model.k8s_workloads[0].kind == "VirtualMachine");
  CHECK(s.model.k8s_workloads[0].pod_labels.at("app") == "db");
  CHECK(s.model.k8s_workloads[0].secondary_networks == std::vector<std::string>{"ns/storage"});
}

}  // namespace
}  // namespace grantpath
