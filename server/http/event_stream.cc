#include "server/http/event_stream.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "icr/v1/audit.pb.h"
#include "server/http/json_request.h"
#include "server/http/status_mapping.h"

namespace icr::http {

StreamSlots::Slot::~Slot() {
  if (slots_ == nullptr) return;
  std::lock_guard<std::mutex> lock(slots_->mutex_);
  --slots_->total_;
  if (--slots_->per_user_[user_] == 0) slots_->per_user_.erase(user_);
}

absl::StatusOr<StreamSlots::Slot> StreamSlots::Acquire(const std::string& user) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (total_ >= options_.max_streams) {
    return absl::ResourceExhaustedError(absl::StrCat("the server holds its most event streams (",
                                                     options_.max_streams, "); try again later"));
  }
  int& mine = per_user_[user];
  if (mine >= options_.max_streams_per_user) {
    return absl::ResourceExhaustedError(
        absl::StrCat(user, " has ", mine,
                     " event streams open, the most one user may hold; close "
                     "a tab of icr"));
  }
  ++mine;
  ++total_;
  return Slot(this, user);
}

int StreamSlots::open() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return total_;
}

namespace {

const google::protobuf::MethodDescriptor& ListChangesMethod() {
  static const google::protobuf::MethodDescriptor* const method =
      RpcClient::FindMethod("icr.v1.AuditService.ListChanges");
  return *method;
}

// Each stream's first poll asks from the project's end when no resume point
// is given: after_seq -1 (see ListChangesRequest).
constexpr int64_t kFromTheEnd = -1;

}  // namespace

void EventStream::Run(const std::function<bool(const std::string&)>& write,
                      const std::function<bool()>& alive, const std::atomic<bool>& stopping) {
  // Tells EventSource to retry after 2 s when the connection drops.
  if (!write("retry: 2000\n\n")) return;
  int64_t cursor = resume_after_.value_or(kFromTheEnd);
  absl::Time last_write = absl::Now();
  while (!stopping.load() && alive()) {
    v1::ListChangesRequest request;
    request.set_project(project_);
    request.set_after_seq(cursor);
    v1::ListChangesResponse response;
    const grpc::Status status =
        rpc_.Call(ListChangesMethod(), request, bearer_, absl::Seconds(10), response);
    if (!status.ok()) {
      // A revoked session, a lost membership: the stream ends, saying why.
      write(absl::StrCat(
          "event: end\ndata: ", ErrorBody(status.error_code(), status.error_message()), "\n\n"));
      return;
    }
    for (const v1::Change& change : response.changes()) {
      if (!write(absl::StrCat("id: ", change.seq(), "\nevent: change\ndata: ", ToJson(change),
                              "\n\n"))) {
        return;
      }
      last_write = absl::Now();
    }
    // A full page of events read (some perhaps not for this caller): more
    // may be waiting, read on at once.
    const bool full_page = cursor >= 0 && response.last_seq() - cursor >= 1000;
    cursor = response.last_seq();
    if (full_page) continue;
    if (absl::Now() - last_write >= options_.heartbeat) {
      if (!write(": heartbeat\n\n")) return;
      last_write = absl::Now();
    }
    absl::SleepFor(options_.poll_interval);
  }
}

}  // namespace icr::http
