#include <time.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"
#include "client/catalog_command_support.h"

namespace icr::client::catalog {
namespace {

// Where the browser app is served when neither --web_url nor ICR_WEB_URL
// says: what deploy/run starts.
constexpr char kDefaultWebUrl[] = "http://127.0.0.1:8080";

// `time` for a person: "2026-12-09 10:00 UTC".
std::string InWords(const google::protobuf::Timestamp& time) {
  const time_t seconds = static_cast<time_t>(time.seconds());
  struct tm utc;
  gmtime_r(&seconds, &utc);
  char text[32];
  strftime(text, sizeof(text), "%Y-%m-%d %H:%M UTC", &utc);
  return text;
}

std::string KindWord(v1::TokenKind kind) {
  switch (kind) {
    case v1::TOKEN_KIND_SESSION:
      return "session";
    case v1::TOKEN_KIND_SIGNIN:
      return "sign-in link";
    default:
      return "api";
  }
}

}  // namespace

void AddUserCommands(CLI::App& app, const Context& ctx) {
  CLI::App* user =
      app.add_subcommand("user", "users (server admin), their tokens and sign-in links");
  user->require_subcommand(1);

  struct Create {
    std::string id, display_name;
    bool admin = false;
  };
  auto create = std::make_shared<Create>();
  CLI::App* c = user->add_subcommand("create", "create a user; prints its token once");
  c->add_option("NAME", create->id, "user id ([a-z0-9_-])")->required();
  c->add_option("--display_name", create->display_name, "name shown to people");
  c->add_flag("--admin", create->admin, "give the server ADMIN role");
  c->callback([create, ctx] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::CreateUserRequest request;
      request.set_id(create->id);
      request.set_display_name(create->display_name);
      request.set_role(create->admin ? v1::ADMIN : v1::USER);
      request.set_request_id(NewRequestId());
      auto response =
          connection.Call(&v1::AdminService::Stub::CreateUser, connection.admin(), request);
      if (!response.ok()) return response.status();
      Print(ctx.globals, std::cout, *response,
            {{"user", "role", "token"},
             {response->user().id(), v1::ServerRole_Name(response->user().role()),
              response->token()}});
      if (ctx.globals.output == OutputFormat::kTable) {
        std::cout << "The token is shown only now; the server keeps only its hash.\n";
      }
      return absl::OkStatus();
    });
  });

  auto pages = std::make_shared<PageFlags>();
  CLI::App* l = user->add_subcommand("list", "list users");
  pages->AddTo(l);
  l->callback([pages, ctx] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      return ListAndPrint(
          ctx, connection, &v1::AdminService::Stub::ListUsers, connection.admin(), *pages,
          v1::ListUsersRequest(), [](const v1::ListUsersResponse& r) {
            Rows rows = {{"user", "display_name", "role", "created"}};
            for (const v1::User& u : r.users()) {
              rows.push_back({u.id(), u.display_name(), v1::ServerRole_Name(u.role()),
                              FormatTime(u.create_time())});
            }
            return rows;
          });
    });
  });

  struct TokenFlags {
    std::string user;
    int64_t ttl_seconds = 0;
  };
  auto token = std::make_shared<TokenFlags>();
  CLI::App* t = user->add_subcommand("token", "create another token for USER (or yourself)");
  t->add_option("USER", token->user, "user id (default: yourself)");
  t->add_option("--ttl", token->ttl_seconds, "seconds until the token expires (default: never)")
      ->check(CLI::NonNegativeNumber);
  t->callback([token, ctx] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::CreateTokenRequest request;
      request.set_user(token->user);
      if (request.user().empty()) {
        auto me = connection.Call(&v1::AdminService::Stub::GetCurrentUser, connection.admin(),
                                  v1::GetCurrentUserRequest());
        if (!me.ok()) return me.status();
        request.set_user(me->user().id());
      }
      request.set_ttl_seconds(token->ttl_seconds);
      request.set_request_id(NewRequestId());
      auto response =
          connection.Call(&v1::AdminService::Stub::CreateToken, connection.admin(), request);
      if (!response.ok()) return response.status();
      Print(ctx.globals, std::cout, *response,
            {{"token", "token_id"}, {response->token(), response->info().token_id()}});
      return absl::OkStatus();
    });
  });

  auto tokens_user = std::make_shared<std::string>();
  CLI::App* tl = user->add_subcommand(
      "tokens", "list USER's API tokens, sessions and sign-in links (never their secrets)");
  tl->add_option("USER", *tokens_user, "user id (default: yourself)");
  tl->callback([tokens_user, ctx] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::ListTokensRequest request;
      request.set_user(*tokens_user);
      auto response =
          connection.Call(&v1::AdminService::Stub::ListTokens, connection.admin(), request);
      if (!response.ok()) return response.status();
      Rows rows = {{"token_id", "kind", "user", "created", "expires", "revoked"}};
      for (const v1::TokenInfo& info : response->tokens()) {
        rows.push_back({info.token_id(), KindWord(info.kind()), info.user(),
                        FormatTime(info.create_time()),
                        info.has_expire_time() ? FormatTime(info.expire_time()) : "never",
                        info.revoked() ? "yes" : "no"});
      }
      Print(ctx.globals, std::cout, *response, rows);
      return absl::OkStatus();
    });
  });

  struct InviteFlags {
    std::string user, web_url;
    int64_t ttl_seconds = 0;
  };
  auto invite = std::make_shared<InviteFlags>();
  CLI::App* in = user->add_subcommand(
      "invite",
      "make a sign-in link for USER to open the browser app: it works once and expires "
      "(an admin, or a lead or owner of the user's projects)");
  in->add_option("USER", invite->user, "user id")->required();
  in->add_option("--ttl", invite->ttl_seconds,
                 "seconds until the link expires (default 7 days, at most 30 days)")
      ->check(CLI::PositiveNumber);
  in->add_option(
      "--web_url", invite->web_url,
      absl::StrCat("where the app is served (default: $ICR_WEB_URL, else ", kDefaultWebUrl, ")"));
  in->callback([invite, ctx] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      std::string web_url = invite->web_url;
      if (const char* env = std::getenv("ICR_WEB_URL");
          web_url.empty() && env != nullptr && *env != '\0') {
        web_url = env;
      }
      if (web_url.empty()) web_url = kDefaultWebUrl;
      while (!web_url.empty() && web_url.back() == '/') web_url.pop_back();
      v1::CreateSigninLinkRequest request;
      request.set_user(invite->user);
      request.set_ttl_seconds(invite->ttl_seconds);
      request.set_request_id(NewRequestId());
      auto response =
          connection.Call(&v1::AdminService::Stub::CreateSigninLink, connection.admin(), request);
      if (!response.ok()) return response.status();
      // The code rides in the URL's fragment, which browsers never send to
      // a server (nor to its logs).
      const std::string link = absl::StrCat(web_url, "/#/signin/", response->code());
      const std::string expires = InWords(response->info().expire_time());
      if (ctx.globals.output == OutputFormat::kTable) {
        std::cout << link << "\n"
                  << "Send this link to " << invite->user
                  << "; it signs them in once and expires on " << expires << ".\n";
        return absl::OkStatus();
      }
      Print(ctx.globals, std::cout, *response,
            {{"user", "link", "expires", "token_id"},
             {invite->user, link, FormatTime(response->info().expire_time()),
              response->info().token_id()}});
      return absl::OkStatus();
    });
  });

  auto revoke_id = std::make_shared<std::string>();
  CLI::App* rv = user->add_subcommand("revoke-token",
                                      "revoke a token, session or sign-in link by its token_id");
  rv->add_option("TOKEN_ID", *revoke_id, "as `icr user tokens` lists it")->required();
  rv->callback([revoke_id, ctx] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::RevokeTokenRequest request;
      request.set_token_id(*revoke_id);
      request.set_request_id(NewRequestId());
      auto response =
          connection.Call(&v1::AdminService::Stub::RevokeToken, connection.admin(), request);
      if (!response.ok()) return response.status();
      Print(ctx.globals, std::cout, *response,
            {{"token_id", "user", "revoked"},
             {response->token().token_id(), response->token().user(), "yes"}});
      return absl::OkStatus();
    });
  });

  CLI::App* admin = app.add_subcommand("admin", "server administration");
  admin->require_subcommand(1);
  struct BackupFlags {
    std::string id;
    bool include_signing_key = false;
  };
  auto backup = std::make_shared<BackupFlags>();
  CLI::App* b = admin->add_subcommand(
      "backup",
      "consistent copy of the server's data in the server's --backup_dir; serve it with "
      "icr-server --data_dir DIR");
  b->add_option("ID", backup->id, "the backup's name: a new subdirectory of --backup_dir")
      ->required();
  b->add_flag("--include_signing_key", backup->include_signing_key,
              "copy the private audit signing key too (default: only the public key)");
  b->callback([backup, ctx] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::BackupRequest request;
      request.set_backup_id(backup->id);
      request.set_include_signing_key(backup->include_signing_key);
      request.set_request_id(NewRequestId());
      auto response = connection.Call(&v1::AdminService::Stub::Backup, connection.admin(), request);
      if (!response.ok()) return response.status();
      Print(ctx.globals, std::cout, *response,
            {{"directory", "bytes", "signing_key_included"},
             {response->directory(), std::to_string(response->bytes()),
              response->signing_key_included() ? "yes" : "no"}});
      return absl::OkStatus();
    });
  });

  CLI::App* w = app.add_subcommand("whoami", "show the user the token belongs to");
  w->callback([ctx] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      auto response = connection.Call(&v1::AdminService::Stub::GetCurrentUser, connection.admin(),
                                      v1::GetCurrentUserRequest());
      if (!response.ok()) return response.status();
      Print(ctx.globals, std::cout, *response,
            {{"user", "display_name", "role", "token_from"},
             {response->user().id(), response->user().display_name(),
              v1::ServerRole_Name(response->user().role()), ctx.globals.token_source}});
      // JSON keeps the response's shape; the token's origin goes beside it.
      if (ctx.globals.output == OutputFormat::kJson) {
        std::cerr << "icr: token from " << ctx.globals.token_source << "\n";
      }
      return absl::OkStatus();
    });
  });
}

}  // namespace icr::client::catalog
