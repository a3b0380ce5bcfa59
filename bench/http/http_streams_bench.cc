// Browser event streams under load (issue: 200 open streams while 8 coders
// submit codings; ordinary requests' p99 under 50 ms; every stream hears of
// each coding within 1 s).
//
// One process: a real icr server (synced writes) with its HTTP gateway on
// loopback; 200 event streams held by 25 reviewers (8 each, the per-user
// bound); 8 coders each submitting one coding per request over HTTP; a
// reader timing ordinary GETs meanwhile. Prints the percentiles.
//
//   build/bench/http/http_streams_bench [--streams 200] [--coders 8] [--codings 50]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"
#include "server/http/http_gateway.h"
#include "server/service/server.h"

ABSL_FLAG(int, streams, 200, "event streams held open");
ABSL_FLAG(int, coders, 8, "coders submitting at once");
ABSL_FLAG(int, codings, 50, "codings each coder submits, one per request");

namespace {

using Clock = std::chrono::steady_clock;

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

struct Api {
  explicit Api(int port) : client("127.0.0.1", port) { client.set_read_timeout(60); }
  std::string Post(const std::string& token, const std::string& path, const std::string& body) {
    httplib::Result r =
        client.Post(path, {{"Authorization", "Bearer " + token}}, body, "application/json");
    if (!r || r->status != 200) {
      std::fprintf(stderr, "POST %s: %s\n", path.c_str(), r ? r->body.c_str() : "no answer");
      std::exit(1);
    }
    return r->body;
  }
  httplib::Client client;
};

std::string TokenOf(const std::string& json) {
  const std::string key = "\"token\":\"";
  const size_t at = json.find(key) + key.size();
  return json.substr(at, json.find('"', at) - at);
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const int stream_count = absl::GetFlag(FLAGS_streams);
  const int coder_count = absl::GetFlag(FLAGS_coders);
  const int codings_each = absl::GetFlag(FLAGS_codings);

  char dir_template[] = "/tmp/icr-http-bench-XXXXXX";
  const std::string dir = ::mkdtemp(dir_template);
  icr::service::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = dir;
  auto server = icr::service::IcrServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", std::string(server.status().message()).c_str());
    return 1;
  }
  icr::http::HttpOptions http;
  http.listen = "127.0.0.1:0";
  http.streams.max_streams = stream_count + 8;
  auto gateway =
      icr::http::HttpGateway::Start(http, (*server)->grpc_server()->InProcessChannel({}));
  if (!gateway.ok()) return 1;
  const int port = (*gateway)->port();
  std::string admin;
  std::ifstream(dir + "/admin.token") >> admin;

