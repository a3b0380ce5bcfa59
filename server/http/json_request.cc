#include "server/http/json_request.h"

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "server/common/string_view.h"

namespace icr::http {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status WrongValue(std::string_view path, std::string_view value, std::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat(AbslView(path), ": \"", AbslView(value), "\" is not ", AbslView(expected)));
}

template <typename T>
absl::StatusOr<T> ParseNumber(std::string_view path, std::string_view value,
                              std::string_view expected) {
  T number;
  if (!absl::SimpleAtoi(AbslView(value), &number)) return WrongValue(path, value, expected);
  return number;
}

absl::Status SetLeaf(Message& message, const FieldDescriptor& field, std::string_view path,
                     std::string_view value) {
  const Reflection& reflection = *message.GetReflection();
  const bool repeated = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      repeated ? reflection.AddString(&message, &field, std::string(value))
               : reflection.SetString(&message, &field, std::string(value));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      absl::StatusOr<int32_t> n = ParseNumber<int32_t>(path, value, "an integer");
      if (!n.ok()) return n.status();
      repeated ? reflection.AddInt32(&message, &field, *n)
               : reflection.SetInt32(&message, &field, *n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      absl::StatusOr<int64_t> n = ParseNumber<int64_t>(path, value, "an integer");
      if (!n.ok()) return n.status();
      repeated ? reflection.AddInt64(&message, &field, *n)
               : reflection.SetInt64(&message, &field, *n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      absl::StatusOr<uint32_t> n = ParseNumber<uint32_t>(path, value, "a non-negative integer");
      if (!n.ok()) return n.status();
      repeated ? reflection.AddUInt32(&message, &field, *n)
               : reflection.SetUInt32(&message, &field, *n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      absl::StatusOr<uint64_t> n = ParseNumber<uint64_t>(path, value, "a non-negative integer");
      if (!n.ok()) return n.status();
      repeated ? reflection.AddUInt64(&message, &field, *n)
               : reflection.SetUInt64(&message, &field, *n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double number;
      if (!absl::SimpleAtod(AbslView(value), &number)) return WrongValue(path, value, "a number");
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        repeated ? reflection.AddDouble(&message, &field, number)
                 : reflection.SetDouble(&message, &field, number);
      } else {
        repeated ? reflection.AddFloat(&message, &field, static_cast<float>(number))
                 : reflection.SetFloat(&message, &field, static_cast<float>(number));
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool flag;
      if (value == "true" || value == "1") {
        flag = true;
      } else if (value == "false" || value == "0") {
        flag = false;
      } else {
        return WrongValue(path, value, "true or false");
      }
      repeated ? reflection.AddBool(&message, &field, flag)
               : reflection.SetBool(&message, &field, flag);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumValueDescriptor* enum_value =
          field.enum_type()->FindValueByName(std::string(value));
      int number;
      if (enum_value == nullptr && absl::SimpleAtoi(AbslView(value), &number)) {
        enum_value = field.enum_type()->FindValueByNumber(number);
      }
      if (enum_value == nullptr) {
        return WrongValue(path, value, absl::StrCat("a value of ", field.enum_type()->full_name()));
      }
      repeated ? reflection.AddEnum(&message, &field, enum_value)
               : reflection.SetEnum(&message, &field, enum_value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      // A well-known type given in its JSON string form (a Timestamp as
      // RFC 3339).
      Message* sub = repeated ? reflection.AddMessage(&message, &field)
                              : reflection.MutableMessage(&message, &field);
      google::protobuf::util::JsonParseOptions options;
      const std::string quoted = absl::StrCat("\"", AbslView(value), "\"");
      if (!google::protobuf::util::JsonStringToMessage(quoted, sub, options).ok()) {
        return WrongValue(path, value, absl::StrCat("a ", sub->GetDescriptor()->full_name()));
      }
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(AbslView(path), ": unsupported field type"));
}

}  // namespace

absl::Status SetFieldFromText(Message& message, std::string_view path, std::string_view value) {
  const std::vector<absl::string_view> names = absl::StrSplit(AbslView(path), '.');
  Message* current = &message;
  for (size_t i = 0; i < names.size(); ++i) {
    const FieldDescriptor* field = current->GetDescriptor()->FindFieldByName(std::string(names[i]));
    if (field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(AbslView(path), ": no such field in ",
                                                     current->GetDescriptor()->full_name()));
    }
    if (i + 1 == names.size()) return SetLeaf(*current, *field, path, value);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated()) {
      return absl::InvalidArgumentError(
          absl::StrCat(AbslView(path), ": ", field->name(), " has no fields to set"));
    }
    current = current->GetReflection()->MutableMessage(current, field);
  }
  return absl::OkStatus();
}

absl::Status BuildRequest(const HttpRequestParts& parts, Message& request) {
  if (!parts.body.empty()) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto parsed = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(parts.body.data(), parts.body.size()), &request, options);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "request body: ", std::string(parsed.message().data(), parsed.message().size())));
    }
  }
  for (const auto& [path, value] : parts.query) {
    if (absl::Status set = SetFieldFromText(request, path, value); !set.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("query parameter ", set.message()));
    }
  }
  for (const auto& [path, value] : parts.bindings) {
    // A path variable replaces what the body said (a repeated one is not a
    // path variable).
    if (absl::Status set = SetFieldFromText(request, path, value); !set.ok()) return set;
  }
  return absl::OkStatus();
}

std::string ToJson(const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

}  // namespace icr::http
