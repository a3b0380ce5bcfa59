#include "server/live/round_registry.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/storage/keys.h"
#include "server/storage/proto_io.h"

namespace icr::live {

using storage::Family;
using storage::ReadProto;

struct RoundRegistry::RoundEntry {
  // Taken by readers only, to load the state, apply queued changes and take
  // a snapshot; never held while computing, never waited for on the writer
  // thread (the listener only tries it).
  std::mutex build_mutex;
  // Shared with snapshots: copied before a change.
  std::shared_ptr<RoundData> data ABSL_GUARDED_BY(build_mutex);
  int64_t applied ABSL_GUARDED_BY(build_mutex) = 0;  // changes applied to data
  bool resolutions_loaded ABSL_GUARDED_BY(build_mutex) = false;
  std::shared_ptr<ResolutionMap> resolutions ABSL_GUARDED_BY(build_mutex) =
      std::make_shared<ResolutionMap>();
  int64_t resolutions_applied ABSL_GUARDED_BY(build_mutex) = 0;

  // What the writer thread hands over. Short critical sections only.
  std::mutex queue_mutex;
  std::vector<std::shared_ptr<const coding::CodingsChange>> pending ABSL_GUARDED_BY(queue_mutex);
  std::vector<v1::Resolution> pending_resolutions ABSL_GUARDED_BY(queue_mutex);
  std::atomic<int64_t> received{0};
  std::atomic<int64_t> resolution_changes{0};

  uint64_t last_used = 0;  // guarded by RoundRegistry::mutex_

  // Applies queued changes; build_mutex held and data loaded.
  void Drain() ABSL_EXCLUSIVE_LOCKS_REQUIRED(build_mutex) ABSL_LOCKS_EXCLUDED(queue_mutex) {
    std::vector<std::shared_ptr<const coding::CodingsChange>> changes;
    std::vector<v1::Resolution> settled;
    {
      std::lock_guard<std::mutex> lock(queue_mutex);
      changes.swap(pending);
      settled.swap(pending_resolutions);
    }
    if (!changes.empty()) {
      if (data.use_count() > 1) data = std::make_shared<RoundData>(*data);
      for (const auto& change : changes) {
        for (const v1::Coding& c : change->added) data->Add(c);
        for (const v1::Coding& c : change->retracted) data->Retract(c);
        for (const v1::DocumentProgress& p : change->progress) data->SetProgress(p);
        ++applied;
      }
    }
    if (!settled.empty() && resolutions_loaded) {
      if (resolutions.use_count() > 1) {
        resolutions = std::make_shared<ResolutionMap>(*resolutions);
      }
      for (v1::Resolution& r : settled) {
        // A resolution the load already read may be queued too; the later
        // replacement wins.
        auto [it, inserted] = resolutions->try_emplace(r.id(), r);
        if (!inserted && r.replaces() >= it->second.replaces()) it->second = std::move(r);
      }
    }
    // Before the resolutions are loaded the queued ones are only counted:
    // they are committed, so the load reads them.
    resolutions_applied += static_cast<int64_t>(settled.size());
  }
  bool Unshared() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(build_mutex) {
    return data != nullptr && data.use_count() == 1 && resolutions.use_count() == 1;
  }
};

RoundRegistry::RoundRegistry(storage::Store& store, coding::Codings& codings,
                             const LiveOptions& options)
    : store_(store), codings_(codings), options_(options) {
  codings_.AddListener([this](const coding::CodingsChange& change) { OnCodings(change); });
}

void RoundRegistry::Notify() {
  std::lock_guard<std::mutex> lock(changed_mutex_);
  changed_.notify_all();
}

void RoundRegistry::OnCodings(const coding::CodingsChange& change) {
  std::shared_ptr<RoundEntry> entry;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = rounds_.find({change.project, change.round});
    // A round not in memory: its first reader scans the codings, this
    // change among them (it is durable before listeners run).
    if (it == rounds_.end()) return;
    entry = it->second;
  }
  {
    std::lock_guard<std::mutex> lock(entry->queue_mutex);
    entry->pending.push_back(std::make_shared<const coding::CodingsChange>(change));
  }
  ++entry->received;
  // Keep the queue short when nobody is reading; never wait for a reader,
  // and never copy the state here (a reader's snapshot shares it).
  std::unique_lock<std::mutex> build(entry->build_mutex, std::try_to_lock);
  if (build.owns_lock()) {
    if (entry->Unshared()) entry->Drain();
    // Unlocking a lock the try did not take would throw on the writer
    // thread (and end the server): release only what was taken.
    build.unlock();
  }
  entry.reset();
  Notify();
}

void RoundRegistry::OnResolution(const std::string& project, const std::string& round,
                                 const v1::Resolution& resolution) {
  std::shared_ptr<RoundEntry> entry;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = rounds_.find({project, round});
    if (it == rounds_.end()) return;  // its next load reads the resolution
    entry = it->second;
  }
  {
    std::lock_guard<std::mutex> lock(entry->queue_mutex);
    entry->pending_resolutions.push_back(resolution);
  }
  ++entry->resolution_changes;
  entry.reset();
  Notify();
}

