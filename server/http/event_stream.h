#ifndef ICR_SERVER_HTTP_EVENT_STREAM_H_
#define ICR_SERVER_HTTP_EVENT_STREAM_H_

// The browser's live updates (DESIGN §11): one server-sent-event stream per
// tab and project, fed by AuditService.ListChanges (so the blind rules are
// the service's), resumable by the event id (Last-Event-ID), with a
// heartbeat, bounded per user and in total. A stream waits without holding
// anything of the gRPC server: between polls it sleeps on its HTTP thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/http/rpc_client.h"

namespace icr::http {

struct EventStreamOptions {
  int max_streams = 256;
  int max_streams_per_user = 8;
  absl::Duration poll_interval = absl::Milliseconds(250);
  absl::Duration heartbeat = absl::Seconds(15);
};

// Counts open streams; a slot is held while its stream is open.
class StreamSlots {
 public:
  explicit StreamSlots(const EventStreamOptions& options) : options_(options) {}

  class Slot {
   public:
    Slot(StreamSlots* slots, std::string user) : slots_(slots), user_(std::move(user)) {}
    Slot(Slot&& other) noexcept : slots_(other.slots_), user_(std::move(other.user_)) {
      other.slots_ = nullptr;
    }
    Slot(const Slot&) = delete;
    ~Slot();

   private:
    StreamSlots* slots_;
    std::string user_;
  };

  // A slot, or RESOURCE_EXHAUSTED naming the bound that is reached.
  absl::StatusOr<Slot> Acquire(const std::string& user);
  int open() const;

 private:
  const EventStreamOptions options_;
  mutable std::mutex mutex_;
  int total_ = 0;
  std::map<std::string, int> per_user_;
};

// Writes one stream until the client goes, the caller loses access, or
// `stopping` becomes true. `write` returns false once the client is gone.
class EventStream {
 public:
  EventStream(RpcClient& rpc, const EventStreamOptions& options, std::string project,
              std::string bearer, std::optional<int64_t> resume_after)
      : rpc_(rpc),
        options_(options),
        project_(std::move(project)),
        bearer_(std::move(bearer)),
        resume_after_(resume_after) {}

  // `alive` is false once the client has gone (checked between polls).
  void Run(const std::function<bool(const std::string&)>& write, const std::function<bool()>& alive,
           const std::atomic<bool>& stopping);

 private:
  RpcClient& rpc_;
  const EventStreamOptions options_;
  const std::string project_;
  const std::string bearer_;
  const std::optional<int64_t> resume_after_;
};

}  // namespace icr::http

#endif  // ICR_SERVER_HTTP_EVENT_STREAM_H_
