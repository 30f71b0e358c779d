// What the application operations share: the stores, the authenticator, the
// event bus, the job runner and the clock. Built and owned by Application;
// each operations class keeps a reference.
#ifndef ITP_SERVER_APP_CONTEXT_H_
#define ITP_SERVER_APP_CONTEXT_H_

#include <cstdint>
#include <functional>

#include "server/app/benchmark_step.h"
#include "server/app/call.h"
#include "server/app/event_bus.h"
#include "server/app/job_runner.h"
#include "server/auth/authenticator.h"
#include "server/domain/page_token.h"
#include "server/storage/benchmark_store.h"
#include "server/storage/investment_store.h"
#include "server/storage/job_store.h"
#include "server/storage/key_store.h"
#include "server/storage/plan_store.h"
#include "server/storage/progress_store.h"
#include "server/storage/review_store.h"

namespace itp::app {

struct AppContext {
  storage::PlanStore& plans;
  storage::ReviewStore& reviews;
  storage::ProgressStore& progress;
  storage::InvestmentStore& investments;
  storage::BenchmarkStore& benchmarks;
  storage::JobStore& jobs;
  storage::KeyStore& keys;
  storage::AuditLog& audit;
  auth::Authenticator& authenticator;
  EventBus& events;
  JobRunner& runner;
  BenchmarkStep& step;
  CallDeps call;
  // Signs and reads the page tokens of every List operation.
  const domain::PageTokens& tokens;
  // Unix microseconds.
  std::function<int64_t()> now;
};

}  // namespace itp::app

#endif  // ITP_SERVER_APP_CONTEXT_H_
