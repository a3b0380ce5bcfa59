#include "client/coding_commands.h"

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <regex>

#include "absl/strings/str_cat.h"
#include "client/coding_file.h"
#include "client/command.h"
#include "client/output.h"
#include "client/progress_commands.h"
#include "nlohmann/json.hpp"

namespace icr::client {
namespace {

// A one-line progress bar on stderr, drawn only when stderr is a terminal.
class ProgressBar {
 public:
  ProgressBar(int64_t total, bool enabled) : total_(total), enabled_(enabled && total > 0) {}
  void Update(int64_t done) {
    if (!enabled_) return;
    const int width = 40;
    const int filled = static_cast<int>(width * done / total_);
    std::fprintf(stderr, "\r[%s%s] %3d%% %lld/%lld codings", std::string(filled, '#').c_str(),
                 std::string(width - filled, ' ').c_str(), static_cast<int>(100 * done / total_),
                 static_cast<long long>(done), static_cast<long long>(total_));
    std::fflush(stderr);
  }
  void Finish() {
    if (enabled_) std::fprintf(stderr, "\n");
  }

 private:
  int64_t total_;
  bool enabled_;
};

// A server error about codings[i] of a batch, told as the file line it came
// from.
absl::Status WithFileLine(const absl::Status& status, const std::string& path,
                          const std::vector<CodingRow>& batch) {
  static const std::regex kIndex("codings\\[([0-9]+)\\]");
  std::smatch match;
  const std::string message(status.message());
  if (std::regex_search(message, match, kIndex)) {
    const size_t index = std::stoul(match[1]);
    if (index < batch.size()) {
      absl::Status located(status.code(),
                           absl::StrCat(path, ":", batch[index].line, ": ", message));
      located.SetPayload("icr.client/server-error", absl::Cord("1"));
      return located;
    }
  }
  return status;
}

nlohmann::json CodingJson(const v1::Coding& c) {
  nlohmann::json j = {{"id", c.id()},
                      {"coder", c.coder()},
                      {"document", c.document()},
                      {"code", c.code()},
                      {"state", v1::CodingState_Name(c.state())},
                      {"memo", c.memo()},
                      {"codebook_revision", c.codebook_revision()},
                      {"create_time", FormatTime(c.create_time())}};
  if (c.unit_case() == v1::Coding::kSegment) {
    j["segment"] = c.segment();
  } else {
    j["start"] = c.span().start();
    j["end"] = c.span().end();
  }
  if (!c.submitted_by().empty()) j["submitted_by"] = c.submitted_by();
  if (c.state() == v1::RETRACTED) {
    j["retract_reason"] = c.retract_reason();
    j["retracted_by"] = c.retracted_by();
  }
  return j;
}

}  // namespace

void AddCodingCommands(CLI::App& app, GlobalOptions& globals, int* exit_code) {
  CLI::App* coding = app.add_subcommand("coding", "codings in a round");
  coding->require_subcommand(1);
  AddProgressCommands(*coding, globals, exit_code);

  struct SubmitFlags {
    std::string project, round, file, coder;
    int batch_size = 10000;
  };
  auto submit = std::make_shared<SubmitFlags>();
  CLI::App* s = coding->add_subcommand(
      "submit",
      "submit codings from a CSV: document,code,segment or document,code,start,end "
      "[,memo][,coder]");
  s->add_option("PROJECT", submit->project, "project id")->required();
  s->add_option("ROUND", submit->round, "round id")->required();
  s->add_option("--file", submit->file, "CSV file")->required();
  s->add_option("--coder", submit->coder, "submit for this coder (leads; or a coder column)");
  s->add_option("--batch_size", submit->batch_size,
                "codings per request; each request is stored atomically")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  s->callback([submit, &globals, exit_code] {
    RunRemote(globals, exit_code, [&](Connection& connection) -> absl::Status {
      absl::StatusOr<CodingsByCoder> file = ReadCodingFile(submit->file);
      if (!file.ok()) return file.status();
      int64_t total = 0;
      for (const auto& [coder, rows] : *file) total += static_cast<int64_t>(rows.size());
      ProgressBar progress(total, ::isatty(STDERR_FILENO) && total >= 5000);
      const std::string request_base = NewRequestId();
      int64_t stored = 0, batches = 0;
      std::string first_id, last_id;
      for (const auto& [file_coder, rows] : *file) {
        const std::string coder = file_coder.empty() ? submit->coder : file_coder;
        for (size_t begin = 0; begin < rows.size(); begin += submit->batch_size) {
          const size_t end = std::min(rows.size(), begin + submit->batch_size);
          std::vector<CodingRow> batch(rows.begin() + begin, rows.begin() + end);
          v1::SubmitCodingsRequest request;
          request.set_project(submit->project);
          request.set_round(submit->round);
          request.set_on_behalf_of(coder);
          request.set_request_id(absl::StrCat(request_base, "-", batches));
          for (const CodingRow& row : batch) *request.add_codings() = row.input;
          auto response = connection.Call(&v1::CodingService::Stub::SubmitCodings,
                                          connection.coding(), request);
          if (!response.ok()) {
            progress.Finish();
            if (stored > 0) {
              std::cerr << "icr: " << stored << " codings in " << batches
                        << " earlier requests were stored; this request stored nothing\n";
            }
            return WithFileLine(response.status(), submit->file, batch);
          }
          ++batches;
          stored += response->coding_ids_size();
          if (first_id.empty()) first_id = response->coding_ids(0);
          last_id = *response->coding_ids().rbegin();
          progress.Update(stored);
        }
      }
      progress.Finish();
      if (globals.output == OutputFormat::kJson) {
        std::cout << nlohmann::json{{"stored", stored},
                                    {"requests", batches},
                                    {"first_id", first_id},
                                    {"last_id", last_id}}
                         .dump()
                  << "\n";
      } else {
        PrintRows(globals.output, std::cout,
                  {{"stored", "requests", "first_id", "last_id"},
                   {std::to_string(stored), std::to_string(batches), first_id, last_id}});
      }
      return absl::OkStatus();
    });
  });

  struct ListFlags {
    std::string project, round, coder, document, code;
    bool all = false;
    PageFlags pages;
  };
  auto list = std::make_shared<ListFlags>();
  CLI::App* l = coding->add_subcommand("list", "list codings (blind rules apply)");
  l->add_option("PROJECT", list->project, "project id")->required();
  l->add_option("ROUND", list->round, "round id")->required();
  l->add_option("--coder", list->coder, "only this coder's");
  l->add_option("--document", list->document, "only this document's");
  l->add_option("--code", list->code, "only this code's");
  l->add_flag("--all", list->all, "include retracted codings");
  list->pages.AddTo(l);
  l->callback([list, &globals, exit_code] {
    RunRemote(globals, exit_code, [&](Connection& connection) -> absl::Status {
      v1::ListCodingsRequest request;
      request.set_project(list->project);
      request.set_round(list->round);
      request.set_coder(list->coder);
      request.set_document(list->document);
      request.set_code(list->code);
      request.set_include_retracted(list->all);
      if (!list->pages.one_page()) request.set_page_size(10000);
      PageFlags pages = list->pages;
      auto response = ListPages<v1::ListCodingsRequest, v1::ListCodingsResponse>(
          pages, request, [&](const v1::ListCodingsRequest& r) {
            v1::ListCodingsRequest paged = r;
            if (paged.page_size() == 0) paged.set_page_size(10000);
            return connection.Call(&v1::CodingService::Stub::ListCodings, connection.coding(),
                                   paged);
          });
      if (!response.ok()) return response.status();
      if (globals.output == OutputFormat::kJson) {
        nlohmann::json codings = nlohmann::json::array();
        for (const v1::Coding& c : response->codings()) codings.push_back(CodingJson(c));
        std::cout << nlohmann::json{{"codings", codings},
                                    {"next_page_token", response->next_page_token()}}
                         .dump()
                  << "\n";
        return absl::OkStatus();
      }
      Rows rows = {{"id", "coder", "document", "code", "segment", "start", "end", "state", "memo"}};
      for (const v1::Coding& c : response->codings()) {
        const bool segment = c.unit_case() == v1::Coding::kSegment;
        rows.push_back({c.id(), c.coder(), c.document(), c.code(),
                        segment ? std::to_string(c.segment()) : "",
                        segment ? "" : std::to_string(c.span().start()),
                        segment ? "" : std::to_string(c.span().end()),
                        v1::CodingState_Name(c.state()), c.memo()});
      }
      PrintRows(globals.output, std::cout, rows);
      return absl::OkStatus();
    });
  });

  struct RetractFlags {
    std::string project, round, coding, reason;
  };
  auto retract = std::make_shared<RetractFlags>();
  CLI::App* r = coding->add_subcommand("retract", "retract a coding (it stays in the record)");
  r->add_option("PROJECT", retract->project, "project id")->required();
  r->add_option("ROUND", retract->round, "round id")->required();
  r->add_option("CODING_ID", retract->coding, "coding id")->required();
  r->add_option("--reason", retract->reason, "why it is retracted")->required();
  r->callback([retract, &globals, exit_code] {
    RunRemote(globals, exit_code, [&](Connection& connection) -> absl::Status {
      v1::RetractCodingRequest request;
      request.set_project(retract->project);
      request.set_round(retract->round);
      request.set_coding(retract->coding);
      request.set_reason(retract->reason);
      request.set_request_id(NewRequestId());
      auto response =
          connection.Call(&v1::CodingService::Stub::RetractCoding, connection.coding(), request);
      if (!response.ok()) return response.status();
      if (globals.output == OutputFormat::kJson) {
        std::cout << nlohmann::json{{"coding", CodingJson(response->coding())}}.dump() << "\n";
      } else {
        PrintRows(globals.output, std::cout,
                  {{"id", "coder", "state", "reason"},
                   {response->coding().id(), response->coding().coder(),
                    v1::CodingState_Name(response->coding().state()),
                    response->coding().retract_reason()}});
      }
      return absl::OkStatus();
    });
  });
}

}  // namespace icr::client
