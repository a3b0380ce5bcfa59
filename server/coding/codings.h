#ifndef ICR_SERVER_CODING_CODINGS_H_
#define ICR_SERVER_CODING_CODINGS_H_

// Codings in rounds (DESIGN §2): submitting batches, retracting, listing
// with the blind rules. Every batch is validated in full before it is
// queued (naming the offending item's index and field), then committed
// through the Writer as one atomic, audited, idempotent mutation; the round
// being OPEN is re-checked inside the commit, so a batch never lands in a
// round that has just left OPEN.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "icr/v1/coding.pb.h"
#include "server/catalog/catalog.h"
#include "server/common/caller.h"
#include "server/storage/store.h"
#include "server/storage/writer.h"

namespace icr::coding {

struct CodingsOptions {
  // Most codings in one SubmitCodings batch or one ImportCodings chunk.
  int max_batch = 10000;
  // Largest memo, in bytes.
  size_t max_memo_bytes = 10000;
  // Most document shapes kept in memory; past it the cache starts afresh
  // (a shape is two numbers, re-read from the document on the next use).
  size_t max_cached_documents = 65536;
};

// What changed, for listeners that keep derived state (live agreement).
struct CodingsChange {
  std::string project;
  std::string round;
  std::vector<v1::Coding> added;
  std::vector<v1::Coding> retracted;
  // (coder, document) states this commit set: IN_PROGRESS on a pair's first
  // coding, DONE or IN_PROGRESS (reopened) by SetDocumentProgress, DONE for
  // the documents of an import.
  std::vector<v1::DocumentProgress> progress;
};

// The state of a (coder, document) pair, from its stored record if it has
// one; a pair with codings but no record (data from before progress was
// kept) is IN_PROGRESS; else NOT_STARTED.
v1::ProgressState EffectiveProgress(const v1::DocumentProgress* record, bool has_codings);

class Codings {
 public:
  friend class BatchValidator;
  Codings(storage::Store& store, storage::Writer& writer, const CodingsOptions& options);
  Codings(const Codings&) = delete;
  Codings& operator=(const Codings&) = delete;

  absl::StatusOr<v1::SubmitCodingsResponse> Submit(const common::Caller& caller,
                                                   const v1::SubmitCodingsRequest& request);
  // One chunk of an ImportCodings stream: the same rules, audited as an
  // import.
  absl::StatusOr<v1::SubmitCodingsResponse> ImportChunk(const common::Caller& caller,
                                                        const v1::SubmitCodingsRequest& chunk);
  absl::StatusOr<v1::RetractCodingResponse> Retract(const common::Caller& caller,
                                                    const v1::RetractCodingRequest& request);
  absl::StatusOr<v1::ListCodingsResponse> List(const common::Caller& caller,
                                               const v1::ListCodingsRequest& request) const;

  // Progress (server/coding/progress.cc). A coder marks a document DONE or
  // reopens it (IN_PROGRESS) while the round is OPEN; setting the state it
  // already has changes nothing and adds no event.
  absl::StatusOr<v1::SetDocumentProgressResponse> SetProgress(
      const common::Caller& caller, const v1::SetDocumentProgressRequest& request);
  // Every (coder, document) of the round with its state; a coder of an OPEN
  // blind round sees only its own.
  absl::StatusOr<v1::ListProgressResponse> ListProgress(
      const common::Caller& caller, const v1::ListProgressRequest& request) const;
  // After an import: marks the imported coder's `documents` DONE (an import
  // is finished work). Returns the documents it marked (those not DONE yet).
  absl::StatusOr<std::vector<std::string>> MarkImportedDone(
      const common::Caller& caller, const std::string& project, const std::string& round,
      const std::string& on_behalf_of, const std::vector<std::string>& documents);

  // Calls `visit` for every stored coding of a round (retracted included),
  // in id order, until it returns false.
  absl::Status ForEach(std::string_view project, std::string_view round,
                       const std::function<bool(const v1::Coding&)>& visit) const;

  // Calls `visit` for every stored progress record of a round (pairs with
  // no record are NOT_STARTED, or IN_PROGRESS when they have codings).
  absl::Status ForEachProgress(std::string_view project, std::string_view round,
                               const std::function<void(const v1::DocumentProgress&)>& visit) const;

  // Document shapes held in memory (at most max_cached_documents).
  size_t cached_documents() {
    std::lock_guard<std::mutex> lock(shapes_mutex_);
    return shapes_.size();
  }

  // Called after each committed change (from the committing thread).
  void AddListener(std::function<void(const CodingsChange&)> listener);

 private:
  absl::StatusOr<v1::SubmitCodingsResponse> SubmitAs(const char* method,
                                                     const common::Caller& caller,
                                                     const v1::SubmitCodingsRequest& request);
  void Notify(const CodingsChange& change);
  // One state change of a pair, committed with its audit event.
  absl::StatusOr<v1::DocumentProgress> CommitProgress(const char* method,
                                                      const common::Caller& caller,
                                                      const v1::SetDocumentProgressRequest& request,
                                                      const std::string& coder,
                                                      const std::string& note);

  // What validation needs of a document. Documents never change once
  // created, so this is cached (bounded by max_cached_documents): parsing a
  // document's segment list on every request dominated single-coding
  // submissions.
  struct DocumentShape {
    int64_t segments = 0;
    int64_t length_code_points = 0;
  };
  absl::StatusOr<DocumentShape> Shape(const std::string& project, const std::string& document);
  std::mutex shapes_mutex_;
  absl::flat_hash_map<std::string, DocumentShape> shapes_;

  storage::Store& store_;
  storage::Writer& writer_;
  const CodingsOptions options_;
  std::mutex listeners_mutex_;
  std::vector<std::function<void(const CodingsChange&)>> listeners_;
};

}  // namespace icr::coding

#endif  // ICR_SERVER_CODING_CODINGS_H_
