#include "server/storage/writer.h"

#include <cassert>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "icr/storage/records.pb.h"
#include "server/audit/hash.h"
#include "server/storage/keys.h"

namespace icr::storage {

std::string MutationContext::OverlayKey(Family family, std::string_view key) {
  std::string overlay_key(1, static_cast<char>(family));
  overlay_key.append(key);
  return overlay_key;
}

absl::StatusOr<std::optional<std::string>> MutationContext::Get(Family family,
                                                                std::string_view key) const {
  if (auto it = overlay_.find(OverlayKey(family, key)); it != overlay_.end()) {
    return batch_.Data().substr(it->second.offset, it->second.size);
  }
  return store_.Get(family, key);
}

void MutationContext::Put(Family family, std::string_view key, std::string_view value) {
  batch_.Put(store_.handle(family), rocksdb::Slice(key.data(), key.size()),
             rocksdb::Slice(value.data(), value.size()));
  // A Put record ends with its length-prefixed value (RocksDB's
  // db/write_batch.cc: tag, column family, key, value), so the value is the
  // last `value.size()` bytes of the batch.
  const std::string& data = batch_.Data();
  const ValueSpan span{data.size() - value.size(), value.size()};
  assert(data.compare(span.offset, span.size, value) == 0);
  std::string overlay_key = OverlayKey(family, key);
  auto [it, inserted] = overlay_.try_emplace(overlay_key, span);
  undo_.emplace_back(std::move(overlay_key),
                     inserted ? std::nullopt : std::optional<ValueSpan>(it->second));
  it->second = span;
}

void MutationContext::Begin() {
  batch_.SetSavePoint();
  undo_.clear();
}

void MutationContext::Rollback() {
  batch_.RollbackToSavePoint();
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    if (it->second) {
      overlay_[it->first] = *it->second;
    } else {
      overlay_.erase(it->first);
    }
  }
  undo_.clear();
}

void MutationContext::Keep() {
  batch_.PopSavePoint();
  undo_.clear();
}

Writer::Writer(Store& store, const WriterOptions& options)
    : store_(store), options_(options), thread_([this] { Run(); }) {}

Writer::~Writer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

absl::StatusOr<std::string> Writer::Commit(Mutation mutation) {
  auto pending = std::make_unique<Pending>();
  pending->mutation = std::move(mutation);
  std::future<absl::StatusOr<std::string>> result = pending->done.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return absl::UnavailableError("the server is shutting down");
    queue_.push_back(std::move(pending));
  }
  wake_.notify_one();
  return result.get();
}

absl::StatusOr<int64_t> Writer::ChainLength(const std::string& chain) {
  absl::StatusOr<ChainHead> head = LoadHead(chain);
  if (!head.ok()) return head.status();
  return head->seq;
}

absl::StatusOr<Writer::ChainHead> Writer::LoadHead(const std::string& chain) {
  {
    std::lock_guard<std::mutex> lock(heads_mutex_);
    if (auto it = heads_.find(chain); it != heads_.end()) return it->second;
  }
  ChainHead head{0, audit::GenesisHash()};
  auto last = store_.Last(Family::kEvents, EventPrefix(chain));
  if (!last.ok()) return last.status();
  if (last->has_value()) {
    icr::v1::StoredEvent stored;
    if (!stored.ParseFromString((*last)->second)) {
      return absl::DataLossError(absl::StrCat("audit chain ", chain, ": unreadable last event"));
    }
    head.seq = static_cast<int64_t>(
        ReadBigEndian64(std::string_view((*last)->first).substr(EventPrefix(chain).size())));
    head.hash = stored.hash();
  }
  // Only the writer thread writes events, and it sets a chain's head after
  // each write that extends it. So a head already in the map is at least as
  // new as the one just read (another reader's read may predate a commit):
  // keep it.
  std::lock_guard<std::mutex> lock(heads_mutex_);
  return heads_.try_emplace(chain, head).first->second;
}

void Writer::Run() {
  // Mutations the byte bound left out of the last group lead the next one.
  std::deque<std::unique_ptr<Pending>> group;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty() || !group.empty(); });
      if (group.empty() && queue_.empty()) return;  // stopping, and nothing left to commit
      while (!queue_.empty() && group.size() < options_.max_group) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitGroup(group);
  }
}

