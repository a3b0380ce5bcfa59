#include "server/audit/export.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "server/audit/hash.h"
#include "server/audit/merkle.h"

namespace icr::audit {
namespace {

using nlohmann::json;

absl::Status Malformed(int line, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", what));
}

absl::Status Failed(int line, int64_t seq, absl::string_view what) {
  const std::string where =
      seq > 0 ? absl::StrCat("line ", line, " (event ", seq, ")") : absl::StrCat("line ", line);
  return absl::DataLossError(absl::StrCat(where, ": ", what));
}

// Reads a string field; empty optional when absent or not a string.
std::optional<std::string> StringField(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<int64_t> IntField(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

// A hex field of `size` bytes.
absl::StatusOr<std::string> HexField(const json& object, const char* name, size_t size) {
  std::optional<std::string> hex = StringField(object, name);
  std::string bytes;
  if (!hex || !HexDecode(*hex, &bytes) || bytes.size() != size) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", name, "\" must be ", size * 2, " hex digits"));
  }
  return bytes;
}

bool ReadVarint(std::string_view& in, uint64_t* value) {
  *value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    const unsigned char byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    *value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<EventHeader> ReadEventHeader(std::string_view in) {
  EventHeader header;
  while (!in.empty()) {
    uint64_t tag = 0;
    if (!ReadVarint(in, &tag)) return absl::InvalidArgumentError("event bytes: bad tag");
    const uint64_t field = tag >> 3;
    switch (tag & 7) {
      case 0: {  // varint
        uint64_t value = 0;
        if (!ReadVarint(in, &value)) return absl::InvalidArgumentError("event bytes: bad varint");
        if (field == 3) header.seq = static_cast<int64_t>(value);
        break;
      }
      case 1:  // 64-bit
        if (in.size() < 8) return absl::InvalidArgumentError("event bytes: truncated");
        in.remove_prefix(8);
        break;
      case 2: {  // length-delimited
        uint64_t length = 0;
        if (!ReadVarint(in, &length) || length > in.size()) {
          return absl::InvalidArgumentError("event bytes: truncated field");
        }
        if (field == 2) header.project = std::string(in.substr(0, length));
        if (field == 11) header.prev_hash = std::string(in.substr(0, length));
        in.remove_prefix(length);
        break;
      }
      case 5:  // 32-bit
        if (in.size() < 4) return absl::InvalidArgumentError("event bytes: truncated");
        in.remove_prefix(4);
        break;
      default:
        return absl::InvalidArgumentError("event bytes: not an AuditEvent");
    }
  }
  return header;
}

std::string Base64Encode(std::string_view bytes) {
  return absl::Base64Escape(absl::string_view(bytes.data(), bytes.size()));
}

// Strict: only the standard alphabet, padded to a multiple of four, as the
// export writes it (absl::Base64Unescape alone also takes unpadded text).
bool Base64Decode(std::string_view text, std::string* bytes) {
  if (text.size() % 4 != 0) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool padding_ok =
        c == '=' && i + 2 >= text.size() && (i + 1 == text.size() || text[i + 1] == '=');
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || padding_ok)) {
      return false;
    }
  }
  return absl::Base64Unescape(absl::string_view(text.data(), text.size()), bytes);
}

json EventLine(std::string_view project, int64_t seq, std::string_view event_bytes,
               std::string_view prev_hash, std::string_view hash, const json& event_json) {
  json line = json::object();
  line["type"] = "event";
  line["project"] = std::string(project);
  line["seq"] = seq;
  line["event_bytes"] = Base64Encode(event_bytes);
  line["prev_hash"] = HexEncode(prev_hash);
  line["hash"] = HexEncode(hash);
  line["leaf_hash"] = HexEncode(LeafHash(event_bytes));
  line["event"] = event_json;
  return line;
}

json HeadLine(const SignedTreeHead& signed_head) {
  const TreeHead& head = signed_head.head;
  json line = json::object();
  line["type"] = "head";
  line["format"] = std::string(kTreeHeadFormat);
  line["project"] = head.chain;
  line["tree_size"] = head.tree_size;
  line["timestamp_ms"] = head.timestamp_ms;
  line["time"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(head.timestamp_ms),
                                  absl::UTCTimeZone());
  line["root_hash"] = HexEncode(head.root_hash);
  line["signature"] = HexEncode(signed_head.signature);
  line["signature_algorithm"] = "Ed25519";
  line["key_id"] = signed_head.key_id;
  return line;
}

