// Documents: text stored once by its hash, segmentation, offsets in every unit.
#include "server/catalog/catalog.h"
#include "server/catalog/catalog_internal.h"
#include "server/common/methods.h"
#include "server/text/extract.h"
#include "server/text/transcript.h"

namespace icr::catalog {

// --- Documents --------------------------------------------------------------

namespace {

text::SegmentBy SegmentByOf(v1::Segmentation segmentation) {
  switch (segmentation) {
    case v1::SEGMENT_NONE:
      return text::SegmentBy::kNone;
    case v1::SEGMENT_LINE:
      return text::SegmentBy::kLine;
    case v1::SEGMENT_SENTENCE:
      return text::SegmentBy::kSentence;
    default:
      return text::SegmentBy::kParagraph;
  }
}

}  // namespace

absl::StatusOr<v1::CreateDocumentResponse> Catalog::CreateDocument(
    const common::Caller& actor, const v1::CreateDocumentRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("id", request.id()));
  ICR_RETURN_IF_ERROR(ValidateText("title", request.title(), kMaxNameLength));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  ICR_RETURN_IF_ERROR(ValidateText("speaker_pattern", request.speaker_pattern(), 1000));
  // A file given instead of text: the text is extracted from it here, in a
  // sandboxed tool, so that every client (the CLI, the browser app) gets the
  // same text from the same file.
  text::ExtractedText extracted;
  const bool from_file = !request.original().empty() || !request.original_format().empty();
  if (from_file) {
    if (!request.text().empty()) {
      return absl::InvalidArgumentError("text: give the text or an original file, not both");
    }
    if (request.original().empty()) {
      return absl::InvalidArgumentError("original: required with original_format");
    }
    if (request.original().size() > options_.max_document_bytes) {
      return absl::ResourceExhaustedError(absl::StrCat("original: ", request.original().size(),
                                                       " bytes, over the limit of ",
                                                       options_.max_document_bytes));
    }
    if (request.original_format().empty()) {
      return absl::InvalidArgumentError(absl::StrCat("original_format: required with original (",
                                                     absl::StrJoin(text::ExtractionFormats(), ", "),
                                                     ")"));
    }
    absl::StatusOr<text::ExtractedText> result =
        text::ExtractText(request.original(), request.original_format(), request.speaker_pattern(),
                          options_.extraction);
    if (!result.ok()) {
      return absl::Status(result.status().code(),
                          absl::StrCat("original: ", result.status().message()));
    }
    extracted = *std::move(result);
  } else {
    extracted.text = request.text();
  }
  const std::string& text = extracted.text;
  if (text.size() > options_.max_document_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "text: ", text.size(), " bytes, over the limit of ", options_.max_document_bytes));
  }
  if (text.empty()) return absl::InvalidArgumentError("text: required");
  if (!text::IsValidUtf8(text)) return absl::InvalidArgumentError("text: not valid UTF-8");

  const text::TextLengths lengths = text::MeasureUtf8(text);
  v1::Document document;
  document.set_id(request.id());
  document.set_title(request.title().empty() ? request.id() : request.title());
  document.set_sha256(audit::HexEncode(audit::Sha256(text)));
  document.set_length_code_points(lengths.code_points);
  document.set_length_utf16_units(lengths.utf16_units);
  document.set_length_bytes(lengths.bytes);
  document.set_offset_unit(v1::CODE_POINTS);
  SetNow(document.mutable_create_time());
  if (from_file) {
    document.set_original_sha256(audit::HexEncode(audit::Sha256(request.original())));
    document.set_original_format(request.original_format());
    document.set_original_bytes(static_cast<int64_t>(request.original().size()));
    document.set_extraction_tool(extracted.tool);
  }
  switch (request.segmentation()) {
    case v1::SEGMENTATION_UNSPECIFIED: {
      if (request.segments_size() == 0) {
        return absl::InvalidArgumentError(
            "segmentation: required (NONE, PARAGRAPH, LINE or TURN) unless segments are given");
      }
      document.set_segmentation(v1::SEGMENTATION_UNSPECIFIED);
      int64_t previous_end = 0;
      for (int i = 0; i < request.segments_size(); ++i) {
        const v1::Segment& segment = request.segments(i);
        if (segment.start() < previous_end || segment.start() >= segment.end() ||
            segment.end() > lengths.code_points) {
          return absl::InvalidArgumentError(
              absl::StrCat("segments[", i, "]: [", segment.start(), ", ", segment.end(),
                           ") must be non-empty, in order, not overlapping, and within the text's ",
                           lengths.code_points, " code points"));
        }
        previous_end = segment.end();
        *document.add_segments() = segment;
      }
      break;
    }
    case v1::SEGMENT_NONE:
    case v1::SEGMENT_PARAGRAPH:
    case v1::SEGMENT_LINE:
    case v1::SEGMENT_SENTENCE: {
      if (request.segments_size() > 0) {
        return absl::InvalidArgumentError("segments: give segments or a segmentation, not both");
      }
      document.set_segmentation(request.segmentation());
      const text::SegmentBy by = SegmentByOf(request.segmentation());
      for (const text::Span& span : text::Segment(text, by)) {
        v1::Segment* segment = document.add_segments();
        segment->set_start(span.start);
        segment->set_end(span.end);
      }
      break;
    }
    case v1::SEGMENT_TURN: {
      if (request.segments_size() > 0) {
        return absl::InvalidArgumentError("segments: give segments or a segmentation, not both");
      }
      document.set_segmentation(v1::SEGMENT_TURN);
      // A timed transcript's turns come with their times; in text, labels
      // mark them.
      std::vector<text::Turn> turns = extracted.turns;
      if (turns.empty()) {
        ICR_ASSIGN_OR_RETURN(turns, text::SpeakerTurns(text, request.speaker_pattern()));
      }
      for (const text::Turn& turn : turns) {
        v1::Segment* segment = document.add_segments();
        segment->set_start(turn.start);
        segment->set_end(turn.end);
        segment->set_speaker(turn.speaker);
        if (turn.start_ms) segment->set_start_ms(*turn.start_ms);
        if (turn.end_ms) segment->set_end_ms(*turn.end_ms);
      }
      break;
    }
    default:
      return absl::InvalidArgumentError("segmentation: unknown value");
  }

  // The audit event carries the hashes of the text and of the original file,
  // not their bytes (DESIGN §5); its summary names the extraction tool.
  v1::CreateDocumentRequest audited = request;
  audited.set_text(absl::StrCat("sha256:", document.sha256()));
  if (from_file) audited.set_original(absl::StrCat("sha256:", document.original_sha256()));
  const std::string project = request.project();
  storage::Mutation mutation =
      NewMutation(project, actor, rpc::project::kCreateDocument, audited, request.request_id());
  std::string original = from_file ? request.original() : std::string();
  std::string extraction = from_file ? absl::StrCat("; from a ", document.original_format(),
                                                    " file of ", document.original_bytes(),
                                                    " bytes, sha256 ", document.original_sha256(),
                                                    ", extracted by ", document.extraction_tool())
                                     : std::string();
  mutation.apply = [project, document, text = std::move(extracted.text),
                    original = std::move(original), extraction = std::move(extraction)](
                       MutationContext& context) -> absl::StatusOr<MutationResult> {
    const std::string key = storage::DocumentKey(project, document.id());
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> existing, context.Get(Family::kMetadata, key));
    if (existing) return absl::AlreadyExistsError(absl::StrCat("document ", document.id()));
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> stored_text,
                         context.Get(Family::kTexts, document.sha256()));
    if (!stored_text) context.Put(Family::kTexts, document.sha256(), text);
    // Originals share the content-addressed family with texts.
    if (!document.original_sha256().empty() && document.original_sha256() != document.sha256()) {
      ICR_ASSIGN_OR_RETURN(std::optional<std::string> stored_original,
                           context.Get(Family::kTexts, document.original_sha256()));
      if (!stored_original) context.Put(Family::kTexts, document.original_sha256(), original);
    }
    context.Put(Family::kMetadata, key, document.SerializeAsString());
    v1::CreateDocumentResponse response;
    *response.mutable_document() = document;
    return MutationResult{
        response.SerializeAsString(),
        absl::StrCat("added document ", document.id(), " (", document.length_code_points(),
                     " code points, ", document.segments_size(), " segments, sha256 ",
                     document.sha256(), extraction, ")"),
        std::nullopt};
  };
  return CommitAndParse<v1::CreateDocumentResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::GetDocumentResponse> Catalog::GetDocument(
    const v1::GetDocumentRequest& request) const {
  ICR_RETURN_IF_ERROR(ValidateId("document", request.document()));
  ICR_ASSIGN_OR_RETURN(
      std::optional<v1::Document> document,
      Read<v1::Document>(store_, Family::kMetadata,
                         storage::DocumentKey(request.project(), request.document())));
  if (!document) return absl::NotFoundError(absl::StrCat("document ", request.document()));
  const bool convert = request.offset_unit() != v1::CODE_POINTS;
  if (request.include_text() || convert) {
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> text,
                         store_.Get(Family::kTexts, document->sha256()));
    if (!text) return absl::DataLossError(absl::StrCat("text of document ", document->id()));
    if (convert) {
      std::vector<int64_t> offsets;
      for (const v1::Segment& segment : document->segments()) {
        offsets.push_back(segment.start());
        offsets.push_back(segment.end());
      }
      ICR_ASSIGN_OR_RETURN(std::vector<int64_t> converted,
                           text::ConvertOffsets(*text, text::OffsetUnit::kCodePoints,
                                                FromProtoUnit(request.offset_unit()), offsets));
      for (int i = 0; i < document->segments_size(); ++i) {
        document->mutable_segments(i)->set_start(converted[2 * i]);
        document->mutable_segments(i)->set_end(converted[2 * i + 1]);
      }
      document->set_offset_unit(request.offset_unit());
    }
    if (request.include_text()) document->set_text(*std::move(text));
  }
  v1::GetDocumentResponse response;
  if (request.include_original() && !document->original_sha256().empty()) {
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> original,
                         store_.Get(Family::kTexts, document->original_sha256()));
    if (!original) {
      return absl::DataLossError(absl::StrCat("original file of document ", document->id()));
    }
    response.set_original(*std::move(original));
  }
  *response.mutable_document() = *std::move(document);
  return response;
}

absl::StatusOr<v1::ListDocumentsResponse> Catalog::ListDocuments(
    const v1::ListDocumentsRequest& request) const {
  v1::ListDocumentsResponse response;
  ICR_ASSIGN_OR_RETURN(
      std::string next,
      ListPage<v1::Document>(store_, Family::kMetadata,
                             storage::ProjectScopedPrefix("document", request.project()),
                             request.page_size(), request.page_token(), KeepAll<v1::Document>,
                             response.mutable_documents()));
  response.set_next_page_token(next);
  return response;
}

}  // namespace icr::catalog