void Writer::CommitGroup(std::deque<std::unique_ptr<Pending>>& group) {
  rocksdb::WriteBatch batch;
  MutationContext context(store_, batch);
  std::vector<absl::StatusOr<std::string>> answers;
  answers.reserve(group.size());
  std::map<std::string, ChainHead> new_heads;  // heads as this group leaves them
  std::vector<std::function<void()>> on_committed;
  const absl::Time now = absl::Now();

  size_t taken = 0;
  for (; taken < group.size(); ++taken) {
    if (taken > 0 && batch.GetDataSize() >= options_.max_group_bytes) break;
    Mutation& mutation = group[taken]->mutation;
    icr::v1::AuditEvent& event = mutation.event;
    const std::string request_hash = audit::Sha256(event.request());

    std::string idempotency_key;
    if (!event.request_id().empty()) {
      idempotency_key = IdempotencyKey(event.actor(), event.request_id());
      auto previous = context.Get(Family::kIdempotency, idempotency_key);
      if (!previous.ok()) {
        answers.push_back(previous.status());
        continue;
      }
      if (previous->has_value()) {
        icr::storage::IdempotencyRecord record;
        if (!record.ParseFromString(**previous)) {
          answers.push_back(absl::DataLossError("unreadable idempotency record"));
        } else if (record.method() != event.method() || record.request_sha256() != request_hash) {
          answers.push_back(
              absl::InvalidArgumentError("request_id: already used for a different request"));
        } else {
          answers.push_back(record.response());
        }
        continue;
      }
    }

    context.Begin();
    absl::StatusOr<MutationResult> result = mutation.apply(context);
    if (!result.ok()) {
      context.Rollback();
      answers.push_back(result.status());
      continue;
    }

    ChainHead head;
    if (auto it = new_heads.find(mutation.chain); it != new_heads.end()) {
      head = it->second;
    } else {
      absl::StatusOr<ChainHead> loaded = LoadHead(mutation.chain);
      if (!loaded.ok()) {
        context.Rollback();
        answers.push_back(loaded.status());
        continue;
      }
      head = *loaded;
    }
    event.set_format_version(1);
    event.set_seq(head.seq + 1);
    event.mutable_time()->set_seconds(absl::ToUnixSeconds(now));
    event.mutable_time()->set_nanos(static_cast<int32_t>(absl::ToUnixNanos(now) % 1000000000));
    event.set_prev_hash(head.hash);
    event.set_result_summary(result->summary);

    icr::v1::StoredEvent stored;
    stored.set_event(event.SerializeAsString());
    stored.set_hash(audit::ChainHash(head.hash, stored.event()));
    context.Put(Family::kEvents, EventKey(mutation.chain, event.seq()), stored.SerializeAsString());
    new_heads[mutation.chain] = ChainHead{event.seq(), stored.hash()};

    if (!idempotency_key.empty()) {
      icr::storage::IdempotencyRecord record;
      record.set_method(event.method());
      record.set_request_sha256(request_hash);
      record.set_response(result->replay_response.value_or(result->response));
      context.Put(Family::kIdempotency, idempotency_key, record.SerializeAsString());
    }
    if (result->on_committed) on_committed.push_back(std::move(result->on_committed));
    context.Keep();
    answers.push_back(std::move(result->response));
  }

  absl::Status written = absl::OkStatus();
  if (batch.Count() > 0) written = store_.Write(&batch);
  if (written.ok()) {
    {
      std::lock_guard<std::mutex> lock(heads_mutex_);
      for (auto& [chain, head] : new_heads) heads_[chain] = head;
    }
    for (auto& callback : on_committed) callback();
  }
  for (size_t i = 0; i < taken; ++i) {
    if (!written.ok() && answers[i].ok()) {
      group[i]->done.set_value(written);
    } else {
      group[i]->done.set_value(std::move(answers[i]));
    }
  }
  group.erase(group.begin(), group.begin() + static_cast<std::ptrdiff_t>(taken));
}

}  // namespace icr::storage