absl::StatusOr<SignedTreeHead> HeadFromJson(const json& line) {
  if (!line.is_object() || StringField(line, "type") != "head") {
    return absl::InvalidArgumentError("not a signed head (\"type\" must be \"head\")");
  }
  if (StringField(line, "format") != std::string(kTreeHeadFormat)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"format\" must be \"",
                     absl::string_view(kTreeHeadFormat.data(), kTreeHeadFormat.size()), "\""));
  }
  SignedTreeHead out;
  std::optional<std::string> project = StringField(line, "project");
  std::optional<int64_t> size = IntField(line, "tree_size");
  std::optional<int64_t> timestamp = IntField(line, "timestamp_ms");
  if (!project) return absl::InvalidArgumentError("\"project\" is missing");
  if (!size || *size < 0) return absl::InvalidArgumentError("\"tree_size\" must be a count");
  if (!timestamp || *timestamp < 0) {
    return absl::InvalidArgumentError("\"timestamp_ms\" must be a non-negative integer");
  }
  absl::StatusOr<std::string> root = HexField(line, "root_hash", kHashSize);
  if (!root.ok()) return root.status();
  absl::StatusOr<std::string> signature = HexField(line, "signature", 64);
  if (!signature.ok()) return signature.status();
  out.head.chain = *project;
  out.head.tree_size = *size;
  out.head.timestamp_ms = *timestamp;
  out.head.root_hash = *root;
  out.signature = *signature;
  out.key_id = StringField(line, "key_id").value_or("");
  return out;
}

bool VerifyHeadSignature(const SignedTreeHead& head, const PublicKey& key) {
  return key.Verify(TreeHeadSignedBytes(head.head), head.signature);
}

