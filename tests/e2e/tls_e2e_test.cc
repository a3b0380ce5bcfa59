// TLS and mutual TLS between the real icr-server and the real icr, with
// certificates made at test time by the openssl command; and the refusal to
// serve plaintext beyond loopback.

#include <fstream>
#include <regex>

#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace icr {
namespace {

using testing::CommandResult;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A CA, a server certificate for 127.0.0.1 and a client certificate.
    Openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-days", "2", "-subj", "/CN=icr test CA", "-keyout", Path("ca.key"), "-out",
             Path("ca.pem")});
    for (const std::string name : {"server", "client"}) {
      Openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
               "-subj", "/CN=" + name, "-keyout", Path(name + ".key"), "-out",
               Path(name + ".csr")});
      std::ofstream(Path(name + ".ext"))
          << (name == "server" ? "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                               : "extendedKeyUsage=clientAuth\n");
      Openssl({"x509", "-req", "-in", Path(name + ".csr"), "-CA", Path("ca.pem"), "-CAkey",
               Path("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", Path(name + ".ext"),
               "-out", Path(name + ".pem")});
    }
  }

  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }

  void Openssl(std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/bin/openssl");
    CommandResult result = testing::Run(args);
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  // Starts the server with `extra` flags; returns its port ("" if it exited).
  std::string Start(std::vector<std::string> extra) {
    testing::ServerProcess server = testing::StartServer(ICR_SERVER_BINARY, Path("data"), extra);
    server_ = std::move(server.process);
    return server.port;
  }

  CommandResult Whoami(const std::string& port, std::vector<std::string> tls) {
    std::vector<std::string> args = {ICR_CLI_BINARY, "--server", "127.0.0.1:" + port,
                                     "--token_file", Path("data/admin.token")};
    args.insert(args.end(), tls.begin(), tls.end());
    args.push_back("whoami");
    return testing::Run(args);
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::Background> server_;
};

TEST_F(TlsTest, ServerTls) {
  const std::string port =
      Start({"--tls_cert", Path("server.pem"), "--tls_key", Path("server.key")});
  ASSERT_FALSE(port.empty()) << server_->output();
  EXPECT_NE(server_->output().find("(TLS)"), std::string::npos);
  CommandResult ok = Whoami(port, {"--tls_ca", Path("ca.pem")});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("admin"), std::string::npos);
  // Plaintext against a TLS server does not get through.
  CommandResult plain = Whoami(port, {});
  EXPECT_EQ(plain.exit_code, 1);
  EXPECT_NE(plain.err.find("UNAVAILABLE"), std::string::npos) << plain.err;
  // A client trusting another CA refuses the server.
  CommandResult wrong_ca = Whoami(port, {"--tls_ca", Path("client.pem")});
  EXPECT_EQ(wrong_ca.exit_code, 1);
}

TEST_F(TlsTest, MutualTlsNeedsAClientCertificate) {
  const std::string port = Start({"--tls_cert", Path("server.pem"), "--tls_key", Path("server.key"),
                                  "--tls_client_ca", Path("ca.pem")});
  ASSERT_FALSE(port.empty()) << server_->output();
  CommandResult without = Whoami(port, {"--tls_ca", Path("ca.pem")});
  EXPECT_EQ(without.exit_code, 1);
  CommandResult with = Whoami(port, {"--tls_ca", Path("ca.pem"), "--tls_cert", Path("client.pem"),
                                     "--tls_key", Path("client.key")});
  EXPECT_EQ(with.exit_code, 0) << with.err;
}

// The browser app over HTTPS with the same certificate: the session cookie
// is Secure; plaintext HTTP beyond loopback is refused as gRPC's is.
TEST_F(TlsTest, TheBrowserAppIsServedOverHttpsWithASecureCookie) {
  const std::string port = Start({"--tls_cert", Path("server.pem"), "--tls_key", Path("server.key"),
                                  "--http_listen", "127.0.0.1:0"});
  ASSERT_FALSE(port.empty()) << server_->output();
  const std::string line = server_->WaitForLine("JSON API on");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(line, match, std::regex("https://127.0.0.1:([0-9]+)/"))) << line;
  httplib::SSLClient client("127.0.0.1", std::stoi(match[1]));
  client.set_ca_cert_path(Path("ca.pem"));
  client.enable_server_certificate_verification(true);
  std::string token;
  std::ifstream(Path("data/admin.token")) >> token;
  httplib::Result me = client.Get("/v1/users/me", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(me) << httplib::to_string(me.error());
  EXPECT_EQ(me->status, 200) << me->body;
  EXPECT_NE(me->body.find("\"id\":\"admin\""), std::string::npos) << me->body;
  httplib::Result session =
      client.Post("/v1/sessions", "{\"token\":\"" + token + "\"}", "application/json");
  ASSERT_TRUE(session);
  EXPECT_NE(session->get_header_value("Set-Cookie").find("; Secure"), std::string::npos);
  // Plaintext to the HTTPS port does not get through.
  httplib::Client plain("127.0.0.1", std::stoi(match[1]));
  httplib::Result refused = plain.Get("/v1/users/me");
  EXPECT_TRUE(!refused || refused->status != 200);
}

TEST_F(TlsTest, PlaintextBeyondLoopbackIsRefused) {
  CommandResult http_refused =
      testing::Run({ICR_SERVER_BINARY, "--listen", "127.0.0.1:0", "--data_dir", Path("data"),
                    "--http_listen", "0.0.0.0:0"});
  EXPECT_EQ(http_refused.exit_code, 1);
  EXPECT_NE(http_refused.err.find("--http_listen"), std::string::npos) << http_refused.err;
  EXPECT_NE(http_refused.err.find("--allow_insecure"), std::string::npos) << http_refused.err;
  CommandResult refused =
      testing::Run({ICR_SERVER_BINARY, "--listen", "0.0.0.0:0", "--data_dir", Path("data")});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("--allow_insecure"), std::string::npos) << refused.err;
  CommandResult bad_key =
      testing::Run({ICR_SERVER_BINARY, "--listen", "127.0.0.1:0", "--data_dir", Path("data"),
                    "--tls_cert", Path("server.pem"), "--tls_key", Path("missing.key")});
  EXPECT_EQ(bad_key.exit_code, 1);
  EXPECT_NE(bad_key.err.find("--tls_key"), std::string::npos) << bad_key.err;
}

}  // namespace
}  // namespace icr
