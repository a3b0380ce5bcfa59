// RFC 9162 §2.1.1 Merkle tree hash over the events' bytes, as
// server/audit/merkle.h computes it: leaf = SHA-256(0x00 || event bytes),
// node = SHA-256(0x01 || left || right), split at the largest power of two
// smaller than the size, MTH({}) = SHA-256("").

import { concatBytes, sha256 } from "./bytes";

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

export function leafHash(eventBytes: Uint8Array): Promise<Uint8Array> {
  return sha256(concatBytes(LEAF_PREFIX, eventBytes));
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(concatBytes(NODE_PREFIX, left, right));
}

function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

async function subtreeHash(leaves: Uint8Array[], begin: number, end: number): Promise<Uint8Array> {
  if (end - begin === 1) return leaves[begin];
  const k = splitPoint(end - begin);
  const [left, right] = await Promise.all([
    subtreeHash(leaves, begin, begin + k),
    subtreeHash(leaves, begin + k, end),
  ]);
  return nodeHash(left, right);
}

/** MTH of the leaf hashes, in order. */
export function merkleRoot(leaves: Uint8Array[]): Promise<Uint8Array> {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  return subtreeHash(leaves, 0, leaves.length);
}
