// Reads an AuditEvent (proto/icr/v1/resources.proto) from its serialized bytes,
// the bytes the chain and the Merkle tree hash. Only the wire format is needed:
// the verifier trusts these bytes, never the decoded JSON beside them.

export interface HashedEvent {
  formatVersion: number;
  project: string;
  seq: number;
  /** Seconds and nanoseconds of google.protobuf.Timestamp. */
  seconds: number;
  nanos: number;
  actor: string;
  onBehalfOf: string;
  method: string;
  requestId: string;
  request: Uint8Array;
  resultSummary: string;
  prevHash: Uint8Array;
}

export class WireError extends Error {}

class Reader {
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  done(): boolean {
    return this.offset >= this.bytes.length;
  }

  varint(): number {
    // Values here (seq, seconds, lengths) stay far below 2^53.
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.bytes.length) throw new WireError("truncated varint");
      const byte = this.bytes[this.offset++];
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
    throw new WireError("varint longer than 10 bytes");
  }

  take(length: number): Uint8Array {
    if (length > this.bytes.length - this.offset) throw new WireError("truncated field");
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.take(8);
    else if (wireType === 2) this.take(this.varint());
    else if (wireType === 5) this.take(4);
    else throw new WireError(`wire type ${wireType} is not an AuditEvent's`);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function text(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new WireError("a text field is not UTF-8");
  }
}

function readTimestamp(bytes: Uint8Array): { seconds: number; nanos: number } {
  const reader = new Reader(bytes);
  let seconds = 0;
  let nanos = 0;
  while (!reader.done()) {
    const tag = reader.varint();
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (wireType === 0 && field === 1) seconds = reader.varint();
    else if (wireType === 0 && field === 2) nanos = reader.varint();
    else reader.skip(wireType);
  }
  return { seconds, nanos };
}

/** Decodes the event; throws WireError when the bytes are not an AuditEvent. */
export function readAuditEvent(bytes: Uint8Array): HashedEvent {
  const event: HashedEvent = {
    formatVersion: 0,
    project: "",
    seq: 0,
    seconds: 0,
    nanos: 0,
    actor: "",
    onBehalfOf: "",
    method: "",
    requestId: "",
    request: new Uint8Array(0),
    resultSummary: "",
    prevHash: new Uint8Array(0),
  };
  const reader = new Reader(bytes);
  while (!reader.done()) {
    const tag = reader.varint();
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (wireType === 0 && (field === 1 || field === 3)) {
      const value = reader.varint();
      if (field === 1) event.formatVersion = value;
      else event.seq = value;
      continue;
    }
    if (wireType !== 2 || field < 2 || field > 11 || field === 3) {
      reader.skip(wireType);
      continue;
    }
    const value = reader.take(reader.varint());
    switch (field) {
      case 2: event.project = text(value); break;
      case 4: Object.assign(event, readTimestamp(value)); break;
      case 5: event.actor = text(value); break;
      case 6: event.onBehalfOf = text(value); break;
      case 7: event.method = text(value); break;
      case 8: event.requestId = text(value); break;
      case 9: event.request = value; break;
      case 10: event.resultSummary = text(value); break;
      case 11: event.prevHash = value; break;
    }
  }
  return event;
}

/** RFC 3339 in UTC with the nanoseconds protobuf keeps (0, 3, 6 or 9 digits). */
export function formatTimestamp(seconds: number, nanos: number): string {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (nanos === 0) return `${base}Z`;
  let fraction = String(nanos).padStart(9, "0");
  if (fraction.endsWith("000000")) fraction = fraction.slice(0, 3);
  else if (fraction.endsWith("000")) fraction = fraction.slice(0, 6);
  return `${base}.${fraction}Z`;
}

/** "SubmitCodings" from "/icr.v1.CodingService/SubmitCodings". */
export function shortMethod(method: string): string {
  const slash = method.lastIndexOf("/");
  return slash >= 0 ? method.slice(slash + 1) : method;
}
