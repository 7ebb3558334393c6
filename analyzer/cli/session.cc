#include "cli/session.h"

#include "engine/encryption.h"
#include "k8s/bootstrap.h"

namespace grantpath::cli {

std::unique_ptr<Session> LoadSession(const InputOptions& options, std::unique_ptr<Session> into) {
  auto s = into ? std::move(into) : std::make_unique<Session>();
  DiskReader reader;
  s->stats = parsers::Load(options.paths, reader, options.load, *s->model, s->diagnostics);
  s->user_objects = s->model->AnalyzableCount();
  if (options.k8s_defaults) parsers::AddK8sBootstrap(*s->model, s->diagnostics);
  overlay::ValidateOverlaySettings(*s->model, s->diagnostics);
  return s;
}

}  // namespace grantpath::cli
