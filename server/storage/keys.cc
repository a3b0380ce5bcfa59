#include "server/storage/keys.h"

#include "absl/strings/str_cat.h"

namespace icr::storage {
namespace {

absl::string_view V(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

std::string UserKey(std::string_view user) { return absl::StrCat("user/", V(user)); }
std::string TokenKey(std::string_view hash) { return absl::StrCat("token/", V(hash)); }
std::string ProjectKey(std::string_view project) { return absl::StrCat("project/", V(project)); }

std::string ProjectScopedPrefix(std::string_view kind, std::string_view project) {
  return absl::StrCat(V(kind), "/", V(project), "/");
}
std::string MemberKey(std::string_view project, std::string_view user) {
  return absl::StrCat(ProjectScopedPrefix("member", project), V(user));
}
std::string CodeKey(std::string_view project, std::string_view code) {
  return absl::StrCat(ProjectScopedPrefix("code", project), V(code));
}
std::string DomainKey(std::string_view project, std::string_view domain) {
  return absl::StrCat(ProjectScopedPrefix("domain", project), V(domain));
}
std::string DocumentKey(std::string_view project, std::string_view document) {
  return absl::StrCat(ProjectScopedPrefix("document", project), V(document));
}
std::string RoundKey(std::string_view project, std::string_view round) {
  return absl::StrCat(ProjectScopedPrefix("round", project), V(round));
}

std::string EventPrefix(std::string_view chain) { return absl::StrCat(V(chain), "/"); }

std::string EventKey(std::string_view chain, int64_t seq) {
  std::string key = EventPrefix(chain);
  AppendBigEndian64(key, static_cast<uint64_t>(seq));
  return key;
}

std::string ResolutionPrefix(std::string_view project, std::string_view round) {
  return absl::StrCat("r/", V(project), "/", V(round), "/");
}
std::string ResolutionKey(std::string_view project, std::string_view round,
                          std::string_view disagreement) {
  return absl::StrCat(ResolutionPrefix(project, round), V(disagreement));
}

std::string ProgressPrefix(std::string_view project, std::string_view round) {
  return absl::StrCat("p/", V(project), "/", V(round), "/");
}
std::string ProgressKey(std::string_view project, std::string_view round, std::string_view coder,
                        std::string_view document) {
  return absl::StrCat(ProgressPrefix(project, round), V(coder), "/", V(document));
}

std::string CodingPrefix(std::string_view project, std::string_view round) {
  return absl::StrCat("c/", V(project), "/", V(round), "/");
}
std::string CodingKey(std::string_view project, std::string_view round, int64_t seq) {
  std::string key = CodingPrefix(project, round);
  AppendBigEndian64(key, static_cast<uint64_t>(seq));
  return key;
}
std::string CoderIndexPrefix(std::string_view project, std::string_view round,
                             std::string_view coder) {
  return absl::StrCat("x/", V(project), "/", V(round), "/", V(coder), "/");
}
std::string CoderIndexKey(std::string_view project, std::string_view round,
                          std::string_view coder, int64_t seq) {
  std::string key = CoderIndexPrefix(project, round, coder);
  AppendBigEndian64(key, static_cast<uint64_t>(seq));
  return key;
}
std::string CodingCounterKey(std::string_view project, std::string_view round) {
  return absl::StrCat("n/", V(project), "/", V(round));
}

std::string IdempotencyKey(std::string_view actor, std::string_view request_id) {
  return absl::StrCat(V(actor), "/", V(request_id));
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
