// Calico's selector language, parsed into cni::CalicoSelector. The
// grammar follows libcalico-go's selector parser: `!` binds tighter than
// `&&`, which binds tighter than `||`; values are single- or double-quoted.
#pragma once

#include <string>

#include "grantpath/model/cni_policy.h"

namespace grantpath::parsers {

/// Parses `text`. On error returns false and sets `error` to a message and
/// `column` to the 0-based offset in `text` where it was found.
bool ParseCalicoSelector(const std::string& text, cni::CalicoSelector* out, std::string* error,
                         std::size_t* column);

}  // namespace grantpath::parsers