  // The study: one round, `coder_count` coders, one document of 2,000 lines.
  Api api(port);
  api.Post(admin, "/v1/projects", R"({"id":"study","title":"Study"})");
  std::vector<std::string> coders, reviewers;
  for (int i = 0; i < coder_count; ++i) {
    const std::string id = absl::StrCat("coder", i);
    coders.push_back(TokenOf(api.Post(admin, "/v1/users", absl::StrCat(R"({"id":")", id, "\"}"))));
    api.Post(admin, "/v1/projects/study/members",
             absl::StrCat(R"({"user":")", id, R"(","role":"CODER"})"));
  }
  const int reviewer_count = (stream_count + 7) / 8;
  for (int i = 0; i < reviewer_count; ++i) {
    const std::string id = absl::StrCat("reviewer", i);
    reviewers.push_back(
        TokenOf(api.Post(admin, "/v1/users", absl::StrCat(R"({"id":")", id, "\"}"))));
    api.Post(admin, "/v1/projects/study/members",
             absl::StrCat(R"({"user":")", id, R"(","role":"REVIEWER"})"));
  }
  api.Post(admin, "/v1/projects/study/codes", R"({"code":{"id":"c1","name":"c1"}})");
  std::string text;
  for (int i = 0; i < 2000; ++i) text += absl::StrCat("line ", i, "\n");
  // base64 of `text` through the JSON mapping's bytes field.
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  for (size_t i = 0; i < text.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(text[i]) << 16;
    if (i + 1 < text.size()) n |= static_cast<uint8_t>(text[i + 1]) << 8;
    if (i + 2 < text.size()) n |= static_cast<uint8_t>(text[i + 2]);
    b64 += kAlphabet[(n >> 18) & 63];
    b64 += kAlphabet[(n >> 12) & 63];
    b64 += i + 1 < text.size() ? kAlphabet[(n >> 6) & 63] : '=';
    b64 += i + 2 < text.size() ? kAlphabet[n & 63] : '=';
  }
  api.Post(admin, "/v1/projects/study/documents",
           absl::StrCat(R"({"id":"d1","segmentation":"SEGMENT_LINE","text":")", b64, "\"}"));
  std::string round = R"({"id":"r1","documents":["d1"],"coders":[)";
  for (int i = 0; i < coder_count; ++i) absl::StrAppend(&round, i ? "," : "", "\"coder", i, "\"");
  api.Post(admin, "/v1/projects/study/rounds", round + "]}");

  // The streams: each records when it heard of each coder's k-th coding.
  struct Heard {
    std::mutex mutex;
    std::map<std::string, std::vector<Clock::time_point>> by_coder;
    std::atomic<bool> open{false};
  };
  std::vector<Heard> heard(stream_count);
  std::atomic<bool> stop{false};
  std::vector<std::thread> streams;
  for (int s = 0; s < stream_count; ++s) {
    streams.emplace_back([&, s] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(120);
      std::string buffer;
      client.Get(
          "/v1/projects/study/stream", {{"Authorization", "Bearer " + reviewers[s / 8]}},
          [&](const char* data, size_t length) {
            heard[s].open = true;
            buffer.append(data, length);
            size_t end;
            while ((end = buffer.find("\n\n")) != std::string::npos) {
              const std::string event = buffer.substr(0, end);
              buffer.erase(0, end + 2);
              const size_t at = event.find("\"coder\":\"");
              if (event.find("CHANGE_KIND_CODINGS") == std::string::npos || at == std::string::npos)
                continue;
              const std::string coder = event.substr(at + 9, event.find('"', at + 9) - at - 9);
              std::lock_guard<std::mutex> lock(heard[s].mutex);
              heard[s].by_coder[coder].push_back(Clock::now());
            }
            return !stop.load();
          });
    });
  }
  // Every stream open (its first heartbeat or retry line has arrived).
  while (true) {
    int open = 0;
    for (Heard& h : heard) open += h.open.load();
    if (open == stream_count) break;
    static int rounds = 0;
    if (++rounds % 100 == 0) {
      std::printf("  %d of %d streams open, %d held by the gateway\n", open, stream_count,
                  (*gateway)->open_streams());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::printf("%d event streams open (%d held by the gateway)\n", stream_count,
              (*gateway)->open_streams());

  // An ordinary reader, timed, while the coders submit.
  std::vector<double> reads;
  std::atomic<bool> coding_done{false};
  std::thread reader([&] {
    Api reader_api(port);
    while (!coding_done.load()) {
      const Clock::time_point start = Clock::now();
      httplib::Result r = reader_api.client.Get("/v1/projects/study/rounds/r1/progress",
                                                {{"Authorization", "Bearer " + admin}});
      if (!r || r->status != 200) std::exit(1);
      reads.push_back(Millis(Clock::now() - start));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::vector<std::vector<Clock::time_point>> submitted(coder_count);
  std::vector<double> submit_ms;
  std::mutex submit_mutex;
  std::vector<std::thread> coding;
  for (int c = 0; c < coder_count; ++c) {
    coding.emplace_back([&, c] {
      Api coder_api(port);
      for (int k = 0; k < codings_each; ++k) {
        const Clock::time_point start = Clock::now();
        coder_api.Post(coders[c], "/v1/projects/study/rounds/r1/codings",
                       absl::StrCat(R"({"codings":[{"document":"d1","code":"c1","segment":")",
                                    c * codings_each + k, "\"}]}"));
        const Clock::time_point end = Clock::now();
        submitted[c].push_back(end);
        std::lock_guard<std::mutex> lock(submit_mutex);
        submit_ms.push_back(Millis(end - start));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
  }
  for (std::thread& t : coding) t.join();
  coding_done = true;
  reader.join();

  // Wait (up to 5 s) for the streams to hear of everything, then measure.
  const Clock::time_point wait_until = Clock::now() + std::chrono::seconds(5);
  std::vector<double> delivery;
  size_t missing = 0;
  while (true) {
    delivery.clear();
    missing = 0;
    for (Heard& h : heard) {
      std::lock_guard<std::mutex> lock(h.mutex);
      for (int c = 0; c < coder_count; ++c) {
        const std::vector<Clock::time_point>& got = h.by_coder[absl::StrCat("coder", c)];
        missing += submitted[c].size() - std::min(got.size(), submitted[c].size());
        for (size_t k = 0; k < std::min(got.size(), submitted[c].size()); ++k) {
          delivery.push_back(std::max(0.0, Millis(got[k] - submitted[c][k])));
        }
      }
    }
    if (missing == 0 || Clock::now() > wait_until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop = true;
  std::printf("codings submitted: %zu by %d coders (one per request, synced)\n", submit_ms.size(),
              coder_count);
  std::printf("submit latency:        p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms\n",
              Percentile(submit_ms, 0.5), Percentile(submit_ms, 0.95), Percentile(submit_ms, 0.99));
  std::printf("ordinary GET latency:  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  (%zu requests)\n",
              Percentile(reads, 0.5), Percentile(reads, 0.95), Percentile(reads, 0.99),
              reads.size());
  std::printf(
      "coding -> every stream: p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  (%zu deliveries, "
      "%zu missing)\n",
      Percentile(delivery, 0.5), Percentile(delivery, 0.99), Percentile(delivery, 1.0),
      delivery.size(), missing);
  (*gateway)->Shutdown();
  for (std::thread& t : streams) t.join();
  (*server)->Shutdown();
  std::filesystem::remove_all(dir);
  return missing == 0 ? 0 : 2;
}
