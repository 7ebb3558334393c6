#include <catch2/catch.hpp>

#include "grantpath/config.h"

namespace grantpath {
namespace {

TEST_CASE("Path globs: segments, **, classes and folders", "[config][glob]") {
  CHECK(PathGlobMatch("aws/**", "aws/account.json"));
  CHECK(PathGlobMatch("aws/**", "aws/a/b/c.json"));
  CHECK_FALSE(PathGlobMatch("aws/**", "k8s/aws/x.json"));
  CHECK(PathGlobMatch("**/aws/*.json", "k8s/aws/x.json"));
  CHECK(PathGlobMatch("a/**/b.yaml", "a/b.yaml"));  // ** spans zero folders
  CHECK(PathGlobMatch("a/**/b.yaml", "a/x/y/b.yaml"));
  CHECK_FALSE(PathGlobMatch("a/*.yaml", "a/x/b.yaml"));  // * stays in one segment
  CHECK(PathGlobMatch("*.json", "deep/down/x.json"));    // no slash: any level
  CHECK_FALSE(PathGlobMatch("*.json", "deep/down/x.yaml"));
  CHECK(PathGlobMatch("vendor", "vendor/x/y.yaml"));      // a folder covers what is under it
  CHECK(PathGlobMatch("k8s/", "k8s/a.yaml"));
  CHECK(PathGlobMatch("./k8s/a.yaml", "k8s/a.yaml"));
  CHECK(PathGlobMatch("k8s/?.yaml", "k8s/a.yaml"));
  CHECK_FALSE(PathGlobMatch("k8s/?.yaml", "k8s/ab.yaml"));
  CHECK(PathGlobMatch("k8s/[ab].yaml", "k8s/b.yaml"));
  CHECK_FALSE(PathGlobMatch("k8s/[!ab].yaml", "k8s/b.yaml"));
  CHECK(PathGlobMatch("k8s/[a-c]x.yaml", "k8s/bx.yaml"));
  CHECK(PathGlobMatch("k8s/[x.yaml", "k8s/[x.yaml"));  // an unclosed class is literal
  CHECK_FALSE(PathGlobMatch("", "k8s/a.yaml"));
}

}  // namespace
}  // namespace grantpath
