// `aws ec2 describe-*` output, recognised by content (one file per API
// call): describe-vpcs, -subnets, -security-groups, -network-acls,
// -route-tables, -internet-gateways, -egress-only-internet-gateways,
// -nat-gateways, -network-interfaces, -instances (Reservations),
// -addresses and -vpc-peering-connections. Transit gateways, VPN,
// Direct Connect, VPC endpoints and load balancers are recorded as
// unmodelled objects so that reachability output can name them.
#pragma once

#include <string>

#include "common/doc.h"
#include "grantpath/diagnostic.h"
#include "grantpath/model/model.h"

namespace grantpath::parsers {

/// True when the document is one of the outputs above.
bool LooksLikeEc2(const DocNode& root);

/// Whether `key` is a list of describe-* output that ParseEc2Document reads
/// (for ParseLimits::stream_list_key).
bool IsEc2ListKey(std::string_view key);

/// Adds its records to the model. `path` (the file's display path) gives
/// the region and account of `<account>/<region>/` and `<region>/` folder
/// layouts. Returns the number of records added.
std::size_t ParseEc2Document(const DocNode& root, FileId file, const std::string& path, Model& model,
                             DiagnosticSink& sink);

}  // namespace grantpath::parsers
