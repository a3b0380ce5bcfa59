#include "server/storage/keys.h"

#include "absl/strings/str_cat.h"
#include "server/common/string_view.h"

namespace icr::storage {
std::string UserKey(std::string_view user) { return absl::StrCat("user/", AbslView(user)); }
std::string TokenKey(std::string_view hash) { return absl::StrCat("token/", AbslView(hash)); }
std::string ProjectKey(std::string_view project) {
  return absl::StrCat("project/", AbslView(project));
}

std::string ProjectScopedPrefix(std::string_view kind, std::string_view project) {
  return absl::StrCat(AbslView(kind), "/", AbslView(project), "/");
}
std::string MemberKey(std::string_view project, std::string_view user) {
  return absl::StrCat(ProjectScopedPrefix("member", project), AbslView(user));
}
std::string CodeKey(std::string_view project, std::string_view code) {
  return absl::StrCat(ProjectScopedPrefix("code", project), AbslView(code));
}
std::string DomainKey(std::string_view project, std::string_view domain) {
  return absl::StrCat(ProjectScopedPrefix("domain", project), AbslView(domain));
}
std::string DocumentKey(std::string_view project, std::string_view document) {
  return absl::StrCat(ProjectScopedPrefix("document", project), AbslView(document));
}
std::string RoundKey(std::string_view project, std::string_view round) {
  return absl::StrCat(ProjectScopedPrefix("round", project), AbslView(round));
}

std::string EventPrefix(std::string_view chain) { return absl::StrCat(AbslView(chain), "/"); }

std::string EventKey(std::string_view chain, int64_t seq) {
  std::string key = EventPrefix(chain);
  AppendBigEndian64(key, static_cast<uint64_t>(seq));
  return key;
}

std::string ResolutionPrefix(std::string_view project, std::string_view round) {
  return absl::StrCat("r/", AbslView(project), "/", AbslView(round), "/");
}
std::string ResolutionKey(std::string_view project, std::string_view round,
                          std::string_view disagreement) {
  return absl::StrCat(ResolutionPrefix(project, round), AbslView(disagreement));
}

std::string ProgressPrefix(std::string_view project, std::string_view round) {
  return absl::StrCat("p/", AbslView(project), "/", AbslView(round), "/");
}
std::string ProgressKey(std::string_view project, std::string_view round, std::string_view coder,
                        std::string_view document) {
  return absl::StrCat(ProgressPrefix(project, round), AbslView(coder), "/", AbslView(document));
}

std::string CodingPrefix(std::string_view project, std::string_view round) {
  return absl::StrCat("c/", AbslView(project), "/", AbslView(round), "/");
}
std::string CodingKey(std::string_view project, std::string_view round, int64_t seq) {
  std::string key = CodingPrefix(project, round);
  AppendBigEndian64(key, static_cast<uint64_t>(seq));
  return key;
}
std::string CoderIndexPrefix(std::string_view project, std::string_view round,
                             std::string_view coder) {
  return absl::StrCat("x/", AbslView(project), "/", AbslView(round), "/", AbslView(coder), "/");
}
std::string CoderIndexKey(std::string_view project, std::string_view round, std::string_view coder,
                          int64_t seq) {
  std::string key = CoderIndexPrefix(project, round, coder);
  AppendBigEndian64(key, static_cast<uint64_t>(seq));
  return key;
}
std::string CodingCounterKey(std::string_view project, std::string_view round) {
  return absl::StrCat("n/", AbslView(project), "/", AbslView(round));
}

std::string IdempotencyKey(std::string_view actor, std::string_view request_id) {
  return absl::StrCat(AbslView(actor), "/", AbslView(request_id));
}

void AppendBigEndian64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

uint64_t ReadBigEndian64(std::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8 && i < bytes.size(); ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

}  // namespace icr::storage
