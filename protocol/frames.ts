import { strictUtf8Decoder, utf8Encoder } from './text-codec';
import {
  ClientControlSchema,
  ServerControlSchema,
  TerminalSizeSchema,
  type ClientControl,
  type ServerControl,
  type TerminalSize,
} from './control';

/**
 * Binary framing between browser and sandbox-server (ttyd style): every
 * WebSocket message is one frame whose first byte is its type.
 *
 *   OUTPUT  0x00  server→client  raw terminal bytes
 *   INPUT   0x01  client→server  raw bytes typed by the learner
 *   RESIZE  0x02  client→server  UTF-8 JSON {cols, rows}
 *   ACK     0x03  client→server  uint32 big-endian: output bytes the terminal has rendered
 *   CONTROL 0x04  both           UTF-8 JSON control message (control.ts)
 */
export const FrameType = {
  OUTPUT: 0x00,
  INPUT: 0x01,
  RESIZE: 0x02,
  ACK: 0x03,
  CONTROL: 0x04,
} as const;

export type ClientFrame =
  | { type: 'input'; data: Uint8Array }
  | { type: 'resize'; size: TerminalSize }
  | { type: 'ack'; bytes: number }
  | { type: 'control'; message: ClientControl }
  | { type: 'unknown-control'; controlType: string };

export type ServerFrame =
  | { type: 'output'; data: Uint8Array }
  | { type: 'control'; message: ServerControl }
  | { type: 'unknown-control'; controlType: string };

/** Thrown for a frame that cannot be understood; the socket is then closed with CloseCode.PROTOCOL. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

function frame(type: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 1);
  out[0] = type;
  out.set(payload, 1);
  return out;
}

function jsonFrame(type: number, value: unknown): Uint8Array {
  return frame(type, utf8Encoder.encode(JSON.stringify(value)));
}

export const encodeOutput = (data: Uint8Array): Uint8Array => frame(FrameType.OUTPUT, data);
export const encodeInput = (data: Uint8Array | string): Uint8Array =>
  frame(FrameType.INPUT, typeof data === 'string' ? utf8Encoder.encode(data) : data);
export const encodeResize = (size: TerminalSize): Uint8Array => jsonFrame(FrameType.RESIZE, size);
export const encodeServerControl = (message: ServerControl): Uint8Array => jsonFrame(FrameType.CONTROL, message);
export const encodeClientControl = (message: ClientControl): Uint8Array => jsonFrame(FrameType.CONTROL, message);

export function encodeAck(bytes: number): Uint8Array {
  if (!Number.isInteger(bytes) || bytes < 0 || bytes > 0xffffffff) {
    throw new RangeError(`ack byte count out of range: ${bytes}`);
  }
  const out = new Uint8Array(5);
  out[0] = FrameType.ACK;
  new DataView(out.buffer).setUint32(1, bytes, false);
  return out;
}

function parseJson(payload: Uint8Array, what: string): unknown {
  let text: string;
  try {
    text = strictUtf8Decoder.decode(payload);
  } catch {
    throw new ProtocolError(`${what} frame is not valid UTF-8`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ProtocolError(`${what} frame is not valid JSON`);
  }
}

function describeIssues(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Splits a control payload into a known, validated message or an unknown type to be ignored. */
function parseControl<T>(
  payload: Uint8Array,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: Parameters<typeof describeIssues>[0] } },
  knownTypes: ReadonlySet<string>,
): { known: T } | { unknown: string } {
  const value = parseJson(payload, 'control');
  if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
    throw new ProtocolError('control frame must be a JSON object with a string "type"');
  }
  const type = (value as { type: string }).type;
  if (!knownTypes.has(type)) return { unknown: type };
  const result = schema.safeParse(value);
  if (!result.success) throw new ProtocolError(`control message "${type}" is malformed: ${describeIssues(result.error)}`);
  return { known: result.data };
}

const CLIENT_CONTROL_TYPES: ReadonlySet<string> = new Set(ClientControlSchema.options.map((o) => o.shape.type.value));
const SERVER_CONTROL_TYPES: ReadonlySet<string> = new Set(ServerControlSchema.options.map((o) => o.shape.type.value));

/** Parses a frame the server received. Throws ProtocolError with a precise message on bad input. */
export function decodeClientFrame(bytes: Uint8Array): ClientFrame {
  if (bytes.length === 0) throw new ProtocolError('empty frame (no type byte)');
  const payload = bytes.subarray(1);
  switch (bytes[0]) {
    case FrameType.INPUT:
      return { type: 'input', data: payload };
    case FrameType.RESIZE: {
      const result = TerminalSizeSchema.safeParse(parseJson(payload, 'resize'));
      if (!result.success) throw new ProtocolError(`resize frame is malformed: ${describeIssues(result.error)}`);
      return { type: 'resize', size: result.data };
    }
    case FrameType.ACK: {
      if (payload.length !== 4) throw new ProtocolError(`ack frame must carry 4 bytes, got ${payload.length}`);
      return { type: 'ack', bytes: new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0, false) };
    }
    case FrameType.CONTROL: {
      const parsed = parseControl(payload, ClientControlSchema, CLIENT_CONTROL_TYPES);
      return 'known' in parsed ? { type: 'control', message: parsed.known } : { type: 'unknown-control', controlType: parsed.unknown };
    }
    default:
      throw new ProtocolError(`unknown frame type 0x${bytes[0]!.toString(16).padStart(2, '0')} from client`);
  }
}

/** Parses a frame the browser received. */
export function decodeServerFrame(bytes: Uint8Array): ServerFrame {
  if (bytes.length === 0) throw new ProtocolError('empty frame (no type byte)');
  const payload = bytes.subarray(1);
  switch (bytes[0]) {
    case FrameType.OUTPUT:
      return { type: 'output', data: payload };
    case FrameType.CONTROL: {
      const parsed = parseControl(payload, ServerControlSchema, SERVER_CONTROL_TYPES);
      return 'known' in parsed ? { type: 'control', message: parsed.known } : { type: 'unknown-control', controlType: parsed.unknown };
    }
    default:
      throw new ProtocolError(`unknown frame type 0x${bytes[0]!.toString(16).padStart(2, '0')} from server`);
  }
}
