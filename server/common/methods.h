#ifndef ICR_SERVER_COMMON_METHODS_H_
#define ICR_SERVER_COMMON_METHODS_H_

// The full gRPC names ("/package.Service/Method") of the API's RPCs, written
// once. The authorization table, every handler, the audit events a mutation
// records (EventRecord.method) and the readers of those events (the change
// feed, the report) take them from here. tests/service/authorization_test.cc
// checks that the table, and so these names, cover exactly the methods of
// the icr.v1 service descriptors.

namespace icr::rpc {

namespace admin {
inline constexpr char kCreateUser[] = "/icr.v1.AdminService/CreateUser";
inline constexpr char kListUsers[] = "/icr.v1.AdminService/ListUsers";
inline constexpr char kCreateToken[] = "/icr.v1.AdminService/CreateToken";
inline constexpr char kGetCurrentUser[] = "/icr.v1.AdminService/GetCurrentUser";
inline constexpr char kListTokens[] = "/icr.v1.AdminService/ListTokens";
inline constexpr char kRevokeToken[] = "/icr.v1.AdminService/RevokeToken";
inline constexpr char kBackup[] = "/icr.v1.AdminService/Backup";
inline constexpr char kCreateSigninLink[] = "/icr.v1.AdminService/CreateSigninLink";
inline constexpr char kCreateSession[] = "/icr.v1.AdminService/CreateSession";
}  // namespace admin

namespace project {
inline constexpr char kCreateProject[] = "/icr.v1.ProjectService/CreateProject";
inline constexpr char kListProjects[] = "/icr.v1.ProjectService/ListProjects";
inline constexpr char kGetProject[] = "/icr.v1.ProjectService/GetProject";
inline constexpr char kAddMember[] = "/icr.v1.ProjectService/AddMember";
inline constexpr char kListMembers[] = "/icr.v1.ProjectService/ListMembers";
inline constexpr char kCreateCode[] = "/icr.v1.ProjectService/CreateCode";
inline constexpr char kUpdateCode[] = "/icr.v1.ProjectService/UpdateCode";
inline constexpr char kMergeCode[] = "/icr.v1.ProjectService/MergeCode";
inline constexpr char kListCodes[] = "/icr.v1.ProjectService/ListCodes";
inline constexpr char kCreateDomain[] = "/icr.v1.ProjectService/CreateDomain";
inline constexpr char kListDomains[] = "/icr.v1.ProjectService/ListDomains";
inline constexpr char kCreateDocument[] = "/icr.v1.ProjectService/CreateDocument";
inline constexpr char kGetDocument[] = "/icr.v1.ProjectService/GetDocument";
inline constexpr char kListDocuments[] = "/icr.v1.ProjectService/ListDocuments";
inline constexpr char kCreateRound[] = "/icr.v1.ProjectService/CreateRound";
inline constexpr char kGetRound[] = "/icr.v1.ProjectService/GetRound";
inline constexpr char kListRounds[] = "/icr.v1.ProjectService/ListRounds";
inline constexpr char kAdvanceRound[] = "/icr.v1.ProjectService/AdvanceRound";
}  // namespace project

namespace coding {
inline constexpr char kSubmitCodings[] = "/icr.v1.CodingService/SubmitCodings";
inline constexpr char kImportCodings[] = "/icr.v1.CodingService/ImportCodings";
inline constexpr char kRetractCoding[] = "/icr.v1.CodingService/RetractCoding";
inline constexpr char kListCodings[] = "/icr.v1.CodingService/ListCodings";
inline constexpr char kSetDocumentProgress[] = "/icr.v1.CodingService/SetDocumentProgress";
inline constexpr char kListProgress[] = "/icr.v1.CodingService/ListProgress";
}  // namespace coding

namespace agreement {
inline constexpr char kComputeAgreement[] = "/icr.v1.AgreementService/ComputeAgreement";
inline constexpr char kWatchAgreement[] = "/icr.v1.AgreementService/WatchAgreement";
inline constexpr char kListDisagreements[] = "/icr.v1.AgreementService/ListDisagreements";
inline constexpr char kResolveDisagreement[] = "/icr.v1.AgreementService/ResolveDisagreement";
inline constexpr char kGetConsensus[] = "/icr.v1.AgreementService/GetConsensus";
}  // namespace agreement

namespace audit {
inline constexpr char kListEvents[] = "/icr.v1.AuditService/ListEvents";
inline constexpr char kExportAudit[] = "/icr.v1.AuditService/ExportAudit";
inline constexpr char kGetSignedHead[] = "/icr.v1.AuditService/GetSignedHead";
inline constexpr char kGetInclusionProof[] = "/icr.v1.AuditService/GetInclusionProof";
inline constexpr char kGetConsistencyProof[] = "/icr.v1.AuditService/GetConsistencyProof";
inline constexpr char kListChanges[] = "/icr.v1.AuditService/ListChanges";
inline constexpr char kGetPublicKey[] = "/icr.v1.AuditService/GetPublicKey";
}  // namespace audit

namespace report {
inline constexpr char kGetReport[] = "/icr.v1.ReportService/GetReport";
}  // namespace report

}  // namespace icr::rpc

#endif  // ICR_SERVER_COMMON_METHODS_H_
