#ifndef ICR_TESTS_TESTING_STUDY_FIXTURE_H_
#define ICR_TESTS_TESTING_STUDY_FIXTURE_H_

// A small study made through the API by its lead, the way the service tests
// start: project "study", its members, codes, documents and rounds. Each
// step fails the test when the server refuses it.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "icr/v1/project.grpc.pb.h"
#include "tests/testing/server_fixture.h"

namespace icr::testing {

class StudyTest : public ServerTest {
 protected:
  static constexpr char kStudy[] = "study";

  void Ok(const grpc::Status& status) { ASSERT_TRUE(status.ok()) << status.error_message(); }

  // Creates user "lead" (its token in lead_), then `users` (their tokens in
  // tokens_), then, as lead, the project.
  void CreateStudy(const std::string& title, const std::vector<std::string>& users = {}) {
    lead_ = CreateUser("lead");
    for (const std::string& user : users) tokens_[user] = CreateUser(user);
    v1::CreateProjectRequest project;
    project.set_id(kStudy);
    project.set_title(title);
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateProject, *project_, project));
  }

  void AddMember(const std::string& user, v1::MemberRole role) {
    v1::AddMemberRequest member;
    member.set_project(kStudy);
    member.set_user(user);
    member.set_role(role);
    Ok(Call(lead_, &v1::ProjectService::Stub::AddMember, *project_, member));
  }

  void AddCode(const v1::Code& code) {
    v1::CreateCodeRequest request;
    request.set_project(kStudy);
    *request.mutable_code() = code;
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateCode, *project_, request));
  }
  void AddCode(const std::string& id, const std::string& name) {
    v1::Code code;
    code.set_id(id);
    code.set_name(name);
    AddCode(code);
  }

  void AddDomain(const v1::Domain& domain) {
    v1::CreateDomainRequest request;
    request.set_project(kStudy);
    *request.mutable_domain() = domain;
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateDomain, *project_, request));
  }

  // A document of `text` segmented by paragraph.
  void AddParagraphDocument(const std::string& id, const std::string& text) {
    v1::CreateDocumentRequest document;
    document.set_project(kStudy);
    document.set_id(id);
    document.set_text(text);
    document.set_segmentation(v1::SEGMENT_PARAGRAPH);
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateDocument, *project_, document));
  }

  void AddRound(const std::string& id, const std::vector<std::string>& documents,
                const std::vector<std::string>& coders, bool blind = false) {
    v1::CreateRoundRequest round;
    round.set_project(kStudy);
    round.set_id(id);
    for (const std::string& d : documents) round.add_documents(d);
    for (const std::string& c : coders) round.add_coders(c);
    round.set_blind(blind);
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateRound, *project_, round));
  }

  std::string lead_;
  std::map<std::string, std::string> tokens_;  // by user
};

}  // namespace icr::testing

#endif  // ICR_TESTS_TESTING_STUDY_FIXTURE_H_
