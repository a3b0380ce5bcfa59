#ifndef ICR_CLIENT_REFI_REFI_COMMANDS_H_
#define ICR_CLIENT_REFI_REFI_COMMANDS_H_

// `icr import qdc|qdpx` and `icr export qdpx|qdc`: REFI-QDA interchange with
// ATLAS.ti, MAXQDA, NVivo and QualCoder over the server's ordinary RPCs (the
// server validates and audits every change).
//
//   icr import qdc PROJECT FILE.qdc
//   icr import qdpx PROJECT ROUND FILE.qdpx (--coder USER | --map-users F.csv)
//                   [--offsets codepoint|utf16]
//   icr export qdpx PROJECT ROUND --out F.qdpx [--offsets codepoint|utf16]
//   icr export qdc PROJECT --out F.qdc
//
// A file is read and checked whole before the first RPC: a bad file stores
// nothing (exit 2, with the file, the line and the element's guid).

#include "CLI/CLI.hpp"
#include "client/global_options.h"

namespace icr::client {

void AddRefiCommands(CLI::App& app, GlobalOptions& globals, int* exit_code);

}  // namespace icr::client

#endif  // ICR_CLIENT_REFI_REFI_COMMANDS_H_