absl::StatusOr<VerifiedExport> VerifyExport(std::istream& in, const PublicKey& key,
                                            const VerifyOptions& options) {
  MerkleTree tree;
  std::string previous_hash = GenesisHash();
  std::string project;
  std::optional<SignedTreeHead> head;
  int line_number = 0;
  std::string text;
  while (std::getline(in, text)) {
    ++line_number;
    if (text.empty()) continue;
    json line = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (line.is_discarded() || !line.is_object()) {
      return Malformed(line_number, "not a JSON object (truncated or damaged line?)");
    }
    if (head.has_value()) return Failed(line_number, 0, "a line after the signed head");
    const std::optional<std::string> type = StringField(line, "type");
    if (type == "head") {
      absl::StatusOr<SignedTreeHead> parsed = HeadFromJson(line);
      if (!parsed.ok()) return Malformed(line_number, parsed.status().message());
      head = *std::move(parsed);
      continue;
    }
    if (type != "event") return Malformed(line_number, "\"type\" must be \"event\" or \"head\"");

    const int64_t expected_seq = tree.size() + 1;
    std::optional<std::string> encoded = StringField(line, "event_bytes");
    std::string bytes;
    if (!encoded || !Base64Decode(*encoded, &bytes)) {
      return Malformed(line_number, "\"event_bytes\" must be base64");
    }
    absl::StatusOr<std::string> line_prev = HexField(line, "prev_hash", kHashSize);
    absl::StatusOr<std::string> line_hash = HexField(line, "hash", kHashSize);
    absl::StatusOr<std::string> line_leaf = HexField(line, "leaf_hash", kHashSize);
    for (const auto* field : {&line_prev, &line_hash, &line_leaf}) {
      if (!field->ok()) return Malformed(line_number, field->status().message());
    }
    absl::StatusOr<EventHeader> header = ReadEventHeader(bytes);
    if (!header.ok()) return Failed(line_number, expected_seq, header.status().message());
    const int64_t seq = header->seq;
    if (seq != expected_seq) {
      return Failed(line_number, expected_seq,
                    absl::StrCat("event ", expected_seq,
                                 " expected here, but the event bytes hold ", "event ", seq,
                                 " (an event was removed, inserted, duplicated or ", "moved)"));
    }
    if (project.empty()) project = header->project;
    if (header->project != project) {
      return Failed(
          line_number, seq,
          absl::StrCat("belongs to project \"", header->project, "\", not \"", project, "\""));
    }
    if (header->prev_hash != previous_hash) {
      return Failed(line_number, seq,
                    seq == 1 ? std::string("prev_hash of the first event is not 32 zero bytes")
                             : absl::StrCat("prev_hash does not match the hash of event ", seq - 1,
                                            " (an event before it was changed, or this one)"));
    }
    const std::string hash = ChainHash(previous_hash, bytes);
    if (*line_prev != header->prev_hash) {
      return Failed(line_number, seq,
                    "\"prev_hash\" differs from the prev_hash in the event bytes");
    }
    if (*line_hash != hash) {
      return Failed(line_number, seq,
                    "\"hash\" is not SHA-256(prev_hash || event bytes): the event was changed");
    }
    if (*line_leaf != LeafHash(bytes)) {
      return Failed(line_number, seq, "\"leaf_hash\" is not SHA-256(0x00 || event bytes)");
    }
    if (IntField(line, "seq") != seq || StringField(line, "project") != project) {
      return Failed(line_number, seq, "\"seq\" or \"project\" differs from the event bytes");
    }
    if (options.decode) {
      absl::StatusOr<json> decoded = options.decode(bytes);
      if (!decoded.ok()) return Failed(line_number, seq, decoded.status().message());
      auto it = line.find("event");
      if (it == line.end() || *it != *decoded) {
        return Failed(line_number, seq, "\"event\" differs from the decoded event bytes");
      }
    }
    tree.AppendLeafHash(LeafHash(bytes));
    previous_hash = hash;
  }
  if (in.bad()) return absl::InvalidArgumentError("cannot read the export");
  if (!head.has_value()) {
    return Failed(line_number + 1, 0, "no signed head at the end (the file was cut short?)");
  }
  const int64_t head_line = line_number;
  if (!VerifyHeadSignature(*head, key)) {
    return Failed(head_line, 0,
                  "the head's signature does not verify with this public key (the head was "
                  "changed, or it was signed by another server)");
  }
  if (!head->key_id.empty() && head->key_id != key.KeyId()) {
    return Failed(head_line, 0, "the head's key_id is not this public key's");
  }
  if (tree.size() > 0 && head->head.chain != project) {
    return Failed(head_line, 0,
                  absl::StrCat("the head is for project \"", head->head.chain,
                               "\", the events for \"", project, "\""));
  }
  if (head->head.tree_size != tree.size()) {
    if (head->head.tree_size > tree.size()) {
      return Failed(head_line, tree.size() + 1,
                    absl::StrCat("missing: the signed head covers ", head->head.tree_size,
                                 " events, the file has ", tree.size()));
    }
    return Failed(head_line, head->head.tree_size + 1,
                  absl::StrCat("not covered by the signed head, which covers ",
                               head->head.tree_size, " events"));
  }
  if (*tree.RootHash(tree.size()) != head->head.root_hash) {
    return Failed(head_line, 0,
                  "the Merkle root of the events is not the signed root: the events were "
                  "rewritten and re-chained");
  }
  if (options.old_head.has_value()) {
    const SignedTreeHead& old = *options.old_head;
    if (!VerifyHeadSignature(old, key)) {
      return absl::DataLossError("--head: its signature does not verify with this public key");
    }
    if (old.head.chain != head->head.chain) {
      return absl::DataLossError(absl::StrCat("--head: is for project \"", old.head.chain,
                                              "\", the export for \"", head->head.chain, "\""));
    }
    if (old.head.tree_size > tree.size()) {
      return absl::DataLossError(absl::StrCat("--head: covers ", old.head.tree_size,
                                              " events, the export only ", tree.size(),
                                              ": the log shrank"));
    }
    if (*tree.RootHash(old.head.tree_size) != old.head.root_hash) {
      return absl::DataLossError(absl::StrCat(
          "--head: the first ", old.head.tree_size,
          " events of the export do not have the old head's root: the log was rewritten "
          "before the old head"));
    }
  }
  VerifiedExport result;
  result.head = *head;
  result.events = tree.size();
  return result;
}

}  // namespace icr::audit
