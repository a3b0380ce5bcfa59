#include "server/audit/signing.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "server/audit/hash.h"

namespace icr::audit {
namespace {

void AppendBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(length));
}

bool IsEd25519(EVP_PKEY* key) { return key != nullptr && EVP_PKEY_id(key) == EVP_PKEY_ED25519; }

// Writes all of `text` to `fd` and syncs it.
absl::Status WriteAndSync(int fd, std::string_view text, const std::string& path) {
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return absl::InternalError(absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    return absl::InternalError(absl::StrCat("cannot sync ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

std::string DirectoryOf(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

}  // namespace

std::string TreeHeadSignedBytes(const TreeHead& head) {
  std::string out(kTreeHeadFormat);
  AppendBigEndian(out, head.chain.size(), 2);
  out += head.chain;
  AppendBigEndian(out, static_cast<uint64_t>(head.tree_size), 8);
  AppendBigEndian(out, static_cast<uint64_t>(head.timestamp_ms), 8);
  out += head.root_hash;
  return out;
}

// --- PublicKey ---------------------------------------------------------------

struct PublicKey::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

PublicKey::PublicKey(std::unique_ptr<Key> key) : key_(std::move(key)) {}
PublicKey::PublicKey(PublicKey&&) noexcept = default;
PublicKey& PublicKey::operator=(PublicKey&&) noexcept = default;
PublicKey::~PublicKey() = default;

absl::StatusOr<PublicKey> PublicKey::FromPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  auto key = std::make_unique<Key>();
  key->pkey = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (!IsEd25519(key->pkey)) {
    return absl::InvalidArgumentError("not a PEM Ed25519 public key");
  }
  return PublicKey(std::move(key));
}

bool PublicKey::Verify(std::string_view message, std::string_view signature) const {
  if (signature.size() != 64) return false;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(context, nullptr, nullptr, nullptr, key_->pkey) == 1 &&
            EVP_DigestVerify(
                context, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(context);
  return ok;
}

std::string PublicKey::RawBytes() const {
  size_t length = 0;
  EVP_PKEY_get_raw_public_key(key_->pkey, nullptr, &length);
  std::string raw(length, '\0');
  EVP_PKEY_get_raw_public_key(key_->pkey, reinterpret_cast<unsigned char*>(raw.data()), &length);
  return raw;
}

std::string PublicKey::KeyId() const { return HexEncode(Sha256(RawBytes())); }

std::string PublicKey::Pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), key_->pkey);
  return BioText(bio.get());
}

// --- SigningKey --------------------------------------------------------------

struct SigningKey::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

SigningKey::SigningKey(std::unique_ptr<Key> key, PublicKey public_key)
    : key_(std::move(key)), public_key_(std::move(public_key)) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

absl::StatusOr<SigningKey> SigningKey::Generate() {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (pkey == nullptr) return absl::InternalError("cannot generate an Ed25519 key");
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), pkey, nullptr, nullptr, 0, nullptr, nullptr);
  EVP_PKEY_free(pkey);
  return FromPem(BioText(bio.get()));
}

absl::StatusOr<SigningKey> SigningKey::FromPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  auto key = std::make_unique<Key>();
  key->pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (!IsEd25519(key->pkey)) return absl::InvalidArgumentError("not a PEM Ed25519 private key");
  BioPtr public_bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(public_bio.get(), key->pkey);
  absl::StatusOr<PublicKey> public_key = PublicKey::FromPem(BioText(public_bio.get()));
  if (!public_key.ok()) return public_key.status();
  return SigningKey(std::move(key), *std::move(public_key));
}

absl::StatusOr<SigningKey> SigningKey::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code error;
    if (!std::filesystem::exists(std::filesystem::symlink_status(path, error))) {
      return absl::NotFoundError(absl::StrCat(path, " does not exist"));
    }
    return absl::DataLossError(absl::StrCat(path, ": cannot read it"));
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<SigningKey> key = FromPem(text.str());
  if (!key.ok()) return absl::DataLossError(absl::StrCat(path, ": ", key.status().message()));
  return key;
}

absl::Status SigningKey::Save(const std::string& path) const {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return absl::AlreadyExistsError(absl::StrCat(path, " already exists"));
    return absl::InternalError(absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  }
  ::fchmod(fd, 0600);
  absl::Status written = WriteAndSync(fd, PrivateKeyPem(), path);
  ::close(fd);
  if (!written.ok()) return written;
  return SyncDirectory(DirectoryOf(path));
}

std::string SigningKey::Sign(std::string_view message) const {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  std::string signature(64, '\0');
  size_t length = signature.size();
  EVP_DigestSignInit(context, nullptr, nullptr, nullptr, key_->pkey);
  EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &length,
                 reinterpret_cast<const unsigned char*>(message.data()), message.size());
  EVP_MD_CTX_free(context);
  signature.resize(length);
  return signature;
}

std::string SigningKey::PrivateKeyPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key_->pkey, nullptr, nullptr, 0, nullptr, nullptr);
  return BioText(bio.get());
}

absl::Status WriteFileDurably(const std::string& path, std::string_view text, mode_t mode) {
  const std::string temporary = path + ".tmp";
  ::unlink(temporary.c_str());
  const int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot create ", temporary, ": ", std::strerror(errno)));
  }
  ::fchmod(fd, mode);
  absl::Status written = WriteAndSync(fd, text, temporary);
  ::close(fd);
  if (!written.ok()) return written;
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot rename ", temporary, " to ", path, ": ", std::strerror(errno)));
  }
  return SyncDirectory(DirectoryOf(path));
}

absl::Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return absl::InternalError(absl::StrCat("cannot open ", dir, ": ", std::strerror(errno)));
  const bool synced = ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!synced)
    return absl::InternalError(absl::StrCat("cannot sync ", dir, ": ", std::strerror(error)));
  return absl::OkStatus();
}

}  // namespace icr::audit