std::shared_ptr<RoundRegistry::RoundEntry> RoundRegistry::Entry(const std::string& project,
                                                                const std::string& round) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::shared_ptr<RoundEntry>& slot = rounds_[{project, round}];
  if (slot == nullptr) slot = std::make_shared<RoundEntry>();
  slot->last_used = ++clock_;
  std::shared_ptr<RoundEntry> entry = slot;
  if (rounds_.size() > static_cast<size_t>(std::max(options_.max_rounds, 1))) {
    // Drop the least recently used rounds nobody is reading (only the
    // registry holds them).
    std::vector<std::pair<uint64_t, decltype(rounds_)::iterator>> idle;
    for (auto it = rounds_.begin(); it != rounds_.end(); ++it) {
      if (it->second.use_count() == 1) idle.emplace_back(it->second->last_used, it);
    }
    std::sort(idle.begin(), idle.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [used, it] : idle) {
      if (rounds_.size() <= static_cast<size_t>(std::max(options_.max_rounds, 1))) break;
      rounds_.erase(it);
    }
  }
  return entry;
}

size_t RoundRegistry::RoundsInMemory() {
  std::lock_guard<std::mutex> lock(mutex_);
  return rounds_.size();
}

absl::Status RoundRegistry::LoadRoundData(const std::string& project, const v1::Round& round,
                                          RoundEntry& entry) {
  // Changes committed from now on are queued in `pending` (the entry is in
  // the registry); the scans below see everything committed before they
  // start. Add/Retract are idempotent and queued progress is replayed in
  // commit order, so a change both scanned and queued counts once.
  RoundLayout layout;
  layout.coders.assign(round.coders().begin(), round.coders().end());
  for (const std::string& id : round.documents()) {
    ICR_ASSIGN_OR_RETURN(
        std::optional<v1::Document> document,
        ReadProto<v1::Document>(store_, Family::kMetadata, storage::DocumentKey(project, id)));
    if (!document) {
      return absl::DataLossError(absl::StrCat("document ", id, " of the round is missing"));
    }
    RoundLayout::Document& d = layout.documents.emplace_back();
    d.id = id;
    d.length = document->length_code_points();
    d.segments.assign(document->segments().begin(), document->segments().end());
  }
  ICR_ASSIGN_OR_RETURN(RoundData data, RoundData::Create(std::move(layout), options_.span_rule));
  ICR_RETURN_IF_ERROR(codings_.ForEach(project, round.id(), [&](const v1::Coding& coding) {
    data.Add(coding);
    return true;
  }));
  ICR_RETURN_IF_ERROR(codings_.ForEachProgress(
      project, round.id(), [&](const v1::DocumentProgress& p) { data.SetProgress(p); }));
  entry.data = std::make_shared<RoundData>(std::move(data));
  return absl::OkStatus();
}

absl::Status RoundRegistry::LoadResolutions(const std::string& project, const std::string& round,
                                            RoundEntry& entry) {
  auto loaded = std::make_shared<ResolutionMap>();
  absl::Status failure;
  ICR_RETURN_IF_ERROR(
      store_.Scan(Family::kCodings, storage::ResolutionPrefix(project, round), "",
                  [&](std::string_view, std::string_view value) {
                    v1::Resolution r;
                    if (!r.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                      failure = absl::DataLossError("unreadable resolution");
                      return false;
                    }
                    std::string id = r.id();
                    (*loaded)[id] = std::move(r);
                    return true;
                  }));
  ICR_RETURN_IF_ERROR(failure);
  entry.resolutions = std::move(loaded);
  entry.resolutions_loaded = true;
  return absl::OkStatus();
}

absl::StatusOr<RoundSnapshot> RoundRegistry::Acquire(const std::string& project,
                                                     const v1::Round& round,
                                                     bool with_resolutions) {
  std::shared_ptr<RoundEntry> entry = Entry(project, round.id());
  std::lock_guard<std::mutex> lock(entry->build_mutex);
  if (entry->data == nullptr) ICR_RETURN_IF_ERROR(LoadRoundData(project, round, *entry));
  if (with_resolutions && !entry->resolutions_loaded) {
    ICR_RETURN_IF_ERROR(LoadResolutions(project, round.id(), *entry));
  }
  entry->Drain();
  RoundSnapshot snapshot;
  snapshot.data = entry->data;
  if (with_resolutions) snapshot.resolutions = entry->resolutions;
  snapshot.version = entry->applied + entry->resolutions_applied;
  return snapshot;
}

int64_t RoundRegistry::ChangeCount(const std::string& project, const std::string& round) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = rounds_.find({project, round});
  if (it == rounds_.end()) return 0;
  return it->second->received + it->second->resolution_changes;
}

void RoundRegistry::WaitForChange(const std::string& project, const std::string& round,
                                  int64_t seen, absl::Time deadline) {
  std::unique_lock<std::mutex> lock(changed_mutex_);
  // Lock order: changed_mutex_ before mutex_ (nobody takes them
  // the other way round).
  changed_.wait_until(lock, absl::ToChronoTime(deadline),
                      [&] { return ChangeCount(project, round) != seen; });
}

}  // namespace icr::live
